package io.facestream.tflite.lower;

/** The builtin options of an operator, one record per options table the converter writes. */
public sealed interface OpOptions {

    /** Operators without options (activations, PAD, PRELU, QUANTIZE, DEQUANTIZE). */
    record None() implements OpOptions {
    }

    /** CONV_2D. */
    record Conv(boolean samePadding, int strideH, int strideW, FusedActivation activation) implements OpOptions {
    }

    /** DEPTHWISE_CONV_2D. */
    record Depthwise(boolean samePadding, int strideH, int strideW, int multiplier, FusedActivation activation)
            implements OpOptions {
    }

    /** MAX_POOL_2D, AVERAGE_POOL_2D. */
    record Pool(boolean samePadding, int strideH, int strideW, int filterH, int filterW) implements OpOptions {
    }

    /** FULLY_CONNECTED; keepNumDims applies the layer over the last axis of a feature map. */
    record FullyConnected(FusedActivation activation, boolean keepNumDims) implements OpOptions {
    }

    /** ADD, MUL, L2_NORMALIZATION. */
    record Activation(FusedActivation activation) implements OpOptions {
    }

    /** CONCATENATION. */
    record Concat(int axis) implements OpOptions {
    }

    /** RESHAPE; -1 in the batch position keeps batched inference possible. */
    record Reshape(int[] newShape) implements OpOptions {
    }

    /** STRIDED_SLICE; a set bit i of a mask takes axis i from its start (begin) or to its end (end). */
    record StridedSlice(int beginMask, int endMask) implements OpOptions {
    }

    /** MEAN. */
    record Mean(boolean keepDims) implements OpOptions {
    }

    OpOptions NONE = new None();
}
