package io.facestream.trainer.tf;

import io.facestream.model.checkpoint.FloatTensor;
import io.facestream.model.graph.GraphBuilder;
import io.facestream.model.graph.GraphBuilder.T;
import io.facestream.model.graph.Layer;
import io.facestream.model.graph.Layer.ActivationKind;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.graph.Node;
import io.facestream.model.graph.Padding;
import io.facestream.model.graph.Shape;
import io.facestream.model.graph.WeightSpec;
import io.facestream.model.head.HeadConfig;
import io.facestream.model.head.HeadType;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphLoweringTest {

    /**
     * A 4x4 ramp through SAME conv (stride 2), inference batch norm, PReLU, SAME average pooling, hard sigmoid,
     * dropout (inactive), flatten and dense, computed by hand.
     */
    @Test
    void inferenceForwardPassMatchesAHandComputation() {
        GraphBuilder b = new GraphBuilder();
        T x = b.input("in", 4, 4, 1);
        x = b.conv("conv", x, 1, 3, 2, Padding.SAME, true);
        x = b.batchNorm("bn", x, 1e-3, 0.99);
        x = b.prelu("prelu", x);
        x = b.avgPool("pool", x, 2, 1, Padding.SAME);
        x = b.activation("hsig", x, ActivationKind.HARD_SIGMOID);
        x = b.dropout("drop", x, 0.5);
        x = b.flatten("flat", x);
        x = b.dense("dense", x, 2, true);
        ModelGraph graph = b.build("tiny", x);

        Map<String, FloatTensor> w = new LinkedHashMap<>();
        w.put("conv/kernel", tensor(Shape.of(3, 3, 1, 1), 1, 1, 1, 1, 1, 1, 1, 1, 1));
        w.put("conv/bias", tensor(Shape.of(1), 0.5f));
        w.put("bn/gamma", tensor(Shape.of(1), 2));
        w.put("bn/beta", tensor(Shape.of(1), 1));
        w.put("bn/moving_mean", tensor(Shape.of(1), 50));
        w.put("bn/moving_variance", tensor(Shape.of(1), 100 - 1e-3f));
        w.put("prelu/alpha", tensor(Shape.of(1, 1, 1), 0.25f));
        w.put("dense/kernel", tensor(Shape.of(4, 2), 1, 0, 0, 1, 1, -1, 0, 2));
        w.put("dense/bias", tensor(Shape.of(2), 0, 0.5f));
        float[] ramp = new float[16];
        for (int i = 0; i < 16; i++) {
            ramp[i] = i; // pixel (r, c) = 4r + c
        }
        try (TfFaceModel model = TfFaceModel.inference(graph, 1)) {
            model.importTensors(w);
            float[][] out = model.embed(ramp, 1);
            // conv, TF SAME with stride 2 pads one row/column at the bottom/right only:
            //   windows rows 0-2 x cols 0-2: 45, rows 0-2 x cols 2-3: 39, rows 2-3 x 0-2: 66, rows 2-3 x 2-3: 50; +0.5
            // bn: (x - 50) / sqrt(100) * 2 + 1 -> 0.1, -1.1, 4.3, 1.1; prelu (0.25): 0.1, -0.275, 4.3, 1.1
            // avg pool 2x2 stride 1 SAME counts only real pixels: 5.225/4, (-0.275+1.1)/2, (4.3+1.1)/2, 1.1
            //   = 1.30625, 0.4125, 2.7, 1.1; hard sigmoid relu6(x+3)/6: 0.7177083, 0.56875, 0.95, 0.6833333
            // dense: [a + c, b - c + 2d + 0.5]
            assertArrayEquals(new float[]{1.6677083f, 1.4854167f}, out[0], 1e-5f);
        }
    }

    /** A graph holding every layer type; its TF shapes must be the ModelGraph's at every node, in both modes. */
    static ModelGraph everyLayerGraph() {
        GraphBuilder b = new GraphBuilder();
        T in = b.input("in", 9, 9, 3);
        T x = b.conv("conv", in, 8, 3, 2, Padding.SAME, true);
        x = b.batchNorm("bn", x, 1e-3, 0.9);
        x = b.activation("swish", x, ActivationKind.SWISH);
        T dw = b.add("dw", new Layer.DepthwiseConv2D(3, 3, 1, 1, Padding.SAME, 2, true), x);
        dw = b.batchNorm("bn_nocenter", dw, 1e-3, 0.9, false, true);
        dw = b.activation("hswish", dw, ActivationKind.HARD_SWISH);
        T sep = b.separable("sep", dw, 8, 3, 1, Padding.SAME, true);
        sep = b.batchNorm("bn_noscale", sep, 1e-3, 0.9, true, false);
        sep = b.prelu("prelu", sep);
        T pad = b.zeroPad("pad", sep, 1, 0, 2, 1);
        T crop = b.crop("crop", pad, 1, 0, 2, 1);
        T max = b.maxPool("max", crop, 3, 2, Padding.SAME);
        T avg = b.avgPool("avg", crop, 3, 2, Padding.SAME);
        T valid = b.add("avg_valid", new Layer.AvgPool(2, 2, 1, 1, Padding.VALID), max);
        valid = b.zeroPad("valid_pad", valid, 0, 1, 0, 1);
        // squeeze-and-excite: (1, 1, c) and (c) scales broadcast over the map
        T squeeze = b.globalAvgPool("squeeze", avg, true);
        T excite = b.dense("excite", squeeze, 8, true);
        excite = b.activation("hsig", excite, ActivationKind.HARD_SIGMOID);
        T vector = b.globalAvgPool("gap", avg, false);
        vector = b.activation("sigmoid", vector, ActivationKind.SIGMOID);
        T se = b.multiply("se", avg, excite, vector);
        T sum = b.addition("sum", se, b.scale("scaled", max, 0.2), valid);
        sum = b.relu("relu", sum);
        T cat = b.concat("cat", sum, b.relu6("relu6", max));
        cat = b.activation("tanh", cat, ActivationKind.TANH);
        cat = b.activation("linear", cat, ActivationKind.LINEAR);
        T flat = b.flatten("flat", cat);
        flat = b.dropout("drop", flat, 0.3);
        T reshaped = b.reshape("reshape", flat, Shape.of(3, 3, 16));
        T dense = b.dense("dense_map", reshaped, 4, false);
        T out = b.flatten("flat2", dense);
        out = b.dense("embedding", out, 6, true);
        out = b.batchNorm("bn_vec", out, 1e-3, 0.9);
        out = b.l2Normalize("l2", out);
        return b.build("every_layer", out);
    }

    @Test
    void everyLayerTypeLowersWithTheModelGraphShapes() {
        ModelGraph graph = everyLayerGraph();
        Set<Class<?>> covered = new HashSet<>();
        graph.nodes().forEach(n -> covered.add(n.layer().getClass()));
        for (Class<?> type : Layer.class.getPermittedSubclasses()) {
            if (type.isRecord()) {
                assertTrue(covered.contains(type), "the test graph lacks " + type.getSimpleName());
            }
        }
        Map<String, Shape> shapes = graph.shapes();
        List<Node> prefix = new ArrayList<>();
        for (Node node : graph.nodes()) {
            prefix.add(node);
            ModelGraph upTo = new ModelGraph("upto_" + node.name(), prefix, node.name());
            for (GraphLowering.Mode mode : GraphLowering.Mode.values()) {
                try (Graph g = new Graph()) {
                    Ops tf = Ops.create(g);
                    Placeholder<TFloat32> input = tf.placeholder(TFloat32.class,
                            Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1, 9, 9, 3)));
                    GraphLowering.Lowered lowered = GraphLowering.lower(tf, upTo, input, constantWeights(tf, upTo),
                            mode, tf.constant(new long[]{1, 2}));
                    long[] dims = lowered.output().shape().asArray();
                    long[] expected = shapes.get(node.name()).dims().stream().mapToLong(Integer::longValue).toArray();
                    assertArrayEquals(expected, Arrays.copyOfRange(dims, 1, dims.length),
                            node.name() + " in " + mode);
                }
            }
        }
    }

    /** One SGD step moves every trainable weight and the BN moving statistics; inference differs from training. */
    @Test
    void aTrainingStepReachesEveryWeight() {
        ModelGraph graph = everyLayerGraph();
        HeadConfig head = HeadConfig.defaults(HeadType.ARCFACE, 3);
        try (TfFaceModel model = TfFaceModel.training(graph, head, 5e-4, OptimizerSettings.sgd(0.9, true), 2)) {
            model.initialize(3);
            Map<String, FloatTensor> before = model.exportTensors();
            float[] batch = randomImages(new Random(5), 6, model.imageLength());
            int[] labels = {0, 1, 2, 0, 1, 2};
            float[][] inferenceBefore = model.embed(batch, 6);
            TfFaceModel.StepResult step = model.trainStep(batch, labels, 0.5, 0, 11);
            assertTrue(Double.isFinite(step.loss()) && step.loss() > step.crossEntropy(),
                    "loss " + step.loss() + " includes weight decay on top of " + step.crossEntropy());
            Map<String, FloatTensor> after = model.exportTensors();
            for (WeightSpec w : graph.weights()) {
                assertFalse(Arrays.equals(before.get(w.qualifiedName()).data(), after.get(w.qualifiedName()).data()),
                        w.qualifiedName() + " did not change");
            }
            assertNotEquals(before.get("head/kernel"), after.get("head/kernel"));
            assertNotEquals(before.get("optimizer/conv/kernel/momentum"), after.get("optimizer/conv/kernel/momentum"));
            // inference is deterministic and uses the (now updated) moving statistics
            float[][] inferenceAfter = model.embed(batch, 6);
            assertArrayEquals(inferenceAfter[0], model.embed(batch, 6)[0], 0f);
            assertFalse(Arrays.equals(inferenceBefore[0], inferenceAfter[0]));
        }
    }

    /**
     * With BN momentum 0 the moving statistics become the last batch's, so after one step (learning rate 0) the
     * inference pass over that batch must give the training pass's loss: up to the n / (n - 1) variance correction
     * that the moving variance gets and the batch normalisation does not.
     */
    @Test
    void inferenceUsesTheMovingStatisticsTrainingLeaves() {
        GraphBuilder b = new GraphBuilder();
        T x = b.input("in", 8, 8, 3);
        x = b.conv("conv", x, 6, 3, 2, Padding.SAME, false);
        x = b.batchNorm("bn", x, 1e-3, 0);
        x = b.relu6("relu", x);
        x = b.depthwise("dw", x, 3, 1, Padding.SAME, false);
        x = b.batchNorm("bn_dw", x, 1e-3, 0);
        x = b.prelu("prelu", x);
        x = b.globalAvgPool("gap", x, false);
        x = b.dense("dense", x, 8, true);
        x = b.batchNorm("bn_out", x, 1e-3, 0);
        ModelGraph graph = b.build("consistency", x);
        HeadConfig head = HeadConfig.defaults(HeadType.COSFACE, 4);
        int count = 64;
        float[] batch = randomImages(new Random(13), count, 8 * 8 * 3);
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 4;
        }
        try (TfFaceModel model = TfFaceModel.training(graph, head, 0, OptimizerSettings.sgd(0.9, true), 1)) {
            model.initialize(5);
            double before = model.evaluate(batch, labels).crossEntropySum() / count;
            TfFaceModel.StepResult step = model.trainStep(batch, labels, 0, 0, 1);
            double after = model.evaluate(batch, labels).crossEntropySum() / count;
            assertEquals(step.crossEntropy(), after, 0.02 * step.crossEntropy(),
                    "inference with the batch's statistics " + after + ", training " + step.crossEntropy()
                            + " (with the initial statistics: " + before + ")");
            assertTrue(Math.abs(before - step.crossEntropy()) > 0.1, "the initial statistics differ: " + before);
        }
    }

    /**
     * The gradients Graph.addGradients builds, read off one plain SGD step (w' = w - lr * g), against central
     * finite differences of the training-mode loss (batch statistics, softmax cross-entropy with weight decay).
     */
    @Test
    void gradientsMatchFiniteDifferences() {
        GraphBuilder b = new GraphBuilder();
        T x = b.input("in", 6, 6, 2);
        x = b.conv("conv", x, 4, 3, 2, Padding.SAME, false);
        x = b.batchNorm("bn", x, 1e-3, 0.99);
        x = b.prelu("prelu", x);
        x = b.depthwise("dw", x, 3, 1, Padding.SAME, true);
        x = b.globalAvgPool("gap", x, false);
        x = b.dense("dense", x, 5, true);
        x = b.batchNorm("bn2", x, 1e-3, 0.99);
        ModelGraph graph = b.build("grad", x);
        HeadConfig head = new HeadConfig(HeadType.ARCFACE, 3, 0.3, 4, 0);
        OptimizerSettings plainSgd = OptimizerSettings.sgd(0, false);
        float[] batch = randomImages(new Random(9), 5, 6 * 6 * 2);
        int[] labels = {0, 1, 2, 1, 0};
        double rate = 0.01;
        try (TfFaceModel model = TfFaceModel.training(graph, head, 0.01, plainSgd, 1)) {
            model.initialize(21);
            Map<String, FloatTensor> start = model.exportTensors();
            // slopes away from 0 so PReLU's negative side is exercised too
            start.put("prelu/alpha", tensor(Shape.of(1, 1, 4), 0.1f, -0.2f, 0.3f, 0.05f));
            model.importTensors(start);
            model.trainStep(batch, labels, rate, 0, 1);
            Map<String, FloatTensor> stepped = model.exportTensors();
            String[][] probes = {{"conv/kernel", "5"}, {"conv/kernel", "40"}, {"bn/gamma", "2"}, {"bn/beta", "1"},
                    {"prelu/alpha", "1"}, {"dw/depthwise_kernel", "7"}, {"dw/bias", "3"}, {"dense/kernel", "9"},
                    {"dense/bias", "4"}, {"bn2/gamma", "0"}, {"head/kernel", "11"}};
            for (String[] probe : probes) {
                String name = probe[0];
                int index = Integer.parseInt(probe[1]);
                double analytic = (start.get(name).data()[index] - stepped.get(name).data()[index]) / rate;
                double numeric = numericGradient(model, start, name, index, batch, labels);
                assertEquals(numeric, analytic, 0.02 * Math.abs(numeric) + 2e-3,
                        name + "[" + index + "]: finite difference " + numeric + ", addGradients " + analytic);
            }
        }
    }

    private static double numericGradient(TfFaceModel model, Map<String, FloatTensor> start, String name, int index,
                                          float[] batch, int[] labels) {
        double eps = 5e-3;
        double[] losses = new double[2];
        for (int side = 0; side < 2; side++) {
            Map<String, FloatTensor> shifted = new LinkedHashMap<>(start);
            float[] data = start.get(name).data().clone();
            data[index] += (float) (side == 0 ? eps : -eps);
            shifted.put(name, new FloatTensor(start.get(name).shape(), data));
            model.importTensors(shifted);
            // learning rate 0: the step only measures the loss
            losses[side] = model.trainStep(batch, labels, 0, 0, 1).loss();
        }
        return (losses[0] - losses[1]) / (2 * eps);
    }

    private static GraphLowering.Weights constantWeights(Ops tf, ModelGraph graph) {
        Map<String, Shape> byName = new LinkedHashMap<>();
        graph.weights().forEach(w -> byName.put(w.qualifiedName(), w.shape()));
        return new GraphLowering.Weights() {
            public Operand<TFloat32> read(String name) {
                Shape s = byName.get(name);
                return tf.fill(tf.constant(s.toArray()), tf.constant(0.5f));
            }

            public Op assign(String name, Operand<TFloat32> value) {
                return tf.identity(value);
            }
        };
    }

    static float[] randomImages(Random random, int count, int length) {
        float[] out = new float[count * length];
        for (int i = 0; i < out.length; i++) {
            out[i] = random.nextFloat() * 2 - 1;
        }
        return out;
    }

    private static FloatTensor tensor(Shape shape, float... values) {
        return new FloatTensor(shape, values);
    }
}
