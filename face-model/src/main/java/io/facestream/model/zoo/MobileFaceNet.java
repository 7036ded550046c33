package io.facestream.model.zoo;

import io.facestream.model.graph.GraphBuilder;
import io.facestream.model.graph.GraphBuilder.T;
import io.facestream.model.graph.Layer;
import io.facestream.model.graph.Padding;

/**
 * MobileFaceNet, after Table 1 of Chen et al. 2018 ("MobileFaceNets: Efficient CNNs for Accurate Real-Time Face
 * Verification on Mobile Devices"): conv3x3 s2 64, depthwise 3x3 64, bottlenecks (t, c, n, s) = (2,64,5,2),
 * (4,128,1,2), (2,128,6,1), (4,128,1,2), (2,128,2,1), conv1x1 512, linear GDConv (depthwise, valid, kernel = the
 * final feature map: 7x7 at 112x112 input), linear conv1x1 128. Every convolution is bias-free and followed by
 * batch normalisation; the non-linear ones by PReLU (one slope per channel). Bottlenecks are MobileNetV2's
 * (expand, depthwise, linear projection; residual when stride 1 and channels unchanged). Output: (1, 1, 128).
 *
 * <p>Parameters at 112x112 input, as Keras' count_params counts them: 1,022,720 = 976,000 convolution weights
 * + 39,168 batch normalisation (19,584 gamma/beta, 19,584 moving statistics) + 7,552 PReLU slopes; 1,003,136 of
 * them trainable. The paper reports 0.99M for this 128-d model; the GDConv kernel, and so the count, grows with the
 * input (25,088 of the weights are the 7x7 GDConv at 112).
 *
 * <p>Strided convolutions pad one pixel on every side (the paper's released definition) rather than Keras'
 * bottom/right. There is no width multiplier: alpha must be 1.0. BatchNormalization keeps Keras' defaults
 * (epsilon 1e-3, momentum 0.99).
 */
final class MobileFaceNet {
    private MobileFaceNet() {
    }

    private static final double EPSILON = 1e-3;
    private static final double MOMENTUM = 0.99;

    /** (expansion t, output channels c, repeats n, first stride s) of Table 1's bottleneck rows. */
    private static final int[][] BOTTLENECKS = {
            {2, 64, 5, 2},
            {4, 128, 1, 2},
            {2, 128, 6, 1},
            {4, 128, 1, 2},
            {2, 128, 2, 1}};

    static T build(GraphBuilder b, T input, BackboneOptions options) {
        options.requireDefaultAlpha("MobileFaceNet");
        T x = b.zeroPad("conv1_pad", input, 1, 1, 1, 1);
        x = b.conv("conv1", x, 64, 3, 2, Padding.VALID, false);
        x = b.batchNorm("conv1_bn", x, EPSILON, MOMENTUM);
        x = b.prelu("conv1_prelu", x);

        x = b.depthwise("conv2_dw", x, 3, 1, Padding.SAME, false);
        x = b.batchNorm("conv2_dw_bn", x, EPSILON, MOMENTUM);
        x = b.prelu("conv2_dw_prelu", x);

        int id = 1;
        for (int[] row : BOTTLENECKS) {
            for (int i = 0; i < row[2]; i++) {
                x = bottleneck(b, x, "block_" + id++ + "_", row[0], row[1], i == 0 ? row[3] : 1);
            }
        }

        x = b.conv("conv3", x, 512, 1, 1, Padding.SAME, false);
        x = b.batchNorm("conv3_bn", x, EPSILON, MOMENTUM);
        x = b.prelu("conv3_prelu", x);

        // Global depthwise convolution: one kernel covering the whole map, so any input size ends at 1x1.
        x = b.add("gdconv", new Layer.DepthwiseConv2D(x.shape().height(), x.shape().width(), 1, 1, Padding.VALID, 1,
                false), x);
        x = b.batchNorm("gdconv_bn", x, EPSILON, MOMENTUM);

        x = b.conv("embedding", x, 128, 1, 1, Padding.SAME, false);
        return b.batchNorm("embedding_bn", x, EPSILON, MOMENTUM);
    }

    private static T bottleneck(GraphBuilder b, T input, String prefix, int expansion, int filters, int stride) {
        int inChannels = input.channels();
        T x = b.conv(prefix + "expand", input, inChannels * expansion, 1, 1, Padding.SAME, false);
        x = b.batchNorm(prefix + "expand_bn", x, EPSILON, MOMENTUM);
        x = b.prelu(prefix + "expand_prelu", x);
        if (stride == 2) {
            x = b.zeroPad(prefix + "pad", x, 1, 1, 1, 1);
        }
        x = b.depthwise(prefix + "depthwise", x, 3, stride, stride == 1 ? Padding.SAME : Padding.VALID, false);
        x = b.batchNorm(prefix + "depthwise_bn", x, EPSILON, MOMENTUM);
        x = b.prelu(prefix + "depthwise_prelu", x);
        x = b.conv(prefix + "project", x, filters, 1, 1, Padding.SAME, false);
        x = b.batchNorm(prefix + "project_bn", x, EPSILON, MOMENTUM);
        if (stride == 1 && inChannels == filters) {
            return b.addition(prefix + "add", input, x);
        }
        return x;
    }
}
