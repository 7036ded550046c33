package io.facestream.model.zoo;

import io.facestream.model.graph.GraphBuilder;
import io.facestream.model.graph.GraphBuilder.T;
import io.facestream.model.graph.Layer.ActivationKind;
import io.facestream.model.graph.Padding;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.facestream.model.zoo.MobileFamily.makeDivisible;

/**
 * MnasNet A1, B1 and Small (Tan et al. 2019) as JHFace's backbone/mnasnet.py defines them after the TensorFlow TPU
 * reference mnasnet_models.py (see ../shared/reference/backbones.md): stem conv + BN + ReLU, then the MBConv blocks
 * and nothing else (no 1280 head conv). TensorFlow 'same' padding everywhere, BatchNormalization momentum 0.99 and
 * epsilon 1e-3, layer names as JHFace gives them (Conv, bn0, expand_conv_{group}_{repeat}, bn0_..., ...).
 *
 * <p>alpha is the reference's depth_multiplier: stem and block filters become round_filters(filters x alpha)
 * (multiples of 8, never below 90%). Every filter count here is a multiple of 8, so alpha 1.0 is the network as
 * published.
 */
enum MnasNets implements Backbone {
    A1("MnasNetA1", 32, List.of(
            "r1_k3_s11_e1_i32_o16_noskip", "r2_k3_s22_e6_i16_o24", "r3_k5_s22_e3_i24_o40_se0.25",
            "r4_k3_s22_e6_i40_o80", "r2_k3_s11_e6_i80_o112_se0.25", "r3_k5_s22_e6_i112_o160_se0.25",
            "r1_k3_s11_e6_i160_o320")),
    B1("MnasNetB1", 32, List.of(
            "r1_k3_s11_e1_i32_o16_noskip", "r3_k3_s22_e3_i16_o24", "r3_k5_s22_e3_i24_o40",
            "r3_k5_s22_e6_i40_o80", "r2_k3_s11_e6_i80_o96", "r4_k5_s22_e6_i96_o192",
            "r1_k3_s11_e6_i192_o320_noskip")),
    // Its first block says i16 but takes the stem's 8 channels; having no expansion, only the actual input matters.
    SMALL("MnasNetSmall", 8, List.of(
            "r1_k3_s11_e1_i16_o8", "r1_k3_s22_e3_i8_o16", "r2_k3_s22_e6_i16_o16",
            "r4_k5_s22_e6_i16_o32_se0.25", "r3_k3_s11_e6_i32_o32_se0.25", "r3_k5_s22_e6_i32_o88_se0.25",
            "r1_k3_s11_e6_i88_o144"));

    private static final double EPSILON = 1e-3;
    private static final double MOMENTUM = 0.99;

    /** A decoded block string: r repeats, k kernel, s stride, e expansion, i/o filters, se ratio (0 = none). */
    record BlockArgs(int repeats, int kernel, int stride, int expansion, int filtersIn, int filtersOut,
                     double seRatio, boolean idSkip) {

        /** Parses the reference's notation, e.g. "r3_k5_s22_e3_i24_o40_se0.25" or "..._noskip". */
        static BlockArgs parse(String blockString) {
            Map<String, String> options = new HashMap<>();
            boolean noSkip = false;
            for (String op : blockString.split("_")) {
                if (op.equals("noskip")) {
                    noSkip = true;
                    continue;
                }
                int digit = 0;
                while (digit < op.length() && !Character.isDigit(op.charAt(digit))) {
                    digit++;
                }
                if (digit == 0 || digit == op.length()) {
                    throw new IllegalArgumentException("bad option '" + op + "' in block string " + blockString);
                }
                options.put(op.substring(0, digit), op.substring(digit));
            }
            String strides = require(options, "s", blockString);
            if (strides.length() != 2 || strides.charAt(0) != strides.charAt(1)) {
                throw new IllegalArgumentException("strides must be a square pair such as s22: " + blockString);
            }
            return new BlockArgs(
                    Integer.parseInt(require(options, "r", blockString)),
                    Integer.parseInt(require(options, "k", blockString)),
                    strides.charAt(0) - '0',
                    Integer.parseInt(require(options, "e", blockString)),
                    Integer.parseInt(require(options, "i", blockString)),
                    Integer.parseInt(require(options, "o", blockString)),
                    options.containsKey("se") ? Double.parseDouble(options.get("se")) : 0,
                    !noSkip);
        }

        private static String require(Map<String, String> options, String key, String blockString) {
            String v = options.get(key);
            if (v == null) {
                throw new IllegalArgumentException("block string " + blockString + " lacks '" + key + "'");
            }
            return v;
        }
    }

    private final String backboneName;
    private final int stemSize;
    private final List<BlockArgs> blocks;

    MnasNets(String backboneName, int stemSize, List<String> blockStrings) {
        this.backboneName = backboneName;
        this.stemSize = stemSize;
        this.blocks = blockStrings.stream().map(BlockArgs::parse).toList();
    }

    String backboneName() {
        return backboneName;
    }

    @Override
    public T build(GraphBuilder b, T input, BackboneOptions options) {
        double multiplier = options.alpha();
        T x = b.conv("Conv", input, makeDivisible(stemSize * multiplier, 8), 3, 2, Padding.SAME, false);
        x = b.batchNorm("bn0", x, EPSILON, MOMENTUM);
        x = b.relu("Conv_relu", x);
        for (int group = 0; group < blocks.size(); group++) {
            BlockArgs args = blocks.get(group);
            int filtersIn = makeDivisible(args.filtersIn() * multiplier, 8);
            int filtersOut = makeDivisible(args.filtersOut() * multiplier, 8);
            for (int repeat = 0; repeat < args.repeats(); repeat++) {
                boolean first = repeat == 0;
                x = block(b, x, group + "_" + repeat, args, first ? filtersIn : filtersOut, filtersOut,
                        first ? args.stride() : 1);
            }
        }
        return x;
    }

    /** The reference's MnasBlock: expand, depthwise, optional squeeze-and-excite, linear projection, skip. */
    private static T block(GraphBuilder b, T input, String id, BlockArgs args, int filtersIn, int filtersOut,
                           int stride) {
        int filters = filtersIn * args.expansion();
        T x = input;
        if (args.expansion() != 1) {
            x = b.conv("expand_conv_" + id, x, filters, 1, 1, Padding.SAME, false);
            x = b.batchNorm("bn0_" + id, x, EPSILON, MOMENTUM);
            x = b.relu("expand_relu_" + id, x);
        }
        x = b.depthwise("depth_wise_conv_" + id, x, args.kernel(), stride, Padding.SAME, false);
        x = b.batchNorm("bn1_" + id, x, EPSILON, MOMENTUM);
        x = b.relu("depth_wise_relu_" + id, x);
        if (args.seRatio() > 0) {
            T se = b.globalAvgPool("se_squeeze_" + id, x, true);
            se = b.conv("se_reduce_" + id, se, Math.max(1, (int) (filtersIn * args.seRatio())), 1, 1,
                    Padding.SAME, true);
            se = b.relu("se_reduce_relu_" + id, se);
            se = b.conv("se_expand_" + id, se, filters, 1, 1, Padding.SAME, true);
            se = b.activation("se_expand_sigmoid_" + id, se, ActivationKind.SIGMOID);
            x = b.multiply("se_excite_" + id, se, x);
        }
        x = b.conv("project_conv_" + id, x, filtersOut, 1, 1, Padding.SAME, false);
        x = b.batchNorm("bn2_" + id, x, EPSILON, MOMENTUM);
        if (args.idSkip() && stride == 1 && filtersIn == filtersOut) {
            return b.addition("add_" + id, x, input);
        }
        return x;
    }
}
