package io.facestream.converter;

import io.facestream.model.graph.GraphBuilder;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.graph.Padding;
import io.facestream.tflite.SyntheticWeights;
import io.facestream.tflite.lower.ConversionOptions;
import io.facestream.tflite.lower.TfliteConverter;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Real .tflite files for upload tests: a good face model and well-formed models that are not usable ones. */
public final class TestModels {

    private TestModels() {
    }

    /** The float32 form of {@link TestCheckpoints#checkpoint}: a usable face-embedding model, 64x64 in, 32-d out. */
    public static byte[] goodModel(long seed) {
        return TfliteConverter.convert(TestCheckpoints.checkpoint(seed), ConversionOptions.float32());
    }

    /** A valid TFLite model whose input is one grey channel, [1, 32, 32, 1]: not a face image input. */
    public static byte[] greyInputModel() {
        GraphBuilder b = new GraphBuilder();
        GraphBuilder.T x = b.input("grey", 32, 32, 1);
        x = b.conv("conv", x, 8, 3, 2, Padding.SAME, true);
        x = b.relu("relu", x);
        x = b.globalAvgPool("pool", x, false);
        x = b.dense("embedding", x, 16, true);
        ModelGraph graph = b.build("grey_16", x);
        SplittableRandom random = new SplittableRandom(5);
        List<float[]> inputs = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            float[] image = new float[32 * 32];
            for (int i = 0; i < image.length; i++) {
                image[i] = (float) (2 * random.nextDouble() - 1);
            }
            inputs.add(image);
        }
        return TfliteConverter.convert(graph, SyntheticWeights.create(graph, 5, inputs), ConversionOptions.float32());
    }

    /** A copy with one bit flipped. */
    public static byte[] flipBit(byte[] model, int index, int bit) {
        byte[] copy = model.clone();
        copy[index] ^= (byte) (1 << bit);
        return copy;
    }
}
