package io.facestream.converter;

import io.facestream.events.Topics;
import io.facestream.events.domain.CheckpointEvent;
import io.facestream.events.domain.ModelArtifactEvent;
import io.facestream.events.domain.Sha256;
import io.facestream.kafka.testing.KafkaTestResource;
import io.facestream.kafka.testing.TestClients;
import io.facestream.tflite.inspect.ModelInspector;
import io.facestream.tflite.inspect.ModelReport;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The converter against the real broker: checkpoints announced on models.checkpoints (served over HTTP like the
 * trainer serves them) become int8 artifacts on models.artifacts whose bytes download from the converter with the
 * announced digest; a checkpoint whose digest differs and a model that misses a quality bound are each refused
 * with a reason, and nothing of theirs is published (malformed events: {@link BadInputCorpusTest}).
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(ConverterTestData.class)
class ConverterKafkaTest {

    static CheckpointServer server;
    static byte[] checkpoint;
    static String sha;

    @BeforeAll
    static void serve() throws Exception {
        server = new CheckpointServer();
        checkpoint = TestCheckpoints.bytes(TestCheckpoints.checkpoint(3));
        sha = Sha256.of(checkpoint);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void a_best_checkpoint_becomes_a_published_int8_artifact_that_downloads_with_its_digest() throws Exception {
        String run = runId("best");
        String model = "face-" + run;
        String url = server.serve("/runs/" + run + "/ckpt-0000000100", checkpoint);
        CheckpointEvent event = event(run, "ckpt-0000000100", model, true, sha, checkpoint.length, url);
        send(event);

        ModelArtifactEvent artifact = published(model, 1).get(0);
        assertEquals(run + ".ckpt-0000000100.int8", artifact.version());
        assertEquals("int8", artifact.quantization());
        assertEquals("MobileNetV2", artifact.backbone());
        assertEquals("ARCFACE", artifact.head());
        assertEquals(List.of(64, 64, 3), artifact.inputShape());
        assertEquals(TestCheckpoints.EMBEDDING, artifact.embeddingSize());
        assertEquals(TestCheckpoints.spec().preprocessing(), artifact.preprocessing());
        assertTrue(artifact.validation().get("meanCosineToFloat32") >= 0.98, artifact.validation().toString());
        assertNotNull(artifact.validation().get("int8.accuracy"), "figures of the pairs set");
        assertNotNull(artifact.validation().get("float32.tarAtFar1e-3"));

        HttpResponse<byte[]> download = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(artifact.downloadUrl())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, download.statusCode(), artifact.downloadUrl());
        assertEquals(artifact.sizeBytes(), download.body().length);
        assertEquals(artifact.sha256(), Sha256.of(download.body()), "the bytes have the announced digest");
        assertEquals(artifact.sha256(), download.headers().firstValue("X-Artifact-SHA256").orElseThrow());
        assertEquals("\"" + artifact.sha256() + "\"", download.headers().firstValue("ETag").orElseThrow());
        ModelReport report = ModelInspector.inspect(download.body(), "download");
        assertTrue(report.tensors().stream().anyMatch(t -> t.type().equals("INT8") && !t.isConstant()));

        String id = artifact.downloadUrl().replaceAll(".*/artifacts/([^/]+)/model.tflite$", "$1");
        JsonPath meta = given().get("/artifacts/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals(artifact.sha256(), meta.getString("event.sha256"));
        assertEquals(true, meta.getBoolean("published"));
        assertEquals(sha, meta.getString("checkpointSha256"));
        assertTrue(meta.getDouble("validation.float32.accuracy") >= 0);
        given().header("If-None-Match", "\"" + artifact.sha256() + "\"").get("/artifacts/" + id + "/model.tflite")
                .then().statusCode(304);
        given().get("/artifacts/" + id + "/inspection").then().statusCode(200)
                .body("inputs[0].type", is("FLOAT32"))
                .body("inputs[0].shape", is(List.of(1, 64, 64, 3)))
                .body("outputs[0].shape", is(List.of(1, TestCheckpoints.EMBEDDING)))
                .body("sizeBytes", is((int) artifact.sizeBytes()))
                .body("operatorCounts.keySet()", org.hamcrest.Matchers.hasItem(containsString("QUANTIZE")))
                .body("tensors.find { it.type == 'INT8' && it.dataBytes == 0 }.scales.size()", is(1));
        given().get("/artifacts/" + id + "/inspection?format=text").then().statusCode(200)
                .body(containsString("operators ("));
        byte[] png = given().get("/artifacts/" + id + "/roc.png").then().statusCode(200)
                .contentType("image/png").extract().asByteArray();
        assertEquals(900, ImageIO.read(new ByteArrayInputStream(png)).getWidth());

        Map<String, Object> conversion = conversionOf(run, "ckpt-0000000100");
        assertEquals("SUCCEEDED", conversion.get("status"));
        assertEquals(id, conversion.get("artifactId"));
        assertEquals(100, conversion.get("percent"));

        // the same event again (a redelivery): recognised, not published a second time
        send(event);
        awaitConversions(c -> run.equals(path(c, "source.runId")), 2);
        assertEquals(1, published(model, 2, Duration.ofSeconds(3)).size(), "published once");
    }

    @Test
    void a_checkpoint_whose_digest_differs_is_refused_and_nothing_is_published() throws Exception {
        String run = runId("tampered");
        String model = "face-" + run;
        byte[] tampered = checkpoint.clone();
        tampered[tampered.length / 2] ^= 1;
        String url = server.serve("/runs/" + run + "/ckpt-0000000001", tampered);
        send(event(run, "ckpt-0000000001", model, true, sha, tampered.length, url));

        Map<String, Object> c = awaitConversions(x -> run.equals(path(x, "source.runId")), 1).get(0);
        assertEquals("FAILED", c.get("status"));
        assertEquals("DOWNLOADING", c.get("phase"));
        assertTrue(String.valueOf(c.get("reason")).contains("SHA-256"), String.valueOf(c.get("reason")));
        assertTrue(published(model, 1, Duration.ofSeconds(3)).isEmpty(), "nothing published");
    }

    @Test
    void with_the_best_policy_checkpoints_not_flagged_best_are_skipped() throws Exception {
        String run = runId("policy");
        String model = "face-" + run;
        String url = server.serve("/runs/" + run + "/ckpt", checkpoint);
        send(event(run, "ckpt-0000000001", model, false, sha, checkpoint.length, url));
        send(event(run, "ckpt-0000000002", model, true, sha, checkpoint.length, url));
        // one partition, one record at a time: when the second has a conversion, the first was looked at
        List<Map<String, Object>> conversions = awaitConversions(c -> run.equals(path(c, "source.runId")), 1);
        assertEquals("ckpt-0000000002", path(conversions.get(0), "source.checkpointId"));
        Thread.sleep(500);
        assertEquals(1, conversions(c -> run.equals(path(c, "source.runId"))).size(), "the non-best one skipped");
    }

    @Test
    void a_model_beyond_the_quality_bounds_is_not_published_and_the_reason_is_kept() throws Exception {
        String model = "face-" + runId("strict");
        String location = given().contentType(ContentType.BINARY).body(checkpoint)
                .queryParam("modelName", model).queryParam("minCosine", 1.0).queryParam("sha256", sha)
                .post("/conversions").then().statusCode(202).body("status", is("QUEUED"))
                .extract().header("Location");
        Map<String, Object> c = awaitConversion(location);
        assertEquals("FAILED", c.get("status"), String.valueOf(c));
        String reason = String.valueOf(c.get("reason"));
        assertTrue(reason.startsWith("refused, not published") && reason.contains("min-cosine"), reason);
        assertNotNull(path(c, "validation.minCosine"), "the figures are kept");
        assertTrue(published(model, 1, Duration.ofSeconds(3)).isEmpty(), "nothing published");
        given().get("/artifacts").then().statusCode(200)
                .body("findAll { it.event.modelName == '" + model + "' }.size()", is(0));
    }

    @Test
    void a_conversion_by_url_with_options_reports_progress_and_its_result() throws Exception {
        String model = "face-" + runId("url");
        String url = server.serve("/adhoc/" + model, checkpoint);
        String location = given().contentType(ContentType.JSON)
                .body(Map.of("url", url, "sha256", sha, "sizeBytes", checkpoint.length, "modelName", model,
                        "version", "v1-float16", "precision", "float16"))
                .post("/conversions").then().statusCode(202).extract().header("Location");
        Map<String, Object> c = awaitConversion(location);
        assertEquals("SUCCEEDED", c.get("status"), String.valueOf(c));
        assertEquals("DONE", c.get("phase"));
        ModelArtifactEvent artifact = published(model, 1).get(0);
        assertEquals("v1-float16", artifact.version());
        assertEquals("float16", artifact.quantization());
        assertTrue(artifact.validation().get("minCosineToFloat32") > 0.999);

        given().contentType(ContentType.JSON)
                .body(Map.of("url", url, "sha256", sha, "modelName", model, "version", "v1-float16"))
                .post("/conversions").then().statusCode(409).body("message", containsString("v1-float16"));
        given().contentType(ContentType.JSON).body(Map.of("url", "ftp://x/y", "sha256", sha, "modelName", model))
                .post("/conversions").then().statusCode(400).body("message", containsString("scheme"));
        given().contentType(ContentType.JSON).body(Map.of("url", url, "sha256", "abc", "modelName", model))
                .post("/conversions").then().statusCode(400).body("message", containsString("sha256"));
        given().contentType(ContentType.JSON).body(Map.of("url", url, "sha256", sha, "modelName", model,
                "precision", "int4")).post("/conversions").then().statusCode(400).body("status", is(400));
        given().get("/conversions/zzzzzz-000000").then().statusCode(404).body("status", is(404));
        given().get("/artifacts/..%2F..%2Fetc").then().statusCode(404);
    }

    // ---- helpers ----

    static String runId(String what) {
        return what + "-" + Long.toString(System.nanoTime(), 36);
    }

    static CheckpointEvent event(String run, String checkpointId, String model, boolean best, String sha256,
                                 long size, String url) {
        return new CheckpointEvent(run, checkpointId, model, 100, 1, "MobileNetV2", "ARCFACE", Map.of("loss", 1.0),
                best, false, sha256, size, url, System.currentTimeMillis());
    }

    static void send(CheckpointEvent event) throws Exception {
        try (KafkaProducer<String, CheckpointEvent> producer = TestClients.producer(new StringSerializer(),
                Topics.CHECKPOINTS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.CHECKPOINTS.name(), event.runId(), event)).get();
        }
    }

    static List<ModelArtifactEvent> published(String modelName, int expected) {
        return published(modelName, expected, Duration.ofSeconds(120));
    }

    static List<ModelArtifactEvent> published(String modelName, int expected, Duration timeout) {
        return TestClients.read(Topics.ARTIFACTS.name(), new StringDeserializer(),
                Topics.ARTIFACTS.valueSerde().deserializer(),
                r -> r.value() != null && modelName.equals(r.key()), expected, timeout)
                .stream().map(ConsumerRecord::value).toList();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> conversions(Predicate<Map<String, Object>> filter) {
        List<Map<String, Object>> all = given().get("/conversions").then().statusCode(200).extract().jsonPath()
                .getList("$");
        return all.stream().filter(filter).toList();
    }

    /** Waits until count conversions pass the filter and all of them have finished. */
    static List<Map<String, Object>> awaitConversions(Predicate<Map<String, Object>> filter, int count)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            List<Map<String, Object>> found = conversions(filter);
            boolean finished = found.size() >= count && found.stream()
                    .allMatch(c -> c.get("status").equals("SUCCEEDED") || c.get("status").equals("FAILED"));
            if (finished || System.nanoTime() > deadline) {
                assertTrue(finished, "conversions still running or missing: " + found);
                return found;
            }
            Thread.sleep(200);
        }
    }

    static Map<String, Object> awaitConversion(String location) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            Map<String, Object> c = given().get(URI.create(location).getPath()).then().statusCode(200).extract()
                    .jsonPath().getMap("$");
            if (c.get("status").equals("SUCCEEDED") || c.get("status").equals("FAILED")) {
                return c;
            }
            assertTrue(System.nanoTime() < deadline, "conversion still " + c.get("status") + ": " + c);
            Thread.sleep(200);
        }
    }

    static Map<String, Object> conversionOf(String run, String checkpointId) throws InterruptedException {
        return awaitConversions(c -> run.equals(path(c, "source.runId"))
                && checkpointId.equals(path(c, "source.checkpointId")), 1).get(0);
    }

    @SuppressWarnings("unchecked")
    static Object path(Map<String, Object> map, String dotted) {
        Object v = map;
        for (String part : dotted.split("\\.")) {
            v = v instanceof Map<?, ?> m ? ((Map<String, Object>) m).get(part) : null;
        }
        return v;
    }
}
