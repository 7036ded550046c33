package io.facestream.tflite;

import io.facestream.model.graph.GraphBuilder;
import io.facestream.model.graph.GraphBuilder.T;
import io.facestream.model.graph.Layer;
import io.facestream.model.graph.Layer.ActivationKind;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.graph.Padding;
import io.facestream.model.graph.Shape;

/**
 * Every layer type of Layer.java in one small graph with odd sizes (so SAME padding puts an extra pixel at the
 * bottom/right somewhere) and every fusion path: batch norm folded into a convolution, a depthwise convolution, a
 * separable convolution's pointwise part and a dense layer, or left unfolded on a map and on a vector; ReLU fused;
 * dropout and linear activation removed; a (1, 1, c) and a (c) gate multiplied in; a three-way add.
 */
public final class EveryLayerGraph {

    public static final int SIZE = 13;

    private EveryLayerGraph() {
    }

    public static ModelGraph build() {
        GraphBuilder b = new GraphBuilder();
        T in = b.input("input", SIZE, SIZE, 3);
        T x = b.conv("conv", in, 8, 3, 2, Padding.SAME, true); // 7x7
        x = b.batchNorm("conv_bn", x, 1e-3, 0.99);
        x = b.relu6("conv_relu6", x);
        x = b.zeroPad("pad", x, 1, 2, 0, 1); // 10x8
        x = b.crop("crop", x, 1, 0, 0, 1); // 9x7
        T d = b.add("dw", new Layer.DepthwiseConv2D(3, 3, 2, 2, Padding.SAME, 2, true), x); // 5x4x16
        d = b.batchNorm("dw_bn", d, 1e-3, 0.99, false, true);
        d = b.prelu("dw_prelu", d);
        T s = b.separable("sep", d, 12, 3, 1, Padding.SAME, true);
        s = b.batchNorm("sep_bn", s, 1e-3, 0.99);
        s = b.activation("sep_swish", s, ActivationKind.SWISH);
        T e = b.conv("expand", s, 12, 1, 1, Padding.VALID, false);
        e = b.batchNorm("expand_bn", e, 1e-3, 0.99, true, false);
        e = b.activation("expand_hswish", e, ActivationKind.HARD_SWISH);
        // squeeze-and-excite with a (1, 1, c) gate
        T g = b.globalAvgPool("se_pool", e, true);
        g = b.conv("se_reduce", g, 4, 1, 1, Padding.SAME, true);
        g = b.relu("se_relu", g);
        g = b.conv("se_expand", g, 12, 1, 1, Padding.SAME, true);
        g = b.activation("se_hard_sigmoid", g, ActivationKind.HARD_SIGMOID);
        T se = b.multiply("se_mul", e, g);
        // a (c) gate, vector first, through an unfoldable batch norm on a vector
        T v = b.globalAvgPool("gate_pool", se, false);
        v = b.dense("gate_dense", v, 12, true);
        v = b.activation("gate_sigmoid", v, ActivationKind.SIGMOID);
        v = b.batchNorm("gate_bn", v, 1e-3, 0.99);
        T gated = b.multiply("gate_mul", v, se);
        // three-way add, then an unfoldable batch norm on a map with a fused ReLU
        T sum = b.addition("sum", gated, se, e);
        sum = b.batchNorm("sum_bn", sum, 1e-3, 0.99);
        T r = b.relu("sum_relu", sum);
        T scaled = b.scale("scaled", r, 0.3);
        T th = b.activation("tanh", scaled, ActivationKind.TANH);
        T lin = b.activation("linear", th, ActivationKind.LINEAR);
        T mp = b.maxPool("maxpool", r, 3, 2, Padding.SAME); // 3x2
        T ap = b.avgPool("avgpool", lin, 3, 2, Padding.SAME); // 3x2, padding left out of the average
        T cat = b.concat("concat", mp, ap); // 3x2x24
        T apv = b.avgPool("avgpool_valid", cat, 2, 1, Padding.VALID); // 2x1x24
        T dr = b.dropout("dropout", apv, 0.5);
        T rs = b.reshape("reshape", dr, Shape.of(1, 2, 24));
        T dm = b.dense("dense_map", rs, 10, true); // over the last axis of a map
        dm = b.batchNorm("dense_map_bn", dm, 1e-3, 0.99);
        dm = b.relu("dense_map_relu", dm);
        T pre = b.batchNorm("pre_dense_bn", dm, 1e-3, 0.99); // after an activation: cannot fold
        T fl = b.flatten("flatten", pre);
        T out = b.dense("embedding", fl, 16, true);
        out = b.batchNorm("embedding_bn", out, 1e-3, 0.99);
        out = b.l2Normalize("l2", out);
        return b.build("every_layer", out);
    }
}
