package io.facestream.embedder.model;

import io.facestream.events.domain.ModelArtifactEvent;
import io.facestream.model.image.ImagePreprocessor;

import java.util.List;

/**
 * A READY model: its artifact description, the preprocessing it names, and one loaded copy per worker. Workers read
 * the active model once per batch, so a batch is computed by one model and names it.
 */
public record ActiveModel(ModelArtifactEvent artifact, ImagePreprocessor preprocessor,
                          List<EmbeddingModel> perWorker) {

    public String version() {
        return artifact.version();
    }

    public EmbeddingModel forWorker(int worker) {
        return perWorker.get(worker);
    }

    /** Frees every copy; only when no worker uses it any more. */
    void close() {
        perWorker.forEach(EmbeddingModel::close);
    }
}
