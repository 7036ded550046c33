package io.facestream.model.zoo;

import io.facestream.model.graph.GraphBuilder;
import io.facestream.model.graph.GraphBuilder.T;
import io.facestream.model.graph.Padding;

import java.util.ArrayList;
import java.util.List;

/**
 * InceptionV3 and InceptionResNetV2, following tf.keras.applications' inception_v3.py and inception_resnet_v2.py.
 * Both build on conv2d_bn: a convolution without bias, BatchNormalization with scale=False (beta only; Keras'
 * default epsilon 1e-3 and momentum 0.99) and ReLU. Layers the sources leave unnamed get Keras' automatic names.
 */
final class Inceptions {

    private static final double BN_EPSILON = 1e-3;
    private static final double BN_MOMENTUM = 0.99;

    private Inceptions() {
    }

    /** Keras InceptionV3 up to mixed10 (8x8x2048 at 299x299). */
    static T inceptionV3(GraphBuilder b, T input, BackboneOptions options) {
        options.requireDefaultAlpha("InceptionV3");
        ConvBn c = new ConvBn(b);
        T x = c.apply(input, 32, 3, 3, 2, Padding.VALID);
        x = c.apply(x, 32, 3, 3, 1, Padding.VALID);
        x = c.apply(x, 64, 3, 3, 1, Padding.SAME);
        x = c.maxPool(x);
        x = c.apply(x, 80, 1, 1, 1, Padding.VALID);
        x = c.apply(x, 192, 3, 3, 1, Padding.VALID);
        x = c.maxPool(x);

        // mixed0, 1, 2: 35 x 35 at 299; the pooling branch has 32 filters in mixed0, 64 after
        for (int i = 0; i < 3; i++) {
            T branch1x1 = c.apply(x, 64, 1, 1);
            T branch5x5 = c.apply(x, 48, 1, 1);
            branch5x5 = c.apply(branch5x5, 64, 5, 5);
            T branch3x3dbl = c.apply(x, 64, 1, 1);
            branch3x3dbl = c.apply(branch3x3dbl, 96, 3, 3);
            branch3x3dbl = c.apply(branch3x3dbl, 96, 3, 3);
            T branchPool = c.avgPool(x);
            branchPool = c.apply(branchPool, i == 0 ? 32 : 64, 1, 1);
            x = b.concat("mixed" + i, branch1x1, branch5x5, branch3x3dbl, branchPool);
        }

        // mixed3: reduction to 17 x 17
        T branch3x3 = c.apply(x, 384, 3, 3, 2, Padding.VALID);
        T branch3x3dbl = c.apply(x, 64, 1, 1);
        branch3x3dbl = c.apply(branch3x3dbl, 96, 3, 3);
        branch3x3dbl = c.apply(branch3x3dbl, 96, 3, 3, 2, Padding.VALID);
        T pool = c.maxPool(x);
        x = b.concat("mixed3", branch3x3, branch3x3dbl, pool);

        // mixed4 (128-wide 7x7 factorised branches), mixed5 and 6 (160), mixed7 (192)
        int[] widths = {128, 160, 160, 192};
        for (int i = 0; i < widths.length; i++) {
            int w = widths[i];
            T branch1x1 = c.apply(x, 192, 1, 1);
            T branch7x7 = c.apply(x, w, 1, 1);
            branch7x7 = c.apply(branch7x7, w, 1, 7);
            branch7x7 = c.apply(branch7x7, 192, 7, 1);
            T branch7x7dbl = c.apply(x, w, 1, 1);
            branch7x7dbl = c.apply(branch7x7dbl, w, 7, 1);
            branch7x7dbl = c.apply(branch7x7dbl, w, 1, 7);
            branch7x7dbl = c.apply(branch7x7dbl, w, 7, 1);
            branch7x7dbl = c.apply(branch7x7dbl, 192, 1, 7);
            T branchPool = c.avgPool(x);
            branchPool = c.apply(branchPool, 192, 1, 1);
            x = b.concat("mixed" + (4 + i), branch1x1, branch7x7, branch7x7dbl, branchPool);
        }

        // mixed8: reduction to 8 x 8
        branch3x3 = c.apply(x, 192, 1, 1);
        branch3x3 = c.apply(branch3x3, 320, 3, 3, 2, Padding.VALID);
        T branch7x7x3 = c.apply(x, 192, 1, 1);
        branch7x7x3 = c.apply(branch7x7x3, 192, 1, 7);
        branch7x7x3 = c.apply(branch7x7x3, 192, 7, 1);
        branch7x7x3 = c.apply(branch7x7x3, 192, 3, 3, 2, Padding.VALID);
        pool = c.maxPool(x);
        x = b.concat("mixed8", branch3x3, branch7x7x3, pool);

        // mixed9, mixed10: expanded filter banks
        for (int i = 0; i < 2; i++) {
            T branch1x1 = c.apply(x, 320, 1, 1);
            T b3 = c.apply(x, 384, 1, 1);
            T b3a = c.apply(b3, 384, 1, 3);
            T b3b = c.apply(b3, 384, 3, 1);
            b3 = b.concat("mixed9_" + i, b3a, b3b);
            T dbl = c.apply(x, 448, 1, 1);
            dbl = c.apply(dbl, 384, 3, 3);
            T dblA = c.apply(dbl, 384, 1, 3);
            T dblB = c.apply(dbl, 384, 3, 1);
            dbl = b.concat(c.auto.next("concatenate"), dblA, dblB);
            T branchPool = c.avgPool(x);
            branchPool = c.apply(branchPool, 192, 1, 1);
            x = b.concat("mixed" + (9 + i), branch1x1, b3, dbl, branchPool);
        }
        return x;
    }

    /** Keras InceptionResNetV2 up to conv_7b (8x8x1536 at 299x299). */
    static T inceptionResNetV2(GraphBuilder b, T input, BackboneOptions options) {
        options.requireDefaultAlpha("InceptionResNetV2");
        ConvBn c = new ConvBn(b);
        T x = c.apply(input, 32, 3, 3, 2, Padding.VALID);
        x = c.apply(x, 32, 3, 3, 1, Padding.VALID);
        x = c.apply(x, 64, 3, 3, 1, Padding.SAME);
        x = c.maxPool(x);
        x = c.apply(x, 80, 1, 1, 1, Padding.VALID);
        x = c.apply(x, 192, 3, 3, 1, Padding.VALID);
        x = c.maxPool(x);

        // mixed_5b (Inception-A): 35 x 35 x 320 at 299
        T branch0 = c.apply(x, 96, 1, 1);
        T branch1 = c.apply(x, 48, 1, 1);
        branch1 = c.apply(branch1, 64, 5, 5);
        T branch2 = c.apply(x, 64, 1, 1);
        branch2 = c.apply(branch2, 96, 3, 3);
        branch2 = c.apply(branch2, 96, 3, 3);
        T branchPool = c.avgPool(x);
        branchPool = c.apply(branchPool, 64, 1, 1);
        x = b.concat("mixed_5b", branch0, branch1, branch2, branchPool);

        for (int i = 1; i <= 10; i++) {
            x = inceptionResNetBlock(c, x, 0.17, "block35", i, true);
        }

        // mixed_6a (Reduction-A): 17 x 17 x 1088
        branch0 = c.apply(x, 384, 3, 3, 2, Padding.VALID);
        branch1 = c.apply(x, 256, 1, 1);
        branch1 = c.apply(branch1, 256, 3, 3);
        branch1 = c.apply(branch1, 384, 3, 3, 2, Padding.VALID);
        branchPool = c.maxPool(x);
        x = b.concat("mixed_6a", branch0, branch1, branchPool);

        for (int i = 1; i <= 20; i++) {
            x = inceptionResNetBlock(c, x, 0.1, "block17", i, true);
        }

        // mixed_7a (Reduction-B): 8 x 8 x 2080
        branch0 = c.apply(x, 256, 1, 1);
        branch0 = c.apply(branch0, 384, 3, 3, 2, Padding.VALID);
        branch1 = c.apply(x, 256, 1, 1);
        branch1 = c.apply(branch1, 288, 3, 3, 2, Padding.VALID);
        branch2 = c.apply(x, 256, 1, 1);
        branch2 = c.apply(branch2, 288, 3, 3);
        branch2 = c.apply(branch2, 320, 3, 3, 2, Padding.VALID);
        branchPool = c.maxPool(x);
        x = b.concat("mixed_7a", branch0, branch1, branch2, branchPool);

        for (int i = 1; i <= 9; i++) {
            x = inceptionResNetBlock(c, x, 0.2, "block8", i, true);
        }
        // the last block8 has scale 1 and no activation
        x = inceptionResNetBlock(c, x, 1.0, "block8", 10, false);

        x = b.conv("conv_7b", x, 1536, 1, 1, Padding.SAME, false);
        x = c.bn("conv_7b_bn", x);
        return b.relu("conv_7b_ac", x);
    }

    /**
     * Inception-ResNet A (block35), B (block17) or C (block8): branches concatenated, a 1x1 convolution with bias
     * and no BN back to the input width, then x + scale * residual (Keras does it in one Lambda layer named after
     * the block; here a Scale node and an Add node carrying the block's name).
     */
    private static T inceptionResNetBlock(ConvBn c, T x, double scale, String type, int index, boolean relu) {
        List<T> branches = new ArrayList<>();
        switch (type) {
            case "block35" -> {
                branches.add(c.apply(x, 32, 1, 1));
                T b1 = c.apply(x, 32, 1, 1);
                branches.add(c.apply(b1, 32, 3, 3));
                T b2 = c.apply(x, 32, 1, 1);
                b2 = c.apply(b2, 48, 3, 3);
                branches.add(c.apply(b2, 64, 3, 3));
            }
            case "block17" -> {
                branches.add(c.apply(x, 192, 1, 1));
                T b1 = c.apply(x, 128, 1, 1);
                b1 = c.apply(b1, 160, 1, 7);
                branches.add(c.apply(b1, 192, 7, 1));
            }
            case "block8" -> {
                branches.add(c.apply(x, 192, 1, 1));
                T b1 = c.apply(x, 192, 1, 1);
                b1 = c.apply(b1, 224, 1, 3);
                branches.add(c.apply(b1, 256, 3, 1));
            }
            default -> throw new IllegalArgumentException("unknown Inception-ResNet block type " + type);
        }
        GraphBuilder b = c.b;
        String name = type + "_" + index;
        T mixed = b.concat(name + "_mixed", branches.toArray(T[]::new));
        T up = b.conv(name + "_conv", mixed, x.channels(), 1, 1, Padding.SAME, true);
        T scaled = b.scale(name + "_scale", up, scale);
        T out = b.addition(name, x, scaled);
        return relu ? b.relu(name + "_ac", out) : out;
    }

    /** Keras' conv2d_bn for unnamed layers: conv2d_N, batch_normalization_N (scale=False), activation_N. */
    private static final class ConvBn {
        private final GraphBuilder b;
        private final ClassicFamily.AutoNames auto = new ClassicFamily.AutoNames();

        ConvBn(GraphBuilder b) {
            this.b = b;
        }

        T apply(T x, int filters, int rows, int cols) {
            return apply(x, filters, rows, cols, 1, Padding.SAME);
        }

        T apply(T x, int filters, int rows, int cols, int stride, Padding padding) {
            T y = b.conv(auto.next("conv2d"), x, filters, rows, cols, stride, padding, false);
            y = bn(auto.next("batch_normalization"), y);
            return b.relu(auto.next("activation"), y);
        }

        T bn(String name, T x) {
            return b.batchNorm(name, x, BN_EPSILON, BN_MOMENTUM, true, false);
        }

        /** 3x3/2 valid max pooling, the reductions' pooling branch and the stem's. */
        T maxPool(T x) {
            return b.maxPool(auto.next("max_pooling2d"), x, 3, 2, Padding.VALID);
        }

        /** 3x3/1 same average pooling of the inception modules' pooling branch. */
        T avgPool(T x) {
            return b.avgPool(auto.next("average_pooling2d"), x, 3, 1, Padding.SAME);
        }
    }
}
