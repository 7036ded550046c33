package io.facestream.model.zoo;

import io.facestream.model.graph.GraphBuilder;
import io.facestream.model.graph.GraphBuilder.T;
import io.facestream.model.graph.Padding;

/**
 * Xception, following tf.keras.applications' xception.py: entry flow (blocks 1-4), middle flow (blocks 5-12, eight
 * residual blocks of three 728-wide separable convolutions), exit flow (blocks 13-14), up to block14_sepconv2_act.
 * No convolution has a bias; BatchNormalization uses Keras' defaults (epsilon 1e-3, momentum 0.99). The strided 1x1
 * shortcut convolutions, their BN and the additions are unnamed in Keras and get its automatic names.
 */
final class Xception {

    private static final double BN_EPSILON = 1e-3;
    private static final double BN_MOMENTUM = 0.99;

    private Xception() {
    }

    static T xception(GraphBuilder b, T input, BackboneOptions options) {
        options.requireDefaultAlpha("Xception");
        ClassicFamily.AutoNames auto = new ClassicFamily.AutoNames();

        T x = b.conv("block1_conv1", input, 32, 3, 2, Padding.VALID, false);
        x = bn(b, "block1_conv1_bn", x);
        x = b.relu("block1_conv1_act", x);
        x = b.conv("block1_conv2", x, 64, 3, 1, Padding.VALID, false);
        x = bn(b, "block1_conv2_bn", x);
        x = b.relu("block1_conv2_act", x);

        // block2 has no ReLU before its first separable convolution: block1 already ends with one
        x = entryBlock(b, auto, x, 2, 128, 128, false);
        x = entryBlock(b, auto, x, 3, 256, 256, true);
        x = entryBlock(b, auto, x, 4, 728, 728, true);

        for (int i = 5; i <= 12; i++) {
            String prefix = "block" + i;
            T residual = x;
            for (int j = 1; j <= 3; j++) {
                x = b.relu(prefix + "_sepconv" + j + "_act", x);
                x = sepConvBn(b, x, 728, prefix + "_sepconv" + j);
            }
            x = b.addition(auto.next("add"), x, residual);
        }

        x = entryBlock(b, auto, x, 13, 728, 1024, true);

        x = sepConvBn(b, x, 1536, "block14_sepconv1");
        x = b.relu("block14_sepconv1_act", x);
        x = sepConvBn(b, x, 2048, "block14_sepconv2");
        return b.relu("block14_sepconv2_act", x);
    }

    /**
     * A downsampling block: [ReLU] sepconv + BN, ReLU, sepconv + BN, 3x3/2 max pooling, plus a strided 1x1
     * convolution + BN shortcut. Keras creates the shortcut layers first, which fixes their automatic numbers.
     */
    private static T entryBlock(GraphBuilder b, ClassicFamily.AutoNames auto, T x, int index, int filters1,
                                int filters2, boolean leadingRelu) {
        String prefix = "block" + index;
        T residual = b.conv(auto.next("conv2d"), x, filters2, 1, 2, Padding.SAME, false);
        residual = bn(b, auto.next("batch_normalization"), residual);
        if (leadingRelu) {
            x = b.relu(prefix + "_sepconv1_act", x);
        }
        x = sepConvBn(b, x, filters1, prefix + "_sepconv1");
        x = b.relu(prefix + "_sepconv2_act", x);
        x = sepConvBn(b, x, filters2, prefix + "_sepconv2");
        x = b.maxPool(prefix + "_pool", x, 3, 2, Padding.SAME);
        return b.addition(auto.next("add"), x, residual);
    }

    private static T sepConvBn(GraphBuilder b, T x, int filters, String name) {
        T y = b.separable(name, x, filters, 3, 1, Padding.SAME, false);
        return bn(b, name + "_bn", y);
    }

    private static T bn(GraphBuilder b, String name, T x) {
        return b.batchNorm(name, x, BN_EPSILON, BN_MOMENTUM);
    }
}
