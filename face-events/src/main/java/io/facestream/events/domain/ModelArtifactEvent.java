package io.facestream.events.domain;

import io.facestream.model.image.Preprocessing;

import java.util.List;
import java.util.Map;

/**
 * A published TFLite model, on the compacted models.artifacts topic (key: modelName; the latest record per name is
 * the active version, a tombstone retires the name). Consumers download from downloadUrl and refuse bytes whose
 * SHA-256 differs.
 *
 * @param quantization int8, float32, float16 or dynamic-range
 * @param inputShape   [height, width, channels]
 * @param validation   figures measured before publishing (e.g. mean/min cosine vs float32, verification accuracy)
 */
public record ModelArtifactEvent(String modelName, String version, String backbone, String head, String quantization,
                                 List<Integer> inputShape, Preprocessing preprocessing, int embeddingSize,
                                 long sizeBytes, String sha256, Map<String, Double> validation, String downloadUrl,
                                 long createdAtMs) {

    public ModelArtifactEvent {
        Require.text(modelName, "modelName");
        Require.text(version, "version");
        Require.text(quantization, "quantization");
        Require.present(preprocessing, "preprocessing");
        Require.present(inputShape, "inputShape");
        if (inputShape.size() != 3) {
            throw new IllegalArgumentException("inputShape must be [height, width, channels], got " + inputShape);
        }
        if (embeddingSize <= 0) {
            throw new IllegalArgumentException("embeddingSize must be positive, got " + embeddingSize);
        }
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("sizeBytes must be positive, got " + sizeBytes);
        }
        Sha256.require(sha256);
        Require.text(downloadUrl, "downloadUrl");
        inputShape = List.copyOf(inputShape);
        validation = validation == null ? Map.of() : Map.copyOf(validation);
    }
}
