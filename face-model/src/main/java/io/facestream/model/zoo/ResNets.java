package io.facestream.model.zoo;

import io.facestream.model.graph.GraphBuilder;
import io.facestream.model.graph.GraphBuilder.T;
import io.facestream.model.graph.Padding;

/**
 * ResNet50 (v1, post-activation) and ResNet50V2 / ResNet101V2 (pre-activation), following tf.keras.applications'
 * resnet.py / resnet_v2.py (ResNet(), block1/stack1, block2/stack2). Every BatchNormalization there uses epsilon
 * 1.001e-5 and the default momentum 0.99; convolutions keep Keras' default bias except where the source sets
 * use_bias=False (the V2 bottleneck's first two convolutions).
 */
final class ResNets {

    private static final double BN_EPSILON = 1.001e-5;
    private static final double BN_MOMENTUM = 0.99;

    private ResNets() {
    }

    /** Keras ResNet50: stacks of 3, 4, 6, 3 bottleneck blocks (v1), the first stack without downsampling. */
    static T resNet50(GraphBuilder b, T input, BackboneOptions options) {
        options.requireDefaultAlpha("ResNet50");
        T x = stem(b, input, false);
        x = stack1(b, x, 64, 3, 1, "conv2");
        x = stack1(b, x, 128, 4, 2, "conv3");
        x = stack1(b, x, 256, 6, 2, "conv4");
        return stack1(b, x, 512, 3, 2, "conv5");
    }

    /** Keras ResNet50V2: stacks of 3, 4, 6, 3 pre-activation blocks, then post_bn + post_relu. */
    static T resNet50V2(GraphBuilder b, T input, BackboneOptions options) {
        options.requireDefaultAlpha("ResNet50V2");
        return resNetV2(b, input, new int[] {3, 4, 6, 3});
    }

    /** Keras ResNet101V2: stacks of 3, 4, 23, 3 pre-activation blocks, then post_bn + post_relu. */
    static T resNet101V2(GraphBuilder b, T input, BackboneOptions options) {
        options.requireDefaultAlpha("ResNet101V2");
        return resNetV2(b, input, new int[] {3, 4, 23, 3});
    }

    private static T resNetV2(GraphBuilder b, T input, int[] blocks) {
        ClassicFamily.AutoNames auto = new ClassicFamily.AutoNames();
        T x = stem(b, input, true);
        x = stack2(b, auto, x, 64, blocks[0], 2, "conv2");
        x = stack2(b, auto, x, 128, blocks[1], 2, "conv3");
        x = stack2(b, auto, x, 256, blocks[2], 2, "conv4");
        x = stack2(b, auto, x, 512, blocks[3], 1, "conv5");
        x = bn(b, "post_bn", x);
        return b.relu("post_relu", x);
    }

    /** 7x7/2 convolution with bias, (v1 only: BN + ReLU), 3x3/2 max pooling, with Keras' explicit zero padding. */
    private static T stem(GraphBuilder b, T input, boolean preActivation) {
        T x = b.zeroPad("conv1_pad", input, 3, 3, 3, 3);
        x = b.conv("conv1_conv", x, 64, 7, 2, Padding.VALID, true);
        if (!preActivation) {
            x = bn(b, "conv1_bn", x);
            x = b.relu("conv1_relu", x);
        }
        x = b.zeroPad("pool1_pad", x, 1, 1, 1, 1);
        return b.maxPool("pool1_pool", x, 3, 2, Padding.VALID);
    }

    private static T stack1(GraphBuilder b, T x, int filters, int blocks, int firstStride, String name) {
        x = block1(b, x, filters, firstStride, true, name + "_block1");
        for (int i = 2; i <= blocks; i++) {
            x = block1(b, x, filters, 1, false, name + "_block" + i);
        }
        return x;
    }

    /** v1 bottleneck: 1x1 (strided) - 3x3 - 1x1 x4, each with BN; ReLU after the residual addition. */
    private static T block1(GraphBuilder b, T x, int filters, int stride, boolean convShortcut, String name) {
        T shortcut = x;
        if (convShortcut) {
            shortcut = b.conv(name + "_0_conv", x, 4 * filters, 1, stride, Padding.VALID, true);
            shortcut = bn(b, name + "_0_bn", shortcut);
        }
        T y = b.conv(name + "_1_conv", x, filters, 1, stride, Padding.VALID, true);
        y = bn(b, name + "_1_bn", y);
        y = b.relu(name + "_1_relu", y);
        y = b.conv(name + "_2_conv", y, filters, 3, 1, Padding.SAME, true);
        y = bn(b, name + "_2_bn", y);
        y = b.relu(name + "_2_relu", y);
        y = b.conv(name + "_3_conv", y, 4 * filters, 1, 1, Padding.VALID, true);
        y = bn(b, name + "_3_bn", y);
        y = b.addition(name + "_add", shortcut, y);
        return b.relu(name + "_out", y);
    }

    /** In V2 the stride sits in the last block of a stack (conv5 has none). */
    private static T stack2(GraphBuilder b, ClassicFamily.AutoNames auto, T x, int filters, int blocks,
                            int lastStride, String name) {
        x = block2(b, auto, x, filters, 1, true, name + "_block1");
        for (int i = 2; i < blocks; i++) {
            x = block2(b, auto, x, filters, 1, false, name + "_block" + i);
        }
        return block2(b, auto, x, filters, lastStride, false, name + "_block" + blocks);
    }

    /**
     * V2 pre-activation bottleneck: BN + ReLU first, the projection shortcut reading the pre-activated tensor, the
     * identity shortcut subsampled by a 1x1 max pooling when the block strides; no BN after the last 1x1.
     */
    private static T block2(GraphBuilder b, ClassicFamily.AutoNames auto, T x, int filters, int stride,
                            boolean convShortcut, String name) {
        T preact = bn(b, name + "_preact_bn", x);
        preact = b.relu(name + "_preact_relu", preact);
        T shortcut;
        if (convShortcut) {
            shortcut = b.conv(name + "_0_conv", preact, 4 * filters, 1, stride, Padding.VALID, true);
        } else if (stride > 1) {
            shortcut = b.maxPool(auto.next("max_pooling2d"), x, 1, stride, Padding.VALID);
        } else {
            shortcut = x;
        }
        T y = b.conv(name + "_1_conv", preact, filters, 1, 1, Padding.VALID, false);
        y = bn(b, name + "_1_bn", y);
        y = b.relu(name + "_1_relu", y);
        y = b.zeroPad(name + "_2_pad", y, 1, 1, 1, 1);
        y = b.conv(name + "_2_conv", y, filters, 3, stride, Padding.VALID, false);
        y = bn(b, name + "_2_bn", y);
        y = b.relu(name + "_2_relu", y);
        y = b.conv(name + "_3_conv", y, 4 * filters, 1, 1, Padding.VALID, true);
        return b.addition(name + "_out", shortcut, y);
    }

    private static T bn(GraphBuilder b, String name, T x) {
        return b.batchNorm(name, x, BN_EPSILON, BN_MOMENTUM);
    }
}
