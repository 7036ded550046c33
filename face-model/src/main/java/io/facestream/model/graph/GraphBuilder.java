package io.facestream.model.graph;

import io.facestream.model.graph.Layer.ActivationKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link ModelGraph} layer by layer, Keras functional style: every call adds a node and returns a
 * {@link T} handle carrying the node name and its inferred shape (so definitions can read channel counts).
 * Names should follow the Keras application's layer names, so that pretrained .h5 weights match by name.
 */
public final class GraphBuilder {

    /** A handle on a node's output. */
    public record T(String name, Shape shape) {
        public int channels() {
            return shape.channels();
        }
    }

    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Shape> shapes = new HashMap<>();

    public T input(String name, int height, int width, int channels) {
        return add(name, new Layer.Input(Shape.of(height, width, channels)));
    }

    /** Adds any layer; the general form every helper below uses. */
    public T add(String name, Layer layer, T... inputs) {
        List<String> names = new ArrayList<>(inputs.length);
        List<Shape> inShapes = new ArrayList<>(inputs.length);
        for (T in : inputs) {
            names.add(in.name());
            inShapes.add(in.shape());
        }
        Node node = new Node(name, layer, names);
        if (shapes.containsKey(name)) {
            throw new IllegalArgumentException("duplicate node name " + name);
        }
        Shape out;
        try {
            out = layer.outputShape(inShapes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("node " + name + ": " + e.getMessage(), e);
        }
        nodes.add(node);
        shapes.put(name, out);
        return new T(name, out);
    }

    public T conv(String name, T x, int filters, int kernel, int stride, Padding padding, boolean useBias) {
        return add(name, new Layer.Conv2D(filters, kernel, kernel, stride, stride, padding, useBias), x);
    }

    public T conv(String name, T x, int filters, int kernelH, int kernelW, int stride, Padding padding,
                  boolean useBias) {
        return add(name, new Layer.Conv2D(filters, kernelH, kernelW, stride, stride, padding, useBias), x);
    }

    public T depthwise(String name, T x, int kernel, int stride, Padding padding, boolean useBias) {
        return add(name, new Layer.DepthwiseConv2D(kernel, kernel, stride, stride, padding, 1, useBias), x);
    }

    public T separable(String name, T x, int filters, int kernel, int stride, Padding padding, boolean useBias) {
        return add(name, new Layer.SeparableConv2D(filters, kernel, kernel, stride, stride, padding, useBias), x);
    }

    /** Keras BatchNormalization defaults differ per application: pass epsilon and momentum explicitly. */
    public T batchNorm(String name, T x, double epsilon, double momentum) {
        return add(name, new Layer.BatchNorm(epsilon, momentum, true, true), x);
    }

    public T batchNorm(String name, T x, double epsilon, double momentum, boolean center, boolean scale) {
        return add(name, new Layer.BatchNorm(epsilon, momentum, center, scale), x);
    }

    public T activation(String name, T x, ActivationKind kind) {
        return add(name, new Layer.Activation(kind), x);
    }

    public T relu(String name, T x) {
        return activation(name, x, ActivationKind.RELU);
    }

    public T relu6(String name, T x) {
        return activation(name, x, ActivationKind.RELU6);
    }

    public T prelu(String name, T x) {
        return add(name, new Layer.PReLU(), x);
    }

    public T addition(String name, T... xs) {
        return add(name, new Layer.Add(), xs);
    }

    public T multiply(String name, T... xs) {
        return add(name, new Layer.Multiply(), xs);
    }

    public T scale(String name, T x, double factor) {
        return add(name, new Layer.Scale(factor), x);
    }

    public T concat(String name, T... xs) {
        return add(name, new Layer.Concatenate(), xs);
    }

    public T zeroPad(String name, T x, int top, int bottom, int left, int right) {
        return add(name, new Layer.ZeroPadding(top, bottom, left, right), x);
    }

    public T crop(String name, T x, int top, int bottom, int left, int right) {
        return add(name, new Layer.Cropping(top, bottom, left, right), x);
    }

    public T maxPool(String name, T x, int pool, int stride, Padding padding) {
        return add(name, new Layer.MaxPool(pool, pool, stride, stride, padding), x);
    }

    public T avgPool(String name, T x, int pool, int stride, Padding padding) {
        return add(name, new Layer.AvgPool(pool, pool, stride, stride, padding), x);
    }

    public T globalAvgPool(String name, T x, boolean keepDims) {
        return add(name, new Layer.GlobalAvgPool(keepDims), x);
    }

    public T dense(String name, T x, int units, boolean useBias) {
        return add(name, new Layer.Dense(units, useBias), x);
    }

    public T dropout(String name, T x, double rate) {
        return add(name, new Layer.Dropout(rate), x);
    }

    public T flatten(String name, T x) {
        return add(name, new Layer.Flatten(), x);
    }

    public T reshape(String name, T x, Shape target) {
        return add(name, new Layer.Reshape(target), x);
    }

    public T l2Normalize(String name, T x) {
        return add(name, new Layer.L2Normalize(1e-10), x);
    }

    public ModelGraph build(String modelName, T output) {
        return new ModelGraph(modelName, nodes, output.name());
    }
}
