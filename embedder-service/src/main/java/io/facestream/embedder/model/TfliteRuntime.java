package io.facestream.embedder.model;

import io.facestream.events.domain.ModelArtifactEvent;
import io.facestream.tflite.runtime.TfliteEmbedder;
import io.facestream.tflite.runtime.TfliteOptions;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * Models served with TensorFlow Lite 2.21 (XNNPACK). The file must agree with its artifact event: the input shape
 * and the embedding size it announces.
 */
@ApplicationScoped
public class TfliteRuntime implements ModelRuntime {

    @Override
    public EmbeddingModel load(byte[] modelBytes, ModelArtifactEvent artifact, int threads) {
        TfliteEmbedder embedder = TfliteEmbedder.load(modelBytes, TfliteOptions.threads(threads));
        try {
            List<Integer> shape = List.of(embedder.inputHeight(), embedder.inputWidth(), embedder.inputChannels());
            if (!shape.equals(artifact.inputShape())) {
                throw new IllegalArgumentException("the model's input is " + shape + ", the artifact announces "
                        + artifact.inputShape());
            }
            if (embedder.embeddingSize() != artifact.embeddingSize()) {
                throw new IllegalArgumentException("the model's output has " + embedder.embeddingSize()
                        + " values, the artifact announces " + artifact.embeddingSize());
            }
            if (embedder.takesPixels()) {
                throw new IllegalArgumentException("models with a uint8 pixel input are not served: the embedder "
                        + "applies the artifact's preprocessing and feeds float input");
            }
        } catch (RuntimeException e) {
            embedder.close();
            throw e;
        }
        return new EmbeddingModel() {
            @Override
            public float[][] embed(float[] inputs, int count) {
                return embedder.embed(inputs, count);
            }

            @Override
            public void close() {
                embedder.close();
            }
        };
    }
}
