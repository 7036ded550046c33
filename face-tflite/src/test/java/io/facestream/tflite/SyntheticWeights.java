package io.facestream.tflite;

import io.facestream.model.graph.Layer;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.graph.Node;
import io.facestream.model.graph.WeightSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Deterministic random weights that make a network behave, as far as value ranges and information flow go, more
 * like a trained one than plain random weights would:
 * <ul>
 *   <li>He-uniform kernels, small biases, PReLU slopes around 0.25;</li>
 *   <li>batch-norm moving statistics set from the actual per-channel mean and variance of each BatchNorm's input
 *       on a few inputs (data-dependent initialisation), so every normalised activation is about
 *       gamma * N(0, 1) + beta at any depth;</li>
 *   <li>a batch norm that feeds a ReLU-like activation gets beta in [1, 2] and gamma in [0.5, 0.9], so most units
 *       are active, as in trained networks: with beta near 0 every ReLU discards half of what it gets, and a deep
 *       random net then amplifies any perturbation (rounding included) from layer to layer;</li>
 *   <li>a Dense layer on a vector gets a data-dependent kernel: random combinations of its centred inputs over
 *       the same few inputs, so that it reads the directions in which inputs differ, as a trained embedding layer
 *       does, rather than a random projection dominated by what all inputs share.</li>
 * </ul>
 */
public final class SyntheticWeights {

    private SyntheticWeights() {
    }

    public static Map<String, float[]> create(ModelGraph graph, long seed, List<float[]> initInputs) {
        Map<String, float[]> weights = new HashMap<>();
        SplittableRandom random = new SplittableRandom(seed);
        Set<String> beforeActivation = batchNormsBeforeActivation(graph);
        for (WeightSpec w : graph.weights()) {
            int n = Math.toIntExact(w.shape().elementCount());
            float[] v = new float[n];
            boolean active = beforeActivation.contains(w.node());
            switch (w.name()) {
                case "kernel", "depthwise_kernel", "pointwise_kernel" -> {
                    // fan-in: every dimension but the last (Dense [in, units] included); depthwise: kh * kw
                    int fanIn = n / w.shape().channels();
                    if (w.name().equals("depthwise_kernel")) {
                        fanIn = w.shape().dim(0) * w.shape().dim(1);
                    }
                    fill(v, random, Math.sqrt(6.0 / fanIn), 0);
                }
                case "bias" -> fill(v, random, 0.1, 0);
                case "beta" -> fill(v, random, active ? 0.5 : 0.1, active ? 1.5 : 0);
                case "gamma" -> fill(v, random, active ? 0.2 : 0.4, active ? 0.7 : 1);
                case "alpha" -> fill(v, random, 0.15, 0.25);
                case "moving_variance" -> fill(v, random, 0, 1);
                case "moving_mean" -> fill(v, random, 0, 0);
                default -> throw new IllegalArgumentException("no initialiser for " + w.qualifiedName());
            }
            weights.put(w.qualifiedName(), v);
        }
        Map<String, Integer> rank = new HashMap<>();
        graph.shapes().forEach((name, shape) -> rank.put(name, shape.rank()));
        new ReferenceExecutor(graph, weights).run(initInputs, (node, inputs) -> {
            if (node.layer() instanceof Layer.BatchNorm) {
                setStatistics(node, inputs, weights);
            } else if (node.layer() instanceof Layer.Dense d && rank.get(node.inputs().get(0)) == 1) {
                readDifferences(node, d, inputs, weights, random);
            }
        });
        return weights;
    }

    private static Set<String> batchNormsBeforeActivation(ModelGraph graph) {
        Map<String, List<Node>> consumers = new HashMap<>();
        for (Node n : graph.nodes()) {
            for (String in : n.inputs()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        Set<String> result = new HashSet<>();
        for (Node n : graph.nodes()) {
            List<Node> c = consumers.getOrDefault(n.name(), List.of());
            if (n.layer() instanceof Layer.BatchNorm && c.size() == 1 && reluLike(c.get(0).layer())) {
                result.add(n.name());
            }
        }
        return result;
    }

    private static boolean reluLike(Layer l) {
        if (l instanceof Layer.PReLU) {
            return true;
        }
        return l instanceof Layer.Activation a && switch (a.kind()) {
            case RELU, RELU6, SWISH, HARD_SWISH -> true;
            default -> false;
        };
    }

    private static void fill(float[] v, SplittableRandom random, double halfWidth, double center) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (center + halfWidth * (2 * random.nextDouble() - 1));
        }
    }

    private static void setStatistics(Node node, List<float[]> inputs, Map<String, float[]> weights) {
        float[] mean = weights.get(node.name() + "/moving_mean");
        float[] var = weights.get(node.name() + "/moving_variance");
        int channels = mean.length;
        double[] sum = new double[channels];
        double[] sumSq = new double[channels];
        long count = 0;
        for (float[] x : inputs) {
            for (int i = 0; i < x.length; i++) {
                sum[i % channels] += x[i];
                sumSq[i % channels] += (double) x[i] * x[i];
            }
            count += x.length / channels;
        }
        double eps = ((Layer.BatchNorm) node.layer()).epsilon();
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / count;
            mean[c] = (float) m;
            // a channel that never varies (a dead unit) keeps a unit variance rather than exploding
            double v = sumSq[c] / count - m * m;
            var[c] = (float) (v > 100 * eps ? v : 1.0);
        }
    }

    /** Kernel column u = a random combination of the inputs minus their mean, scaled to the He norm. */
    private static void readDifferences(Node node, Layer.Dense d, List<float[]> inputs, Map<String, float[]> weights,
                                        SplittableRandom random) {
        float[] kernel = weights.get(node.name() + "/kernel");
        int in = inputs.get(0).length;
        int units = d.units();
        double[] mean = new double[in];
        for (float[] x : inputs) {
            for (int i = 0; i < in; i++) {
                mean[i] += x[i] / (double) inputs.size();
            }
        }
        double targetNorm = Math.sqrt(2.0);
        for (int u = 0; u < units; u++) {
            double[] column = new double[in];
            for (float[] x : inputs) {
                double a = 2 * random.nextDouble() - 1;
                for (int i = 0; i < in; i++) {
                    column[i] += a * (x[i] - mean[i]);
                }
            }
            double norm = 0;
            for (double c : column) {
                norm += c * c;
            }
            double scale = norm > 0 ? targetNorm / Math.sqrt(norm) : 0;
            for (int i = 0; i < in; i++) {
                kernel[i * units + u] = (float) (column[i] * scale);
            }
        }
    }
}
