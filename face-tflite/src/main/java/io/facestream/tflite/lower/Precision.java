package io.facestream.tflite.lower;

/** The numeric formats a model can be written in. */
public enum Precision {
    /** Everything float32: the reference. */
    FLOAT32,
    /** float16 weights dequantized once at load, float32 arithmetic: half the size. */
    FLOAT16,
    /** int8 weights, float activations quantized on the fly by hybrid kernels: a quarter of the size. */
    DYNAMIC_RANGE,
    /** int8 weights and activations from calibration, float in and out: a quarter of the size, fastest on CPU. */
    INT8
}
