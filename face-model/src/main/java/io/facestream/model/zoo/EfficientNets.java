package io.facestream.model.zoo;

import io.facestream.model.graph.GraphBuilder;
import io.facestream.model.graph.GraphBuilder.T;
import io.facestream.model.graph.Layer.ActivationKind;
import io.facestream.model.graph.Padding;
import io.facestream.model.graph.Shape;

import static io.facestream.model.zoo.MobileFamily.correctPad;
import static io.facestream.model.zoo.MobileFamily.makeDivisible;

/**
 * EfficientNet B0-B7 (Tan and Le 2019) as tf.keras.applications.efficientnet (tf.keras 2.x) builds them with
 * include_top=False, and EfficientNet-Lite0..6 as JHFace's backbone/efficientnet_lite.py changes that code (see
 * ../shared/reference/backbones.md).
 *
 * <p>Left out on purpose: the B-series' Rescaling and Normalization layers (preprocessing normalises outside the
 * network, so the B-series counts are Keras' minus Normalization's 7 statistics), and the per-block stochastic-depth
 * Dropout (noise_shape (None, 1, 1, 1)): it has no parameters, is the identity at inference, and the graph's Dropout
 * is element-wise, which would be a different regulariser.
 *
 * <p>alpha multiplies the width coefficient (so it scales every rounded block filter count, and for the B-series the
 * stem and head too); 1.0 gives the published networks.
 */
enum EfficientNets implements Backbone {
    B0("EfficientNetB0", 1.0, 1.0, false),
    B1("EfficientNetB1", 1.0, 1.1, false),
    B2("EfficientNetB2", 1.1, 1.2, false),
    B3("EfficientNetB3", 1.2, 1.4, false),
    B4("EfficientNetB4", 1.4, 1.8, false),
    B5("EfficientNetB5", 1.6, 2.2, false),
    B6("EfficientNetB6", 1.8, 2.6, false),
    B7("EfficientNetB7", 2.0, 3.1, false),
    LITE0("EfficientNetLite0", 1.0, 1.0, true),
    LITE1("EfficientNetLite1", 1.0, 1.1, true),
    LITE2("EfficientNetLite2", 1.1, 1.2, true),
    LITE3("EfficientNetLite3", 1.2, 1.4, true),
    LITE4("EfficientNetLite4", 1.4, 1.8, true),
    LITE5("EfficientNetLite5", 1.6, 2.2, true),
    LITE6("EfficientNetLite6", 1.8, 2.6, true);

    /** Keras' BatchNormalization defaults, which efficientnet.py keeps. */
    private static final double EPSILON = 1e-3;
    private static final double MOMENTUM = 0.99;

    /** One group of DEFAULT_BLOCKS_ARGS: kernel, repeats, filters in and out, expansion, stride. */
    private record Group(int kernel, int repeats, int filtersIn, int filtersOut, int expansion, int stride) {
    }

    private static final Group[] GROUPS = {
            new Group(3, 1, 32, 16, 1, 1),
            new Group(3, 2, 16, 24, 6, 2),
            new Group(5, 2, 24, 40, 6, 2),
            new Group(3, 3, 40, 80, 6, 2),
            new Group(5, 3, 80, 112, 6, 1),
            new Group(5, 4, 112, 192, 6, 2),
            new Group(3, 1, 192, 320, 6, 1)};

    private final String backboneName;
    private final double width;
    private final double depth;
    private final boolean lite;

    EfficientNets(String backboneName, double width, double depth, boolean lite) {
        this.backboneName = backboneName;
        this.width = width;
        this.depth = depth;
        this.lite = lite;
    }

    String backboneName() {
        return backboneName;
    }

    /**
     * B-series: swish, squeeze-and-excite 0.25, stem, blocks and head scaled. Lite: ReLU6, no squeeze-and-excite,
     * stem (32) and head (1280) unscaled, first and last groups not repeated more than once.
     */
    @Override
    public T build(GraphBuilder b, T input, BackboneOptions options) {
        double widthCoefficient = width * options.alpha();
        ActivationKind act = lite ? ActivationKind.RELU6 : ActivationKind.SWISH;
        double seRatio = lite ? 0 : 0.25;

        T x = correctPad(b, "stem_conv_pad", input, 3);
        int stemFilters = lite ? 32 : roundFilters(32, widthCoefficient);
        x = b.conv("stem_conv", x, stemFilters, 3, 2, Padding.VALID, false);
        x = b.batchNorm("stem_bn", x, EPSILON, MOMENTUM);
        x = b.activation("stem_activation", x, act);

        for (int i = 0; i < GROUPS.length; i++) {
            Group g = GROUPS[i];
            boolean fixedRepeats = lite && (i == 0 || i == GROUPS.length - 1);
            int repeats = fixedRepeats ? g.repeats() : (int) Math.ceil(depth * g.repeats());
            // The nominal (rounded) input filters decide expansion, SE width and the skip, as in Keras; the
            // depthwise and projection read the actual tensor, which for Lite's first block is the unscaled stem.
            int filtersIn = roundFilters(g.filtersIn(), widthCoefficient);
            int filtersOut = roundFilters(g.filtersOut(), widthCoefficient);
            for (int j = 0; j < repeats; j++) {
                String name = "block" + (i + 1) + (char) ('a' + j) + "_";
                x = block(b, x, name, act, j == 0 ? filtersIn : filtersOut, filtersOut, g.kernel(),
                        j == 0 ? g.stride() : 1, g.expansion(), seRatio);
            }
        }

        int headFilters = lite ? 1280 : roundFilters(1280, widthCoefficient);
        x = b.conv("top_conv", x, headFilters, 1, 1, Padding.SAME, false);
        x = b.batchNorm("top_bn", x, EPSILON, MOMENTUM);
        return b.activation("top_activation", x, act);
    }

    private static int roundFilters(int filters, double widthCoefficient) {
        return makeDivisible(filters * widthCoefficient, 8);
    }

    /** Keras efficientnet.block: MBConv with optional expansion and squeeze-and-excite, identity skip. */
    private static T block(GraphBuilder b, T input, String name, ActivationKind act, int filtersIn, int filtersOut,
                           int kernel, int stride, int expansion, double seRatio) {
        int filters = filtersIn * expansion;
        T x = input;
        if (expansion != 1) {
            x = b.conv(name + "expand_conv", x, filters, 1, 1, Padding.SAME, false);
            x = b.batchNorm(name + "expand_bn", x, EPSILON, MOMENTUM);
            x = b.activation(name + "expand_activation", x, act);
        }
        Padding dwPadding = Padding.SAME;
        if (stride == 2) {
            x = correctPad(b, name + "dwconv_pad", x, kernel);
            dwPadding = Padding.VALID;
        }
        x = b.depthwise(name + "dwconv", x, kernel, stride, dwPadding, false);
        x = b.batchNorm(name + "bn", x, EPSILON, MOMENTUM);
        x = b.activation(name + "activation", x, act);

        if (seRatio > 0) {
            int filtersSe = Math.max(1, (int) (filtersIn * seRatio));
            T se = b.globalAvgPool(name + "se_squeeze", x, false);
            se = b.reshape(name + "se_reshape", se, Shape.of(1, 1, filters));
            se = b.conv(name + "se_reduce", se, filtersSe, 1, 1, Padding.SAME, true);
            se = b.activation(name + "se_reduce_activation", se, act);
            se = b.conv(name + "se_expand", se, filters, 1, 1, Padding.SAME, true);
            se = b.activation(name + "se_expand_activation", se, ActivationKind.SIGMOID);
            x = b.multiply(name + "se_excite", x, se);
        }

        x = b.conv(name + "project_conv", x, filtersOut, 1, 1, Padding.SAME, false);
        x = b.batchNorm(name + "project_bn", x, EPSILON, MOMENTUM);
        if (stride == 1 && filtersIn == filtersOut) {
            return b.addition(name + "add", x, input);
        }
        return x;
    }
}
