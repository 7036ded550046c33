package io.facestream.tflite.lower;

import org.tensorflow.lite.schema.BuiltinOperator;

/** The TFLite builtin operators the converter emits. */
public enum Opcode {
    CONV_2D(BuiltinOperator.CONV_2D),
    DEPTHWISE_CONV_2D(BuiltinOperator.DEPTHWISE_CONV_2D),
    FULLY_CONNECTED(BuiltinOperator.FULLY_CONNECTED),
    ADD(BuiltinOperator.ADD),
    MUL(BuiltinOperator.MUL),
    CONCATENATION(BuiltinOperator.CONCATENATION),
    PAD(BuiltinOperator.PAD),
    STRIDED_SLICE(BuiltinOperator.STRIDED_SLICE),
    MAX_POOL_2D(BuiltinOperator.MAX_POOL_2D),
    AVERAGE_POOL_2D(BuiltinOperator.AVERAGE_POOL_2D),
    MEAN(BuiltinOperator.MEAN),
    RESHAPE(BuiltinOperator.RESHAPE),
    L2_NORMALIZATION(BuiltinOperator.L2_NORMALIZATION),
    RELU(BuiltinOperator.RELU),
    RELU6(BuiltinOperator.RELU6),
    LOGISTIC(BuiltinOperator.LOGISTIC),
    TANH(BuiltinOperator.TANH),
    HARD_SWISH(BuiltinOperator.HARD_SWISH),
    PRELU(BuiltinOperator.PRELU),
    QUANTIZE(BuiltinOperator.QUANTIZE),
    DEQUANTIZE(BuiltinOperator.DEQUANTIZE);

    private final int builtinCode;

    Opcode(int builtinCode) {
        this.builtinCode = builtinCode;
    }

    public int builtinCode() {
        return builtinCode;
    }

    /**
     * int8 kernels of these operators copy or select values without rescaling, so their output must carry the
     * input's scale and zero point.
     */
    public boolean passesQuantizationThrough() {
        return switch (this) {
            case PAD, STRIDED_SLICE, MAX_POOL_2D, AVERAGE_POOL_2D, RESHAPE -> true;
            default -> false;
        };
    }
}
