package io.facestream.embedder;

import io.facestream.events.Topics;
import io.facestream.events.domain.ModelArtifactEvent;
import io.facestream.kafka.testing.TestClients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;

/** Shared steps of the embedder's tests against the running service and the real broker. */
final class EmbedderTestSupport {

    static final Path MODEL_DIR = Path.of("target", "test-models");

    private EmbedderTestSupport() {
    }

    static void publish(ModelArtifactEvent artifact) throws Exception {
        try (KafkaProducer<String, ModelArtifactEvent> p = TestClients.producer(new StringSerializer(),
                Topics.ARTIFACTS.valueSerde().serializer())) {
            p.send(new ProducerRecord<>(Topics.ARTIFACTS.name(), artifact.modelName(), artifact)).get();
        }
    }

    /** Waits (bounded) until the service reports this version as its active model. */
    static boolean awaitActive(String version, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            var r = given().when().get("/models/active");
            if (r.statusCode() == 200 && version.equals(r.jsonPath().getString("version"))) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Makes sure some model serves (the first test class to ask publishes one). */
    static synchronized void ensureAModelServes() throws Exception {
        if (given().when().get("/models/active").statusCode() == 200) {
            return;
        }
        TestModels.Built model = TestModels.build("test-face:base", 7, false, MODEL_DIR);
        publish(model.event());
        if (!awaitActive(model.event().version(), 120_000)) {
            throw new AssertionError("the embedder did not load the test model");
        }
    }

    /** Real face crops from lfw112 (JPEG bytes), or the test is skipped with the reason. */
    static List<byte[]> realFaces(int count) throws IOException {
        Path root = Path.of(System.getProperty("facestream.faces.dir", "../../shared/data/lfw112")).resolve("train");
        Assumptions.assumeTrue(Files.isDirectory(root),
                "real face crops not found at " + root.toAbsolutePath() + " (../shared/data/lfw112): skipped");
        List<byte[]> faces = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".jpg")).sorted().limit(count).toList()) {
                faces.add(Files.readAllBytes(p));
            }
        }
        Assumptions.assumeTrue(faces.size() == count, "fewer than " + count + " images under " + root);
        return faces;
    }
}
