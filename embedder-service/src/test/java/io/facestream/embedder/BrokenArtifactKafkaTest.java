package io.facestream.embedder;

import io.facestream.events.domain.ModelArtifactEvent;
import io.facestream.events.domain.Sha256;
import io.facestream.kafka.testing.KafkaTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A broken artifact is refused with its reason, and the model that serves keeps serving. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class BrokenArtifactKafkaTest {

    @Test
    void a_tampered_or_malformed_artifact_ends_failed_and_the_current_model_keeps_serving() throws Exception {
        EmbedderTestSupport.ensureAModelServes();
        String serving = given().when().get("/models/active").jsonPath().getString("version");
        String run = Long.toString(System.nanoTime(), 36);
        TestModels.Built good = TestModels.build("test-face:tamper-" + run, 21, false, EmbedderTestSupport.MODEL_DIR);

        // the bytes changed after publishing: the digest no longer matches
        byte[] tampered = good.bytes().clone();
        tampered[tampered.length / 2] ^= 0x01;
        Path tamperedFile = EmbedderTestSupport.MODEL_DIR.resolve("tampered-" + run + ".tflite");
        Files.write(tamperedFile, tampered);
        ModelArtifactEvent badDigest = withFile(good.event(), "test-face:tampered-" + run, tamperedFile,
                good.event().sha256(), tampered.length);
        // the digest matches, but the bytes are not a model
        byte[] garbage = "not a flatbuffer at all".repeat(40).getBytes();
        Path garbageFile = EmbedderTestSupport.MODEL_DIR.resolve("garbage-" + run + ".tflite");
        Files.write(garbageFile, garbage);
        ModelArtifactEvent malformed = withFile(good.event(), "test-face:garbage-" + run, garbageFile,
                Sha256.of(garbage), garbage.length);

        EmbedderTestSupport.publish(badDigest);
        EmbedderTestSupport.publish(malformed);
        Map<String, String> reasons = awaitFailed(badDigest.version(), malformed.version());
        assertTrue(reasons.get(badDigest.version()).contains("SHA-256 mismatch"), reasons.toString());
        assertTrue(!reasons.get(malformed.version()).isBlank(), reasons.toString());
        assertEquals(serving, given().when().get("/models/active").jsonPath().getString("version"),
                "the model that served before still serves");
    }

    static ModelArtifactEvent withFile(ModelArtifactEvent e, String version, Path file, String sha256, long size) {
        return new ModelArtifactEvent(e.modelName(), version, e.backbone(), e.head(), e.quantization(),
                e.inputShape(), e.preprocessing(), e.embeddingSize(), size, sha256, e.validation(),
                file.toUri().toString(), System.currentTimeMillis());
    }

    /** Waits (bounded) until both versions are FAILED; returns their reasons. */
    static Map<String, String> awaitFailed(String a, String b) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            var models = given().when().get("/models").jsonPath();
            String stateA = models.getString("find { it.version == '" + a + "' }.state");
            String stateB = models.getString("find { it.version == '" + b + "' }.state");
            if ("FAILED".equals(stateA) && "FAILED".equals(stateB)) {
                return Map.of(a, models.getString("find { it.version == '" + a + "' }.reason"),
                        b, models.getString("find { it.version == '" + b + "' }.reason"));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("both artifacts should end FAILED: " + given().when().get("/models").asString());
    }
}
