package io.facestream.tflite;

import io.facestream.model.FaceModelSpec;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.head.HeadConfig;
import io.facestream.model.head.HeadType;
import io.facestream.model.zoo.BackboneZoo;
import io.facestream.tflite.lower.GraphLowering;
import io.facestream.tflite.lower.LoweredModel;
import io.facestream.tflite.lower.TfliteConverter;
import io.facestream.tflite.quant.ActivationRanges;
import io.facestream.tflite.quant.Int8Options;
import io.facestream.tflite.runtime.TfliteEmbedder;
import io.facestream.tflite.runtime.TfliteOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every backbone of the zoo through FaceModelSpec's embedding graph (32-d embedding) to float32 and int8 .tflite
 * files, both run in the TFLite runtime (XNNPACK, 2 threads) on six synthetic face-like images:
 * <ul>
 *   <li>float32 against the plain-Java {@link ReferenceExecutor} on the same graph and weights: cosine at least
 *       0.9999 for every image (measured: 1.000000 to six decimals everywhere), so a lowering error cannot
 *       pass;</li>
 *   <li>int8 against float32: mean cosine at least {@value #INT8_MEAN_BOUND}, minimum at least
 *       {@value #INT8_MIN_BOUND}, and int8 at most half as far from float32 as two different images are from
 *       each other (1 - mean cosine);</li>
 *   <li>every int8 operator against its float operator on the same int8 inputs ({@link Int8OpCheck}, on a
 *       calibration image): RMS at most {@value #OP_RMS_STEPS} and maximum at most {@value #OP_MAX_STEPS}
 *       quantization steps.</li>
 * </ul>
 * The int8 bounds are loose on purpose: these networks have random weights (see {@link SyntheticWeights}), and a
 * random deep network carries much less of its input's variation to its last layer than a trained one, so int8
 * rounding weighs more against what remains. Measured with these seeds: mean 0.964 (NASNetMobile) to 0.9996
 * (Xception), minimum 0.897 (EfficientNetB7) to 0.9990; other seeds gave minima down to 0.73 for the deepest
 * nets. A trained network does much better (a small trained one: 0.9977 and up). The operator check is the sharp
 * test of the int8 lowering (worst operator measured: 0.78 steps RMS, 4.9 steps at one output of a depthwise
 * convolution whose small weights round coarsely next to a large one); the cosine is the end-to-end one.
 *
 * <p>Width: alpha 0.25 where the family has a multiplier, else 1. Input: the smallest of 40, 48, 64, 75, 96 the
 * net accepts (40 gives odd feature-map sides on the way down, so SAME padding's extra bottom/right pixel is
 * exercised). Results are printed as a table at the end.
 */
class AllBackbonesConversionTest {

    static final double INT8_MEAN_BOUND = 0.93;
    static final double INT8_MIN_BOUND = 0.85;
    static final double OP_RMS_STEPS = 1.5;
    static final double OP_MAX_STEPS = 6.0;
    private static final int EMBEDDING = 32;
    private static final int[] SIZES = {40, 48, 64, 75, 96};
    private static final Map<String, String> RESULTS = new ConcurrentSkipListMap<>();

    static Set<String> backbones() {
        return BackboneZoo.names();
    }

    /** The narrowest, smallest configuration of a backbone that the graph and the lowering accept. */
    static FaceModelSpec smallSpec(String backbone) {
        IllegalArgumentException last = null;
        for (double alpha : new double[] {0.25, 1.0}) {
            for (int size : SIZES) {
                try {
                    FaceModelSpec spec = new FaceModelSpec(backbone, alpha, size, EMBEDDING, 0.5, 5e-4,
                            HeadConfig.defaults(HeadType.ARCFACE, 10), null);
                    GraphLowering.requireLowerable(spec.embeddingGraph());
                    return spec;
                } catch (IllegalArgumentException e) {
                    last = e;
                }
            }
        }
        throw new IllegalStateException(backbone + " accepts none of the test configurations", last);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backbones")
    void convertsToFloat32AndInt8(String backbone) {
        FaceModelSpec spec = smallSpec(backbone);
        int size = spec.inputSize();
        ModelGraph graph = spec.embeddingGraph();
        Map<String, float[]> weights = SyntheticWeights.create(graph, backbone.hashCode(),
                SyntheticFaces.create(8, size, 1));
        List<float[]> calibration = SyntheticFaces.create(16, size, 3);
        List<float[]> images = SyntheticFaces.create(6, size, 2);

        LoweredModel lowered = TfliteConverter.lower(graph, weights);
        byte[] float32 = lowered.float32();
        ActivationRanges ranges = lowered.calibrate(calibration, 2);
        byte[] int8 = lowered.int8(ranges, Int8Options.floatInput());
        List<float[]> reference = new ReferenceExecutor(graph, weights).run(images);

        float[][] f;
        float[][] q;
        float[] batch = SyntheticFaces.concat(images);
        try (TfliteEmbedder m = TfliteEmbedder.load(float32, TfliteOptions.threads(2))) {
            f = m.embed(batch, images.size());
        }
        try (TfliteEmbedder m = TfliteEmbedder.load(int8, TfliteOptions.threads(2))) {
            q = m.embed(batch, images.size());
        }

        double minReference = 1;
        double meanInt8 = 0;
        double minInt8 = 1;
        for (int i = 0; i < images.size(); i++) {
            assertEquals(1.0, Vectors.norm(f[i]), 1e-4, "float32 output is L2-normalised");
            assertEquals(1.0, Vectors.norm(q[i]), 1e-4, "int8 output is L2-normalised");
            minReference = Math.min(minReference, Vectors.cosine(f[i], reference.get(i)));
            double c = Vectors.cosine(f[i], q[i]);
            meanInt8 += c / images.size();
            minInt8 = Math.min(minInt8, c);
        }
        double crossImage = 0;
        int pairs = 0;
        for (int i = 0; i < images.size(); i++) {
            for (int j = i + 1; j < images.size(); j++) {
                crossImage += Vectors.cosine(f[i], f[j]);
                pairs++;
            }
        }
        crossImage /= pairs;
        double worstRms = 0;
        double worstMax = 0;
        for (Int8OpCheck.OpError e : Int8OpCheck.check(lowered.floatProgram(), int8, calibration.get(0))) {
            worstRms = Math.max(worstRms, e.rmsSteps());
            worstMax = Math.max(worstMax, e.maxSteps());
            assertTrue(e.rmsSteps() <= OP_RMS_STEPS && e.maxSteps() <= OP_MAX_STEPS, backbone + ": " + e);
        }
        RESULTS.put(backbone, String.format("%-20s alpha %.2f input %3d | float32 vs reference min %.6f | int8 vs "
                        + "float32 mean %.4f min %.4f | images mean %.3f | ops rms %.2f max %.1f steps | %,d / %,d B",
                backbone, spec.alpha(), size, minReference, meanInt8, minInt8, crossImage, worstRms, worstMax,
                float32.length, int8.length));

        assertTrue(minReference >= 0.9999, backbone + ": float32 TFLite vs reference cosine " + minReference);
        assertTrue(meanInt8 >= INT8_MEAN_BOUND, backbone + ": int8 mean cosine " + meanInt8);
        assertTrue(minInt8 >= INT8_MIN_BOUND, backbone + ": int8 min cosine " + minInt8);
        assertTrue(1 - meanInt8 <= 0.5 * (1 - crossImage), backbone + ": int8 is " + (1 - meanInt8)
                + " from float32, different images only " + (1 - crossImage) + " from each other");
    }

    @AfterAll
    static void printResults() {
        System.out.println("backbone conversions (" + RESULTS.size() + "):");
        RESULTS.values().forEach(System.out::println);
    }
}
