package io.facestream.embedder.health;

import io.facestream.embedder.config.EmbedderConfig;
import io.facestream.embedder.model.ModelManager;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Before any model is READY the embedder is not ready: frames wait in Kafka. */
class ModelReadinessCheckTest {

    @Test
    void down_while_no_model_is_ready() {
        ModelReadinessCheck check = new ModelReadinessCheck();
        check.models = new ModelManager(config(), (bytes, artifact, threads) -> {
            throw new IllegalStateException("not loaded in this test");
        }, new SimpleMeterRegistry(), Optional.empty());
        HealthCheckResponse response = check.call();
        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertTrue(response.getData().orElseThrow().get("reason").toString().contains("no model"));
    }

    static EmbedderConfig config() {
        return new EmbedderConfig() {
            public int workers() { return 1; }
            public int interpreterThreads() { return 1; }
            public int maxBatch() { return 8; }
            public int maxBatchWaitMs() { return 20; }
            public Optional<String> instanceId() { return Optional.empty(); }
            public Optional<String> modelName() { return Optional.empty(); }
            public Path modelCacheDir() { return Path.of("target", "unused"); }
            public long maxModelBytes() { return 1 << 20; }
            public boolean allowFileUrls() { return false; }
            public long galleryBuildTimeoutMs() { return 1000; }
            public Detector detector() {
                return new Detector() {
                    public boolean enabled() { return false; }
                    public float minScore() { return 0.5f; }
                };
            }
            public int maxImageBytes() { return 1 << 20; }
            public long maxImagePixels() { return 1 << 20; }
        };
    }
}
