package io.facestream.model.graph;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model as a directed acyclic graph of {@link Node}s in topological order (every input is defined before it is
 * used). The one model description that both the TensorFlow Java and the TFLite lowerings read.
 */
public record ModelGraph(String name, List<Node> nodes, String output) {

    public ModelGraph {
        nodes = List.copyOf(nodes);
        validate(nodes, output);
    }

    /**
     * This graph with every batch norm's moving-average momentum replaced: a training setting only (inference and
     * the weights are unchanged), for backbones whose own momentum makes short runs useless in inference mode.
     */
    public ModelGraph withBatchNormMomentum(double momentum) {
        List<Node> replaced = nodes.stream()
                .map(n -> n.layer() instanceof Layer.BatchNorm bn
                        ? new Node(n.name(), new Layer.BatchNorm(bn.epsilon(), momentum, bn.center(), bn.scale()),
                                n.inputs())
                        : n)
                .toList();
        return new ModelGraph(name, replaced, output);
    }

    private static void validate(List<Node> nodes, String output) {
        Set<String> defined = new HashSet<>();
        for (Node n : nodes) {
            int arity = n.layer().arity();
            if (arity >= 0 && n.inputs().size() != arity) {
                throw new IllegalArgumentException("node " + n.name() + " takes " + arity + " inputs, got " + n.inputs());
            }
            if (arity < 0 && n.inputs().size() < 2) {
                throw new IllegalArgumentException("node " + n.name() + " takes two or more inputs, got " + n.inputs());
            }
            for (String in : n.inputs()) {
                if (!defined.contains(in)) {
                    throw new IllegalArgumentException("node " + n.name() + " reads " + in + " before it is defined");
                }
            }
            if (!defined.add(n.name())) {
                throw new IllegalArgumentException("duplicate node name " + n.name());
            }
        }
        if (!defined.contains(output)) {
            throw new IllegalArgumentException("output node " + output + " is not in the graph");
        }
    }

    public Node node(String nodeName) {
        for (Node n : nodes) {
            if (n.name().equals(nodeName)) {
                return n;
            }
        }
        throw new IllegalArgumentException("no node " + nodeName);
    }

    /** The single input node. */
    @JsonIgnore
    public Node input() {
        return nodes.stream().filter(n -> n.layer() instanceof Layer.Input).findFirst()
                .orElseThrow(() -> new IllegalStateException("graph " + name + " has no input"));
    }

    @JsonIgnore
    public Shape inputShape() {
        return ((Layer.Input) input().layer()).shape();
    }

    /** Shape of every node's output, in node order. Throws IllegalArgumentException on the first misfit. */
    @JsonIgnore
    public Map<String, Shape> shapes() {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Node n : nodes) {
            List<Shape> in = inputShapes(n, shapes);
            try {
                shapes.put(n.name(), n.layer().outputShape(in));
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                throw new IllegalArgumentException("node " + n.name() + ": " + e.getMessage(), e);
            }
        }
        return Collections.unmodifiableMap(shapes);
    }

    @JsonIgnore
    public Shape outputShape() {
        return shapes().get(output);
    }

    /** Every weight tensor, in node order. */
    @JsonIgnore
    public List<WeightSpec> weights() {
        Map<String, Shape> shapes = shapes();
        List<WeightSpec> all = new ArrayList<>();
        for (Node n : nodes) {
            all.addAll(n.layer().weights(n.name(), inputShapes(n, shapes)));
        }
        return all;
    }

    /** Trainable plus non-trainable parameters, as Keras' model.count_params() counts them. */
    @JsonIgnore
    public long parameterCount() {
        return weights().stream().mapToLong(w -> w.shape().elementCount()).sum();
    }

    @JsonIgnore
    public long trainableParameterCount() {
        return weights().stream().filter(WeightSpec::trainable).mapToLong(w -> w.shape().elementCount()).sum();
    }

    /** Multiply-adds of one inference on one image (convolutions and dense layers; see {@link MultiplyAdds}). */
    @JsonIgnore
    public long multiplyAdds() {
        return MultiplyAdds.total(this);
    }

    private static List<Shape> inputShapes(Node n, Map<String, Shape> shapes) {
        List<Shape> in = new ArrayList<>(n.inputs().size());
        for (String i : n.inputs()) {
            in.add(shapes.get(i));
        }
        return in;
    }
}
