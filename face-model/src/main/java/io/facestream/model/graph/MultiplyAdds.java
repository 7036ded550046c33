package io.facestream.model.graph;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Multiply-adds of one inference on one image: the weight multiply-accumulates of convolutions, depthwise and
 * separable convolutions and dense layers, from the shapes alone. This is the figure papers quote as "MAdds"
 * (MobileNetV2: 300 M at 224x224; MobileFaceNet: 221 M at 112x112). Batch norms (folded into the preceding layer
 * when the model is lowered), activations, pooling, additions and other elementwise operations are not counted: they
 * are a small part of the arithmetic and do not run on the multiply-accumulate units.
 */
public final class MultiplyAdds {

    private MultiplyAdds() {
    }

    /** Multiply-adds per node that has any, in node order. */
    public static Map<String, Long> perNode(ModelGraph graph) {
        Map<String, Shape> shapes = graph.shapes();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            if (n.inputs().isEmpty()) {
                continue;
            }
            long macs = of(n.layer(), shapes.get(n.inputs().get(0)), shapes.get(n.name()));
            if (macs > 0) {
                counts.put(n.name(), macs);
            }
        }
        return counts;
    }

    public static long total(ModelGraph graph) {
        return perNode(graph).values().stream().mapToLong(Long::longValue).sum();
    }

    /** One layer's multiply-adds from its (first) input and its output shape; 0 for layers that apply no weights. */
    static long of(Layer layer, Shape in, Shape out) {
        if (layer instanceof Layer.Conv2D c) {
            // every output value: a kh x kw x inChannels window
            return out.elementCount() * c.kernelH() * c.kernelW() * in.channels();
        }
        if (layer instanceof Layer.DepthwiseConv2D d) {
            // every output value: a kh x kw window of one input channel
            return out.elementCount() * d.kernelH() * d.kernelW();
        }
        if (layer instanceof Layer.SeparableConv2D s) {
            long positions = (long) out.height() * out.width();
            return positions * in.channels() * s.kernelH() * s.kernelW() + positions * in.channels() * s.filters();
        }
        if (layer instanceof Layer.Dense) {
            // Dense works on the last axis: every output value reads all inChannels inputs of its row
            return out.elementCount() * in.channels();
        }
        return 0;
    }
}
