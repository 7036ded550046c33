package io.facestream.tflite.lower;

import org.tensorflow.lite.schema.TensorType;

/** The tensor element types the converter writes, with their TFLite schema codes and sizes in bytes. */
public enum ElementType {
    FLOAT32(TensorType.FLOAT32, 4),
    FLOAT16(TensorType.FLOAT16, 2),
    INT32(TensorType.INT32, 4),
    UINT8(TensorType.UINT8, 1),
    INT8(TensorType.INT8, 1);

    private final byte schemaCode;
    private final int bytes;

    ElementType(byte schemaCode, int bytes) {
        this.schemaCode = schemaCode;
        this.bytes = bytes;
    }

    public byte schemaCode() {
        return schemaCode;
    }

    public int bytes() {
        return bytes;
    }

    /** Integer types whose values mean (q - zeroPoint) * scale. */
    public boolean quantized() {
        return this == INT8 || this == UINT8;
    }
}
