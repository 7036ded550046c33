package io.facestream.tflite.lower;

import org.tensorflow.lite.schema.ActivationFunctionType;

/** The activations TFLite applies inside an operator (and int8 kernels apply as a clamp). */
public enum FusedActivation {
    NONE(ActivationFunctionType.NONE),
    RELU(ActivationFunctionType.RELU),
    RELU6(ActivationFunctionType.RELU6);

    private final byte schemaCode;

    FusedActivation(byte schemaCode) {
        this.schemaCode = schemaCode;
    }

    public byte schemaCode() {
        return schemaCode;
    }
}
