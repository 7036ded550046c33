package io.facestream.tflite;

import io.facestream.model.FaceModelSpec;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.head.HeadConfig;
import io.facestream.model.head.HeadType;
import io.facestream.tflite.lower.LoweredModel;
import io.facestream.tflite.lower.TfliteConverter;
import io.facestream.tflite.quant.Int8Options;
import io.facestream.tflite.runtime.TfliteEmbedder;
import io.facestream.tflite.runtime.TfliteOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Full-size face models as served (112x112, alpha 1, 512-d embedding) in all four precisions: file sizes, and
 * agreement with float32 on synthetic faces. Sizes and cosines are printed. The dense layer dominates
 * MobileNetV2's file: its 4x4x1280 feature map flattens to 20,480 inputs, 10.5 M of the model's 12.7 M weights.
 */
class ArtifactSizeTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"MobileFaceNet", "MobileNetV2"})
    void sizesAndAgreement(String backbone) {
        FaceModelSpec spec = new FaceModelSpec(backbone, 1.0, 112, 512, 0.5, 5e-4,
                HeadConfig.defaults(HeadType.ARCFACE, 10), null);
        ModelGraph graph = spec.embeddingGraph();
        LoweredModel lowered = TfliteConverter.lower(graph,
                SyntheticWeights.create(graph, 17, SyntheticFaces.create(8, 112, 1)));
        byte[] float32 = lowered.float32();
        byte[] float16 = lowered.float16();
        byte[] dynamic = lowered.dynamicRange();
        byte[] int8 = lowered.int8(lowered.calibrate(SyntheticFaces.create(16, 112, 3), 2),
                Int8Options.floatInput());
        List<float[]> images = SyntheticFaces.create(4, 112, 2);
        float[] batch = SyntheticFaces.concat(images);
        float[][] reference = embed(float32, batch, images.size());
        double[] f16 = cosines(reference, embed(float16, batch, images.size()));
        double[] dr = cosines(reference, embed(dynamic, batch, images.size()));
        double[] i8 = cosines(reference, embed(int8, batch, images.size()));
        System.out.printf("%s 112x112 alpha 1 512-d, %,d parameters: float32 %,d B, float16 %,d B, dynamic range "
                        + "%,d B, int8 %,d B; cosine to float32 (mean/min): float16 %.6f/%.6f, dynamic range "
                        + "%.4f/%.4f, int8 %.4f/%.4f%n", backbone, graph.parameterCount(), float32.length,
                float16.length, dynamic.length, int8.length, f16[0], f16[1], dr[0], dr[1], i8[0], i8[1]);

        long weightBytes = 4 * graph.parameterCount();
        assertTrue(float32.length > weightBytes * 0.95 && float32.length < weightBytes * 1.05,
                "float32 is about 4 bytes a weight (batch norms fold away)");
        assertTrue(float16.length < 0.52 * float32.length, "float16 " + float16.length);
        // biases and PReLU slopes stay float in dynamic range
        assertTrue(dynamic.length < 0.32 * float32.length, "dynamic range " + dynamic.length);
        // int8 also carries int32 biases and, per output channel, a float scale and an int64 zero point for the
        // weights and again for the bias: 0.32 of float32 for MobileFaceNet's many narrow layers, 0.26 for MobileNetV2
        assertTrue(int8.length < 0.33 * float32.length, "int8 " + int8.length);
        assertTrue(f16[1] > 0.9999, "float16");
        assertTrue(dr[0] > 0.97 && dr[1] > 0.9, "dynamic range"); // measured: MobileFaceNet 0.984 / 0.948
        // random weights (see AllBackbonesConversionTest): measured mean 0.90 for MobileFaceNet, whose 50 layers at
        // 112x112 carry little of the input's variation; 0.99 for MobileNetV2
        assertTrue(i8[0] > 0.85, "int8");
    }

    private static float[][] embed(byte[] model, float[] batch, int count) {
        try (TfliteEmbedder m = TfliteEmbedder.load(model, TfliteOptions.threads(2))) {
            float[][] out = m.embed(batch, count);
            for (float[] e : out) {
                assertEquals(512, e.length);
                assertEquals(1.0, Vectors.norm(e), 1e-4);
            }
            return out;
        }
    }

    /** {mean, min} cosine between corresponding rows. */
    private static double[] cosines(float[][] a, float[][] b) {
        double mean = 0;
        double min = 1;
        for (int i = 0; i < a.length; i++) {
            double c = Vectors.cosine(a[i], b[i]);
            mean += c / a.length;
            min = Math.min(min, c);
        }
        return new double[] {mean, min};
    }
}
