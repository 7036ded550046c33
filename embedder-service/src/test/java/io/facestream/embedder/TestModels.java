package io.facestream.embedder;

import io.facestream.events.domain.ModelArtifactEvent;
import io.facestream.events.domain.Sha256;
import io.facestream.model.FaceModelSpec;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.head.HeadConfig;
import io.facestream.model.head.HeadType;
import io.facestream.model.image.Preprocessing;
import io.facestream.tflite.SyntheticFaces;
import io.facestream.tflite.SyntheticWeights;
import io.facestream.tflite.lower.ConversionOptions;
import io.facestream.tflite.lower.TfliteConverter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Small real TFLite face models (random but deterministic weights) and their artifact events, for tests. */
final class TestModels {

    static final int INPUT = 64;
    static final int EMBEDDING = 32;

    private TestModels() {
    }

    record Built(byte[] bytes, ModelArtifactEvent event) {
    }

    /** A MobileNetV2 (alpha 0.35) face model at 64x64 with a 32-d embedding, written under dir and announced. */
    static Built build(String version, long seed, boolean int8, Path dir) throws IOException {
        FaceModelSpec spec = new FaceModelSpec("MobileNetV2", 0.35, INPUT, EMBEDDING, 0.5, 5e-4,
                HeadConfig.defaults(HeadType.ARCFACE, 10), Preprocessing.minusOneToOne(INPUT));
        ModelGraph graph = spec.embeddingGraph();
        List<float[]> calibration = SyntheticFaces.create(8, INPUT, seed);
        Map<String, float[]> weights = SyntheticWeights.create(graph, seed, calibration);
        byte[] bytes = TfliteConverter.convert(graph, weights,
                int8 ? ConversionOptions.int8(calibration) : ConversionOptions.float32());
        Files.createDirectories(dir);
        Path file = dir.resolve(version.replace(':', '_') + ".tflite");
        Files.write(file, bytes);
        ModelArtifactEvent event = new ModelArtifactEvent("test-face", version, "MobileNetV2", "ARCFACE",
                int8 ? "int8" : "float32", List.of(INPUT, INPUT, 3), spec.preprocessing(), EMBEDDING, bytes.length,
                Sha256.of(bytes), Map.of(), file.toUri().toString(), System.currentTimeMillis());
        return new Built(bytes, event);
    }
}
