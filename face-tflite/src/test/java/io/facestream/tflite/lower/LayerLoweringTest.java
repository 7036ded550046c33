package io.facestream.tflite.lower;

import io.facestream.model.graph.Layer;
import io.facestream.model.graph.ModelGraph;
import io.facestream.tflite.EveryLayerGraph;
import io.facestream.tflite.Int8OpCheck;
import io.facestream.tflite.ReferenceExecutor;
import io.facestream.tflite.SyntheticFaces;
import io.facestream.tflite.SyntheticWeights;
import io.facestream.tflite.Vectors;
import io.facestream.tflite.inspect.ModelInspector;
import io.facestream.tflite.inspect.ModelReport;
import io.facestream.tflite.quant.ActivationRanges;
import io.facestream.tflite.quant.Int8Options;
import io.facestream.tflite.runtime.TfliteEmbedder;
import io.facestream.tflite.runtime.TfliteOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EveryLayerGraph} (every layer type, every fusion path, odd sizes) converted and run in TFLite against the
 * plain-Java reference executor, with the operators the fusions should leave, and in every precision.
 */
class LayerLoweringTest {

    private static final int SIZE = EveryLayerGraph.SIZE;
    private static ModelGraph graph;
    private static Map<String, float[]> weights;
    private static LoweredModel lowered;
    private static List<float[]> inputs;
    private static List<float[]> reference;

    @BeforeAll
    static void build() {
        graph = EveryLayerGraph.build();
        weights = SyntheticWeights.create(graph, 7, SyntheticFaces.create(8, SIZE, 1));
        lowered = TfliteConverter.lower(graph, weights);
        inputs = SyntheticFaces.create(4, SIZE, 2);
        reference = new ReferenceExecutor(graph, weights).run(inputs);
    }

    @Test
    void everyLayerTypeIsInTheTestGraph() {
        Set<Class<?>> used = graph.nodes().stream().map(n -> n.layer().getClass()).collect(Collectors.toSet());
        Set<Class<?>> all = new HashSet<>(List.of(Layer.class.getPermittedSubclasses()));
        all.removeAll(used);
        assertTrue(all.isEmpty(), "layer types missing from the test graph: " + all);
    }

    @Test
    void float32MatchesTheReferenceExecutor() {
        try (TfliteEmbedder m = TfliteEmbedder.load(lowered.float32(), TfliteOptions.DEFAULT)) {
            float[][] out = m.embed(SyntheticFaces.concat(inputs), inputs.size());
            for (int i = 0; i < inputs.size(); i++) {
                assertEquals(1.0, Vectors.norm(out[i]), 1e-5);
                double diff = Vectors.maxAbsDiff(out[i], reference.get(i));
                assertTrue(diff < 2e-5, "image " + i + ": max difference " + diff);
            }
            // different images give clearly different embeddings: the comparison above is not trivially met
            double cross = 0;
            for (int i = 1; i < inputs.size(); i++) {
                cross += Vectors.cosine(out[0], out[i]) / (inputs.size() - 1);
            }
            assertTrue(cross < 0.9, "mean cosine between different images " + cross);
        }
    }

    @Test
    void fusionLeavesTheExpectedOperators() {
        ModelReport report = ModelInspector.inspect(lowered.float32(), "every_layer");
        Map<String, Long> ops = report.operators().stream()
                .collect(Collectors.groupingBy(ModelReport.Operator::opcode, Collectors.counting()));
        // conv, sep's pointwise, expand, se_reduce, se_expand; gate_dense, dense_map, embedding;
        // dw, sep's depthwise, and the unfoldable sum_bn and pre_dense_bn as 1x1 depthwise
        assertEquals(5L, ops.get("CONV_2D"));
        assertEquals(3L, ops.get("FULLY_CONNECTED"));
        assertEquals(4L, ops.get("DEPTHWISE_CONV_2D"));
        // se_hard_sigmoid's +3 (ReLU6 fused), sum's two, gate_bn's offset
        assertEquals(4L, ops.get("ADD"));
        // sep_swish, se_hard_sigmoid's /6, se_mul, gate_bn's scale, gate_mul, scaled
        assertEquals(6L, ops.get("MUL"));
        assertEquals(2L, ops.get("LOGISTIC"));
        assertEquals(1L, ops.get("L2_NORMALIZATION"));
        for (String op : List.of("PAD", "STRIDED_SLICE", "PRELU", "HARD_SWISH", "MEAN", "TANH", "MAX_POOL_2D",
                "CONCATENATION", "RESHAPE")) {
            assertTrue(ops.containsKey(op), op + " missing: " + ops);
        }
        assertEquals(2L, ops.get("AVERAGE_POOL_2D"));
        assertEquals(3L, ops.get("RESHAPE")); // reshape, flatten, gate_mul's vector to [-1, 1, 1, c]
        assertEquals(2L, ops.get("MEAN"));
        assertFalse(ops.containsKey("RELU") || ops.containsKey("RELU6"), "ReLUs are all fused: " + ops);
        Set<String> tensors = report.tensors().stream().map(ModelReport.TensorEntry::name)
                .collect(Collectors.toSet());
        // a fused chain's tensor is named after its last node: conv_relu6, dense_map_relu, embedding_bn
        for (String gone : List.of("conv", "conv_bn", "dropout", "linear", "dense_map", "dense_map_bn",
                "embedding")) {
            assertFalse(tensors.contains(gone), gone + " should have been folded or removed");
        }
    }

    @Test
    void allPrecisionsRunAndAgreeWithFloat32() {
        List<float[]> calibration = SyntheticFaces.create(16, SIZE, 3);
        ActivationRanges ranges = lowered.calibrate(calibration, 1);
        byte[] int8 = lowered.int8(ranges, Int8Options.floatInput());
        float[] batch = SyntheticFaces.concat(inputs);
        float[][] f32;
        try (TfliteEmbedder m = TfliteEmbedder.load(lowered.float32(), TfliteOptions.DEFAULT)) {
            f32 = m.embed(batch, inputs.size());
        }
        double[] minCosine = {
                minCosine(f32, lowered.float16(), batch),
                minCosine(f32, lowered.dynamicRange(), batch),
                minCosine(f32, int8, batch)};
        assertTrue(minCosine[0] > 0.9999, "float16 " + minCosine[0]);
        assertTrue(minCosine[1] > 0.99, "dynamic range " + minCosine[1]);
        // a graph built to reach every layer, not to quantize well (a batch-norm offset cancels a sigmoid's
        // output, gates multiply small values): measured 0.96
        assertTrue(minCosine[2] > 0.9, "int8 " + minCosine[2]);
        for (Int8OpCheck.OpError e : Int8OpCheck.check(lowered.floatProgram(), int8, calibration.get(0))) {
            // worst: gate_bn's ADD of a batch-norm offset on a vector, an int8 operand with one scale for all
            // channels (measured 2.6 steps RMS); every other operator stays under 1.5
            assertTrue(e.rmsSteps() <= 3.5 && e.maxSteps() <= 6, e.toString());
        }
        ModelReport report = ModelInspector.inspect(int8, "int8");
        assertEquals("QUANTIZE", report.operators().get(0).opcode());
        List<ModelReport.Operator> ops = report.operators();
        assertEquals("DEQUANTIZE", ops.get(ops.size() - 2).opcode());
        assertEquals("L2_NORMALIZATION", ops.get(ops.size() - 1).opcode());
    }

    private static double minCosine(float[][] expected, byte[] model, float[] batch) {
        try (TfliteEmbedder m = TfliteEmbedder.load(model, TfliteOptions.DEFAULT)) {
            float[][] out = m.embed(batch, expected.length);
            double min = 1;
            for (int i = 0; i < out.length; i++) {
                min = Math.min(min, Vectors.cosine(expected[i], out[i]));
            }
            return min;
        }
    }
}
