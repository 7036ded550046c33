package io.facestream.model.zoo;

import io.facestream.model.graph.GraphBuilder;
import io.facestream.model.graph.GraphBuilder.T;
import io.facestream.model.graph.Layer.ActivationKind;
import io.facestream.model.graph.Padding;

import static io.facestream.model.zoo.MobileFamily.correctPad;
import static io.facestream.model.zoo.MobileFamily.makeDivisible;

/** MobileNet V1, V2 and V3 (Large, Small) as tf.keras 2.x applications build them with include_top=False. */
final class MobileNets {
    private MobileNets() {
    }

    // ---- MobileNet V1 ----------------------------------------------------------------------------------------

    /** Keras' BatchNormalization defaults, which mobilenet.py keeps. */
    private static final double V1_EPSILON = 1e-3;
    private static final double V1_MOMENTUM = 0.99;

    /** Pointwise filters and stride of depthwise blocks 1..13 (keras/applications/mobilenet.py). */
    private static final int[][] V1_BLOCKS = {
            {64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},
            {512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};

    /**
     * tf.keras.applications.MobileNet (Howard et al. 2017), depth_multiplier 1; alpha scales every filter count as
     * int(filters * alpha). 3,228,864 parameters at alpha 1.
     */
    static T mobileNet(GraphBuilder b, T input, BackboneOptions options) {
        double alpha = options.alpha();
        // Keras pads bottom/right by one and convolves 'valid' wherever it strides by 2.
        T x = b.zeroPad("conv1_pad", input, 0, 1, 0, 1);
        x = b.conv("conv1", x, (int) (32 * alpha), 3, 2, Padding.VALID, false);
        x = b.batchNorm("conv1_bn", x, V1_EPSILON, V1_MOMENTUM);
        x = b.relu6("conv1_relu", x);
        for (int i = 0; i < V1_BLOCKS.length; i++) {
            int id = i + 1;
            int stride = V1_BLOCKS[i][1];
            if (stride == 2) {
                x = b.zeroPad("conv_pad_" + id, x, 0, 1, 0, 1);
            }
            x = b.depthwise("conv_dw_" + id, x, 3, stride, stride == 1 ? Padding.SAME : Padding.VALID, false);
            x = b.batchNorm("conv_dw_" + id + "_bn", x, V1_EPSILON, V1_MOMENTUM);
            x = b.relu6("conv_dw_" + id + "_relu", x);
            x = b.conv("conv_pw_" + id, x, (int) (V1_BLOCKS[i][0] * alpha), 1, 1, Padding.SAME, false);
            x = b.batchNorm("conv_pw_" + id + "_bn", x, V1_EPSILON, V1_MOMENTUM);
            x = b.relu6("conv_pw_" + id + "_relu", x);
        }
        return x;
    }

    // ---- MobileNet V2 ----------------------------------------------------------------------------------------

    private static final double V2_EPSILON = 1e-3;
    private static final double V2_MOMENTUM = 0.999;

    /** (expansion, filters, stride) of inverted residual blocks 0..16 (keras/applications/mobilenet_v2.py). */
    private static final int[][] V2_BLOCKS = {
            {1, 16, 1},
            {6, 24, 2}, {6, 24, 1},
            {6, 32, 2}, {6, 32, 1}, {6, 32, 1},
            {6, 64, 2}, {6, 64, 1}, {6, 64, 1}, {6, 64, 1},
            {6, 96, 1}, {6, 96, 1}, {6, 96, 1},
            {6, 160, 2}, {6, 160, 1}, {6, 160, 1},
            {6, 320, 1}};

    /**
     * tf.keras.applications.MobileNetV2 (Sandler et al. 2018), the TF 2.3+ layout (Conv1 with 'same' padding, no
     * Conv1_pad). alpha as Keras applies it; the 1280-channel head grows only for alpha above 1. 2,257,984 parameters
     * at alpha 1.
     */
    static T mobileNetV2(GraphBuilder b, T input, BackboneOptions options) {
        double alpha = options.alpha();
        T x = b.conv("Conv1", input, makeDivisible(32 * alpha, 8), 3, 2, Padding.SAME, false);
        x = b.batchNorm("bn_Conv1", x, V2_EPSILON, V2_MOMENTUM);
        x = b.relu6("Conv1_relu", x);
        for (int id = 0; id < V2_BLOCKS.length; id++) {
            int[] block = V2_BLOCKS[id];
            x = v2InvertedResidual(b, x, id, block[0], makeDivisible((int) (block[1] * alpha), 8), block[2]);
        }
        int lastFilters = alpha > 1.0 ? makeDivisible(1280 * alpha, 8) : 1280;
        x = b.conv("Conv_1", x, lastFilters, 1, 1, Padding.SAME, false);
        x = b.batchNorm("Conv_1_bn", x, V2_EPSILON, V2_MOMENTUM);
        return b.relu6("out_relu", x);
    }

    private static T v2InvertedResidual(GraphBuilder b, T input, int id, int expansion, int filters, int stride) {
        int inChannels = input.channels();
        T x = input;
        String prefix = "block_" + id + "_";
        if (id > 0) {
            x = b.conv(prefix + "expand", x, expansion * inChannels, 1, 1, Padding.SAME, false);
            x = b.batchNorm(prefix + "expand_BN", x, V2_EPSILON, V2_MOMENTUM);
            x = b.relu6(prefix + "expand_relu", x);
        } else {
            prefix = "expanded_conv_";
        }
        if (stride == 2) {
            x = correctPad(b, prefix + "pad", x, 3);
        }
        x = b.depthwise(prefix + "depthwise", x, 3, stride, stride == 1 ? Padding.SAME : Padding.VALID, false);
        x = b.batchNorm(prefix + "depthwise_BN", x, V2_EPSILON, V2_MOMENTUM);
        x = b.relu6(prefix + "depthwise_relu", x);
        x = b.conv(prefix + "project", x, filters, 1, 1, Padding.SAME, false);
        x = b.batchNorm(prefix + "project_BN", x, V2_EPSILON, V2_MOMENTUM);
        if (inChannels == filters && stride == 1) {
            return b.addition(prefix + "add", input, x);
        }
        return x;
    }

    // ---- MobileNet V3 ----------------------------------------------------------------------------------------

    private static final double V3_EPSILON = 1e-3;
    private static final double V3_MOMENTUM = 0.999;

    /** One inverted residual block of MobileNetV3; filters before alpha scaling. */
    private record V3Block(double expansion, int filters, int kernel, int stride, boolean se, boolean hardSwish) {
    }

    /** The 'kernel' of Keras' stack_fn: 5 when minimalistic=False. */
    private static final int K5 = 5;

    /** keras/applications/mobilenet_v3.py, MobileNetV3Large stack_fn (minimalistic=False). */
    private static final V3Block[] V3_LARGE = {
            new V3Block(1, 16, 3, 1, false, false),
            new V3Block(4, 24, 3, 2, false, false),
            new V3Block(3, 24, 3, 1, false, false),
            new V3Block(3, 40, K5, 2, true, false),
            new V3Block(3, 40, K5, 1, true, false),
            new V3Block(3, 40, K5, 1, true, false),
            new V3Block(6, 80, 3, 2, false, true),
            new V3Block(2.5, 80, 3, 1, false, true),
            new V3Block(2.3, 80, 3, 1, false, true),
            new V3Block(2.3, 80, 3, 1, false, true),
            new V3Block(6, 112, 3, 1, true, true),
            new V3Block(6, 112, 3, 1, true, true),
            new V3Block(6, 160, K5, 2, true, true),
            new V3Block(6, 160, K5, 1, true, true),
            new V3Block(6, 160, K5, 1, true, true)};

    /** keras/applications/mobilenet_v3.py, MobileNetV3Small stack_fn (minimalistic=False). */
    private static final V3Block[] V3_SMALL = {
            new V3Block(1, 16, 3, 2, true, false),
            new V3Block(72.0 / 16, 24, 3, 2, false, false),
            new V3Block(88.0 / 24, 24, 3, 1, false, false),
            new V3Block(4, 40, K5, 2, true, true),
            new V3Block(6, 40, K5, 1, true, true),
            new V3Block(6, 40, K5, 1, true, true),
            new V3Block(3, 48, K5, 1, true, true),
            new V3Block(3, 48, K5, 1, true, true),
            new V3Block(6, 96, K5, 2, true, true),
            new V3Block(6, 96, K5, 1, true, true),
            new V3Block(6, 96, K5, 1, true, true)};

    /**
     * tf.keras.applications.MobileNetV3Large (Howard et al. 2019) in the tf.keras 2.x layout JHFace copies: Conv_1
     * to 960 + BN + hard-swish, then Conv_2 (1x1, bias) to 1280 + hard-swish on the feature map, no pooling and no
     * Rescaling. 4,226,432 parameters at alpha 1.
     */
    static T mobileNetV3Large(GraphBuilder b, T input, BackboneOptions options) {
        return mobileNetV3(b, input, options.alpha(), V3_LARGE, 1280);
    }

    /** As {@link #mobileNetV3Large}, Small stack: Conv_1 to 576, Conv_2 to 1024. 1,529,968 parameters at alpha 1. */
    static T mobileNetV3Small(GraphBuilder b, T input, BackboneOptions options) {
        return mobileNetV3(b, input, options.alpha(), V3_SMALL, 1024);
    }

    private static T mobileNetV3(GraphBuilder b, T input, double alpha, V3Block[] stack, int lastPointChannels) {
        T x = b.conv("Conv", input, 16, 3, 2, Padding.SAME, false);
        x = b.batchNorm("Conv_BatchNorm", x, V3_EPSILON, V3_MOMENTUM);
        x = b.activation("Conv_hard_swish", x, ActivationKind.HARD_SWISH);
        for (int id = 0; id < stack.length; id++) {
            x = v3InvertedResidual(b, x, id, stack[id], makeDivisible(stack[id].filters() * alpha, 8));
        }
        int lastConvChannels = makeDivisible(x.channels() * 6, 8);
        int lastPoint = alpha > 1.0 ? makeDivisible(lastPointChannels * alpha, 8) : lastPointChannels;
        x = b.conv("Conv_1", x, lastConvChannels, 1, 1, Padding.SAME, false);
        x = b.batchNorm("Conv_1_BatchNorm", x, V3_EPSILON, V3_MOMENTUM);
        x = b.activation("Conv_1_hard_swish", x, ActivationKind.HARD_SWISH);
        x = b.conv("Conv_2", x, lastPoint, 1, 1, Padding.SAME, true);
        return b.activation("Conv_2_hard_swish", x, ActivationKind.HARD_SWISH);
    }

    private static T v3InvertedResidual(GraphBuilder b, T input, int id, V3Block block, int filters) {
        int inFilters = input.channels();
        ActivationKind act = block.hardSwish() ? ActivationKind.HARD_SWISH : ActivationKind.RELU;
        String actName = block.hardSwish() ? "hard_swish" : "relu";
        String prefix = "expanded_conv_";
        T x = input;
        int expanded = makeDivisible(inFilters * block.expansion(), 8);
        if (id > 0) {
            prefix = "expanded_conv_" + id + "_";
            x = b.conv(prefix + "expand", x, expanded, 1, 1, Padding.SAME, false);
            x = b.batchNorm(prefix + "expand_BatchNorm", x, V3_EPSILON, V3_MOMENTUM);
            x = b.activation(prefix + "expand_" + actName, x, act);
        }
        if (block.stride() == 2) {
            x = correctPad(b, prefix + "depthwise_pad", x, block.kernel());
        }
        x = b.depthwise(prefix + "depthwise", x, block.kernel(), block.stride(),
                block.stride() == 1 ? Padding.SAME : Padding.VALID, false);
        x = b.batchNorm(prefix + "depthwise_BatchNorm", x, V3_EPSILON, V3_MOMENTUM);
        x = b.activation(prefix + "depthwise_" + actName, x, act);
        if (block.se()) {
            x = v3SqueezeExcite(b, x, expanded, prefix + "squeeze_excite_");
        }
        x = b.conv(prefix + "project", x, filters, 1, 1, Padding.SAME, false);
        x = b.batchNorm(prefix + "project_BatchNorm", x, V3_EPSILON, V3_MOMENTUM);
        if (block.stride() == 1 && inFilters == filters) {
            return b.addition(prefix + "Add", input, x);
        }
        return x;
    }

    /** The SE unit: reduce to a quarter (rounded to 8) with ReLU, expand back with hard-sigmoid (relu6(x+3)/6). */
    private static T v3SqueezeExcite(GraphBuilder b, T input, int filters, String prefix) {
        T se = b.globalAvgPool(prefix + "AvgPool", input, true);
        se = b.conv(prefix + "Conv", se, makeDivisible(filters * 0.25, 8), 1, 1, Padding.SAME, true);
        se = b.relu(prefix + "Relu", se);
        se = b.conv(prefix + "Conv_1", se, filters, 1, 1, Padding.SAME, true);
        se = b.activation(prefix + "hard_sigmoid", se, ActivationKind.HARD_SIGMOID);
        return b.multiply(prefix + "Mul", input, se);
    }
}
