package io.facestream.embedder.model;

import io.facestream.events.domain.ModelArtifactEvent;

/** Turns verified model bytes into a loaded model; throws IllegalArgumentException when they cannot serve. */
public interface ModelRuntime {

    EmbeddingModel load(byte[] modelBytes, ModelArtifactEvent artifact, int threads);
}
