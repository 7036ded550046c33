package io.facestream.tflite.lower;

/** What a tensor is to the operators that read it: it decides how each precision variant stores it. */
public enum TensorRole {
    /** Computed at run time (inputs, intermediate results, outputs). */
    ACTIVATION,
    /** Convolution or fully connected weights: per-channel int8 in quantized variants. */
    FILTER,
    /** The bias of a convolution or fully connected operator: int32 with scale input_scale * weight_scale[c]. */
    BIAS,
    /** Another float constant an elementwise operator reads (MUL/ADD operand, PReLU slopes): per-tensor int8. */
    OPERAND,
    /** Integer parameters (paddings, shapes, axes, slice bounds): int32 in every variant. */
    INDEX
}
