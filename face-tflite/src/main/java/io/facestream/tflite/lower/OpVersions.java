package io.facestream.tflite.lower;

/**
 * The operator version each operator needs for its tensor types, after TFLite's op_version rules. The runtime
 * refuses versions outside the range it registered, and kernels pick their int8 or hybrid paths by version, so the
 * lowest version that covers what the operator uses is written.
 */
final class OpVersions {

    private OpVersions() {
    }

    static int of(Op op, TfliteProgram program) {
        ElementType in = program.tensor(op.input(0)).type();
        ElementType out = program.tensor(op.output()).type();
        ElementType weights = op.inputs().length > 1 ? program.tensor(op.input(1)).type() : null;
        boolean int8 = in == ElementType.INT8;
        boolean hybrid = in == ElementType.FLOAT32 && weights == ElementType.INT8;
        return switch (op.opcode()) {
            case CONV_2D -> int8 ? 3 : hybrid ? (perChannel(program, op.input(1)) ? 5 : 2) : 1;
            case DEPTHWISE_CONV_2D -> int8 ? 3 : hybrid ? (perChannel(program, op.input(1)) ? 6 : 4) : 1;
            case FULLY_CONNECTED -> {
                if (((OpOptions.FullyConnected) op.options()).keepNumDims()) {
                    yield 5;
                }
                yield int8 ? 4 : hybrid ? 3 : 1;
            }
            case MUL -> int8 ? (mulRescalesUp(op, program) ? 3 : 2) : 1;
            case ADD, MAX_POOL_2D, AVERAGE_POOL_2D, CONCATENATION, PAD, STRIDED_SLICE, MEAN, RELU, RELU6, LOGISTIC,
                 TANH -> int8 ? 2 : 1;
            case L2_NORMALIZATION -> out == ElementType.INT8 ? 2 : 1;
            case DEQUANTIZE -> switch (in) {
                case FLOAT16 -> 3;
                case INT8 -> perChannel(program, op.input(0)) ? 5 : 2;
                default -> 1;
            };
            case QUANTIZE, RESHAPE, HARD_SWISH, PRELU -> 1;
        };
    }

    private static boolean perChannel(TfliteProgram program, int tensor) {
        Quantization q = program.tensor(tensor).quantization();
        return q != null && q.isPerChannel();
    }

    /** Version 3 of MUL handles input1_scale * input2_scale / output_scale >= 1. */
    private static boolean mulRescalesUp(Op op, TfliteProgram program) {
        double s1 = program.tensor(op.input(0)).quantization().scale();
        double s2 = program.tensor(op.input(1)).quantization().scale();
        double so = program.tensor(op.output()).quantization().scale();
        return s1 * s2 / so >= 1.0;
    }
}
