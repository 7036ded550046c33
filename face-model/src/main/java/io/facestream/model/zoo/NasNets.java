package io.facestream.model.zoo;

import io.facestream.model.graph.GraphBuilder;
import io.facestream.model.graph.GraphBuilder.T;
import io.facestream.model.graph.Padding;

/**
 * NASNet-A Mobile (4 @ 1056) and Large (6 @ 4032), following tf.keras.applications' nasnet.py: NASNet() with its
 * _separable_conv_block, _adjust_block, _normal_a_cell and _reduction_a_cell, up to the final ReLU. No convolution
 * has a bias; every BatchNormalization uses momentum 0.9997 and epsilon 1e-3. The activations, paddings, croppings,
 * concatenations and additions Keras leaves unnamed get its automatic names (none of them carries weights).
 */
final class NasNets {

    private static final double BN_EPSILON = 1e-3;
    private static final double BN_MOMENTUM = 0.9997;
    private static final int FILTER_MULTIPLIER = 2;

    private NasNets() {
    }

    /** Keras NASNetMobile: penultimate_filters 1056, num_blocks 4, stem 32, skip_reduction False. */
    static T nasNetMobile(GraphBuilder b, T input, BackboneOptions options) {
        options.requireDefaultAlpha("NASNetMobile");
        return new Builder(b).nasNet(input, 1056, 4, 32, false);
    }

    /** Keras NASNetLarge: penultimate_filters 4032, num_blocks 6, stem 96, skip_reduction True. */
    static T nasNetLarge(GraphBuilder b, T input, BackboneOptions options) {
        options.requireDefaultAlpha("NASNetLarge");
        return new Builder(b).nasNet(input, 4032, 6, 96, true);
    }

    /** A cell's output and the tensor the next cell takes as its "previous" input. */
    private record Cell(T x, T previous) {
    }

    private static final class Builder {
        private final GraphBuilder b;
        private final ClassicFamily.AutoNames auto = new ClassicFamily.AutoNames();

        Builder(GraphBuilder b) {
            this.b = b;
        }

        T nasNet(T input, int penultimateFilters, int numBlocks, int stemFilters, boolean skipReduction) {
            int filters = penultimateFilters / 24;
            T x = b.conv("stem_conv1", input, stemFilters, 3, 2, Padding.VALID, false);
            x = bn("stem_bn1", x);

            Cell cell = reductionCell(x, null, filters / (FILTER_MULTIPLIER * FILTER_MULTIPLIER), "stem_1");
            cell = reductionCell(cell.x(), cell.previous(), filters / FILTER_MULTIPLIER, "stem_2");
            for (int i = 0; i < numBlocks; i++) {
                cell = normalCell(cell.x(), cell.previous(), filters, Integer.toString(i));
            }
            for (int stage = 1; stage <= 2; stage++) {
                int stageFilters = filters * (stage == 1 ? FILTER_MULTIPLIER : FILTER_MULTIPLIER * FILTER_MULTIPLIER);
                T p = cell.previous();
                cell = reductionCell(cell.x(), p, stageFilters, "reduce_" + stage * numBlocks);
                // skip_reduction: the cells after a reduction keep the pre-reduction "previous" input
                cell = new Cell(cell.x(), skipReduction ? p : cell.previous());
                for (int i = 0; i < numBlocks; i++) {
                    String id = Integer.toString(stage * numBlocks + i + 1);
                    cell = normalCell(cell.x(), cell.previous(), stageFilters, id);
                }
            }
            return b.relu(auto.next("activation"), cell.x());
        }

        /** Two [ReLU, separable conv, BN]; a strided first one gets Keras' correct_pad and valid padding. */
        private T separableConvBlock(T in, int filters, int kernel, int stride, String id) {
            T x = b.relu(auto.next("activation"), in);
            Padding padding = Padding.SAME;
            if (stride == 2) {
                x = correctPad("separable_conv_1_pad_" + id, x, kernel);
                padding = Padding.VALID;
            }
            x = b.separable("separable_conv_1_" + id, x, filters, kernel, stride, padding, false);
            x = bn("separable_conv_1_bn_" + id, x);
            x = b.relu(auto.next("activation"), x);
            x = b.separable("separable_conv_2_" + id, x, filters, kernel, 1, Padding.SAME, false);
            return bn("separable_conv_2_bn_" + id, x);
        }

        /**
         * Makes the previous input p match ip: halves its resolution with two offset 1x1/2 average-pooled paths
         * (each a 1x1 convolution to filters/2, concatenated) when the widths differ, or projects it to the
         * filter count with a 1x1 convolution when only the channels differ.
         */
        private T adjustBlock(T p, T ip, int filters, String id) {
            if (p == null) {
                return ip;
            }
            if (p.shape().width() != ip.shape().width()) {
                p = b.relu("adjust_relu_1_" + id, p);
                T p1 = b.avgPool("adjust_avg_pool_1_" + id, p, 1, 2, Padding.VALID);
                p1 = b.conv("adjust_conv_1_" + id, p1, filters / 2, 1, 1, Padding.SAME, false);
                T p2 = b.zeroPad(auto.next("zero_padding2d"), p, 0, 1, 0, 1);
                p2 = b.crop(auto.next("cropping2d"), p2, 1, 0, 1, 0);
                p2 = b.avgPool("adjust_avg_pool_2_" + id, p2, 1, 2, Padding.VALID);
                p2 = b.conv("adjust_conv_2_" + id, p2, filters / 2, 1, 1, Padding.SAME, false);
                T merged = b.concat(auto.next("concatenate"), p1, p2);
                return bn("adjust_bn_" + id, merged);
            }
            if (p.channels() != filters) {
                p = b.relu(auto.next("activation"), p);
                p = b.conv("adjust_conv_projection_" + id, p, filters, 1, 1, Padding.SAME, false);
                return bn("adjust_bn_" + id, p);
            }
            return p;
        }

        /** Normal cell (NASNet paper Fig. 4): five combinations concatenated with p, at 6 x filters channels. */
        private Cell normalCell(T ip, T previous, int filters, String id) {
            T p = adjustBlock(previous, ip, filters, id);
            T h = b.relu(auto.next("activation"), ip);
            h = b.conv("normal_conv_1_" + id, h, filters, 1, 1, Padding.SAME, false);
            h = bn("normal_bn_1_" + id, h);

            T x11 = separableConvBlock(h, filters, 5, 1, "normal_left1_" + id);
            T x12 = separableConvBlock(p, filters, 3, 1, "normal_right1_" + id);
            T x1 = b.addition("normal_add_1_" + id, x11, x12);

            T x21 = separableConvBlock(p, filters, 5, 1, "normal_left2_" + id);
            T x22 = separableConvBlock(p, filters, 3, 1, "normal_right2_" + id);
            T x2 = b.addition("normal_add_2_" + id, x21, x22);

            T x3 = b.avgPool("normal_left3_" + id, h, 3, 1, Padding.SAME);
            x3 = b.addition("normal_add_3_" + id, x3, p);

            T x41 = b.avgPool("normal_left4_" + id, p, 3, 1, Padding.SAME);
            T x42 = b.avgPool("normal_right4_" + id, p, 3, 1, Padding.SAME);
            T x4 = b.addition("normal_add_4_" + id, x41, x42);

            T x5 = separableConvBlock(h, filters, 3, 1, "normal_left5_" + id);
            x5 = b.addition("normal_add_5_" + id, x5, h);

            T x = b.concat("normal_concat_" + id, p, x1, x2, x3, x4, x5);
            return new Cell(x, ip);
        }

        /** Reduction cell (Fig. 4): halves the resolution, 4 x filters channels out. */
        private Cell reductionCell(T ip, T previous, int filters, String id) {
            T p = adjustBlock(previous, ip, filters, id);
            T h = b.relu(auto.next("activation"), ip);
            h = b.conv("reduction_conv_1_" + id, h, filters, 1, 1, Padding.SAME, false);
            h = bn("reduction_bn_1_" + id, h);
            T h3 = correctPad("reduction_pad_1_" + id, h, 3);

            T x11 = separableConvBlock(h, filters, 5, 2, "reduction_left1_" + id);
            T x12 = separableConvBlock(p, filters, 7, 2, "reduction_right1_" + id);
            T x1 = b.addition("reduction_add_1_" + id, x11, x12);

            T x21 = b.maxPool("reduction_left2_" + id, h3, 3, 2, Padding.VALID);
            T x22 = separableConvBlock(p, filters, 7, 2, "reduction_right2_" + id);
            T x2 = b.addition("reduction_add_2_" + id, x21, x22);

            T x31 = b.avgPool("reduction_left3_" + id, h3, 3, 2, Padding.VALID);
            T x32 = separableConvBlock(p, filters, 5, 2, "reduction_right3_" + id);
            T x3 = b.addition("reduction_add3_" + id, x31, x32);

            T x4 = b.avgPool("reduction_left4_" + id, x1, 3, 1, Padding.SAME);
            x4 = b.addition(auto.next("add"), x2, x4);

            // Keras reuses the block id "reduction_left4" for this separable block (its layer names differ)
            T x51 = separableConvBlock(x1, filters, 3, 1, "reduction_left4_" + id);
            T x52 = b.maxPool("reduction_right5_" + id, h3, 3, 2, Padding.VALID);
            T x5 = b.addition("reduction_add4_" + id, x51, x52);

            T x = b.concat("reduction_concat_" + id, x2, x3, x4, x5);
            return new Cell(x, ip);
        }

        /**
         * Keras' imagenet_utils.correct_pad: kernel/2 on each side, one less at the top/left when the size is
         * even; the padding TensorFlow's SAME adds for stride 2, written out so that every backend agrees.
         */
        private T correctPad(String name, T x, int kernel) {
            int half = kernel / 2;
            int adjustH = 1 - x.shape().height() % 2;
            int adjustW = 1 - x.shape().width() % 2;
            return b.zeroPad(name, x, half - adjustH, half, half - adjustW, half);
        }

        private T bn(String name, T x) {
            return b.batchNorm(name, x, BN_EPSILON, BN_MOMENTUM);
        }
    }
}
