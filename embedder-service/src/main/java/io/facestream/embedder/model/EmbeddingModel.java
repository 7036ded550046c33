package io.facestream.embedder.model;

/**
 * One loaded copy of a face-embedding model, used by one worker thread at a time (TFLite interpreters are not
 * thread-safe).
 */
public interface EmbeddingModel extends AutoCloseable {

    /** Embeds {@code count} preprocessed images laid out one after another (each H*W*3 floats, HWC). */
    float[][] embed(float[] inputs, int count);

    /** Releases native memory. */
    @Override
    void close();
}
