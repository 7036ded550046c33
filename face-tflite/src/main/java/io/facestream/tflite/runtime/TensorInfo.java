package io.facestream.tflite.runtime;

import java.util.Arrays;

/**
 * A runtime tensor: its interpreter index, name, TfLiteType code, current shape and (per-tensor) quantization.
 */
public record TensorInfo(int index, String name, int type, int[] shape, float scale, int zeroPoint) {

    /** TfLiteType codes (tensorflow/lite/core/c/c_api_types.h). */
    public static final int FLOAT32 = 1;
    public static final int INT32 = 2;
    public static final int UINT8 = 3;
    public static final int INT8 = 9;
    public static final int FLOAT16 = 10;

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public long elementCount() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    public String typeName() {
        return switch (type) {
            case FLOAT32 -> "float32";
            case INT32 -> "int32";
            case UINT8 -> "uint8";
            case INT8 -> "int8";
            case FLOAT16 -> "float16";
            default -> "TfLiteType " + type;
        };
    }

    @Override
    public String toString() {
        return name + " " + typeName() + Arrays.toString(shape);
    }
}
