package io.facestream.converter;

import io.facestream.model.FaceModelSpec;
import io.facestream.model.checkpoint.Checkpoint;
import io.facestream.model.checkpoint.CheckpointWriter;
import io.facestream.model.checkpoint.FloatTensor;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.graph.WeightSpec;
import io.facestream.model.head.HeadConfig;
import io.facestream.model.head.HeadType;
import io.facestream.tflite.SyntheticFaces;
import io.facestream.tflite.SyntheticWeights;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Small real checkpoints for tests: MobileNetV2 (alpha 0.35) at 64x64 with a 32-d embedding and an ArcFace head,
 * deterministic synthetic weights (face-tflite's SyntheticWeights), written by the real CheckpointWriter.
 */
public final class TestCheckpoints {

    public static final int INPUT = 64;
    public static final int EMBEDDING = 32;

    private TestCheckpoints() {
    }

    public static FaceModelSpec spec() {
        return new FaceModelSpec("MobileNetV2", 0.35, INPUT, EMBEDDING, 0.5, 5e-4,
                HeadConfig.defaults(HeadType.ARCFACE, 10), null);
    }

    public static Checkpoint checkpoint(long seed) {
        return checkpoint(spec(), seed, SyntheticFaces.create(8, INPUT, seed));
    }

    /**
     * A checkpoint of any spec with synthetic weights; the batch-norm statistics come from initInputs
     * (preprocessed images of the spec's input size).
     */
    public static Checkpoint checkpoint(FaceModelSpec spec, long seed, List<float[]> initInputs) {
        ModelGraph graph = spec.embeddingGraph();
        Map<String, float[]> weights = SyntheticWeights.create(graph, seed, initInputs);
        Map<String, FloatTensor> tensors = new HashMap<>();
        for (WeightSpec w : graph.weights()) {
            tensors.put(w.qualifiedName(), new FloatTensor(w.shape(), weights.get(w.qualifiedName())));
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (WeightSpec w : spec.head().weights(spec.embeddingSize())) {
            float[] v = new float[Math.toIntExact(w.shape().elementCount())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (random.nextDouble() - 0.5);
            }
            tensors.put(w.qualifiedName(), new FloatTensor(w.shape(), v));
        }
        return Checkpoint.of(spec, tensors, 100 * seed, 1, Instant.ofEpochMilli(1_700_000_000_000L + seed),
                Map.of(), Map.of("loss", 1.0));
    }

    public static byte[] bytes(Checkpoint checkpoint) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CheckpointWriter.write(checkpoint, out);
        return out.toByteArray();
    }
}
