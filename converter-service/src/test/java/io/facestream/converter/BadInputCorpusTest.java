package io.facestream.converter;

import io.facestream.events.Topics;
import io.facestream.events.domain.CheckpointEvent;
import io.facestream.events.domain.ModelArtifactEvent;
import io.facestream.events.domain.Sha256;
import io.facestream.events.messaging.DeadLetters;
import io.facestream.events.serde.Envelope;
import io.facestream.kafka.testing.BadInputCorpus;
import io.facestream.kafka.testing.BadInputCorpus.Item;
import io.facestream.kafka.testing.KafkaTestResource;
import io.facestream.kafka.testing.TestClients;
import io.facestream.tflite.UnsupportedOperatorModel;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bad-input corpus through converter-service: damaged checkpoint events and events naming a model, run or
 * checkpoint that tries to leave a folder reach models.checkpoints.dlq unchanged with the dlq.* headers and their
 * reason, and a good checkpoint announced after them is converted and published; every REST endpoint gets every
 * corpus item that fits it (tampered and malformed models, malformed JSON, names, oversize bodies, wrong content
 * types) and answers 4xx with a reason, or, for a checkpoint accepted for conversion, ends that conversion FAILED
 * with its reason; a good model uploaded after them is published. converter.max-upload-bytes is 3,000,000 in tests.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(ConverterTestData.class)
class BadInputCorpusTest {

    static final int MAX_UPLOAD_BYTES = 3_000_000;
    static final String RUN = Long.toString(System.nanoTime(), 36);

    static CheckpointServer server;
    static byte[] checkpoint;
    static byte[] goodModel;

    @BeforeAll
    static void data() throws Exception {
        server = new CheckpointServer();
        checkpoint = TestCheckpoints.bytes(TestCheckpoints.checkpoint(5));
        goodModel = TestModels.goodModel(13);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String envelopeReason(String kind) {
        String reason = BadInputCorpus.envelopeReason(kind);
        assertNotNull(reason, "the test names no reason for corpus kind " + kind);
        return reason;
    }

    /**
     * models.checkpoints: every damaged event, and every corpus name as the model name, run id and checkpoint id
     * of an otherwise good event, is dead-lettered with its reason; the good checkpoint after them is published.
     */
    @TestFactory
    Stream<DynamicTest> models_checkpoints() throws Exception {
        String run = "corpus-" + RUN;
        String model = "face-corpus-" + RUN;
        String url = server.serve("/runs/" + run + "/ckpt-0000000100", checkpoint);
        CheckpointEvent good = ConverterKafkaTest.event(run, "ckpt-0000000100", model, true, Sha256.of(checkpoint),
                checkpoint.length, url);
        byte[] goodValue = Topics.CHECKPOINTS.valueSerde().serializer().serialize(Topics.CHECKPOINTS.name(), good);
        Envelope.Parts parts = Envelope.decode("template", goodValue);
        // kind -> (value, reason)
        Map<String, String[]> reasons = new LinkedHashMap<>();
        Map<String, byte[]> bad = new LinkedHashMap<>();
        for (Item d : BadInputCorpus.envelopes(Envelope::encode, parts.metadataJson(), parts.payload())) {
            bad.put(d.kind(), d.bytes());
            reasons.put(d.kind(), new String[]{d.flaw(), envelopeReason(d.kind())});
        }
        for (Item name : BadInputCorpus.names()) {
            String n = name.text();
            bad.put("modelName " + name.kind(), serialize(ConverterKafkaTest.event(run, "ckpt-0000000100", n, true,
                    Sha256.of(checkpoint), checkpoint.length, url)));
            reasons.put("modelName " + name.kind(), new String[]{name.flaw(), "modelName must not"});
            bad.put("runId " + name.kind(), serialize(ConverterKafkaTest.event(n, "ckpt-0000000100", model, true,
                    Sha256.of(checkpoint), checkpoint.length, url)));
            reasons.put("runId " + name.kind(), new String[]{name.flaw(), "runId must not"});
            bad.put("checkpointId " + name.kind(), serialize(ConverterKafkaTest.event(run, n, model, true,
                    Sha256.of(checkpoint), checkpoint.length, url)));
            reasons.put("checkpointId " + name.kind(), new String[]{name.flaw(), "checkpointId must not"});
        }
        for (String badUrl : List.of("file:///etc/passwd", "ftp://127.0.0.1/ckpt", "jar:file:/x.jar!/y",
                "http://127.0.0.1:1/../../etc/passwd\u0000")) {
            String kind = "downloadUrl " + badUrl.replace("\u0000", "\\u0000");
            bad.put(kind, serialize(ConverterKafkaTest.event(run, "ckpt-0000000100", model, true,
                    Sha256.of(checkpoint), checkpoint.length, badUrl)));
            reasons.put(kind, new String[]{"an unusable download URL", "URL"});
        }
        String key = "corpus-" + RUN;
        try (KafkaProducer<String, byte[]> raw = TestClients.producer(new StringSerializer(),
                new ByteArraySerializer())) {
            for (byte[] value : bad.values()) {
                raw.send(new ProducerRecord<>(Topics.CHECKPOINTS.name(), key, value));
            }
            raw.send(new ProducerRecord<>(Topics.CHECKPOINTS.name(), key, goodValue));
            raw.flush();
        }
        List<ModelArtifactEvent> published = ConverterKafkaTest.published(model, 1);
        List<ConsumerRecord<String, byte[]>> dead = TestClients.read(Topics.CHECKPOINTS.dlq(),
                new StringDeserializer(), new ByteArrayDeserializer(), r -> key.equals(r.key()), bad.size(),
                Duration.ofSeconds(30));

        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("the good checkpoint after the bad events is converted and published",
                () -> assertEquals(1, published.size())));
        for (Map.Entry<String, byte[]> e : bad.entrySet()) {
            String kind = e.getKey();
            tests.add(DynamicTest.dynamicTest(kind, () -> {
                ConsumerRecord<String, byte[]> d = dead.stream().filter(r -> Arrays.equals(e.getValue(), r.value()))
                        .findFirst().orElseThrow(() -> new AssertionError(kind + " (" + reasons.get(kind)[0]
                                + ") is not on models.checkpoints.dlq unchanged"));
                String reason = DeadLetters.header(d.headers(), DeadLetters.ERROR_MESSAGE);
                assertTrue(reason != null && reason.contains(reasons.get(kind)[1]), kind + ": " + reason);
                assertNotNull(DeadLetters.header(d.headers(), DeadLetters.ERROR_CLASS), kind);
                assertEquals(Topics.CHECKPOINTS.name(), DeadLetters.header(d.headers(), DeadLetters.SOURCE_TOPIC));
                Integer.parseInt(DeadLetters.header(d.headers(), DeadLetters.SOURCE_PARTITION));
                Long.parseLong(DeadLetters.header(d.headers(), DeadLetters.SOURCE_OFFSET));
                Long.parseLong(DeadLetters.header(d.headers(), DeadLetters.TIME));
            }));
        }
        return tests.stream();
    }

    private static byte[] serialize(CheckpointEvent e) {
        return Topics.CHECKPOINTS.valueSerde().serializer().serialize(Topics.CHECKPOINTS.name(), e);
    }

    /**
     * POST /artifacts (bring your own model): every tampered or malformed model, every name as modelName and as
     * version, an oversize body and a wrong content type are refused with a 4xx and the reason; a good model
     * uploaded after them is stored and published.
     */
    @TestFactory
    Stream<DynamicTest> post_artifacts() {
        List<DynamicTest> tests = new ArrayList<>();
        List<Item> models = new ArrayList<>(BadInputCorpus.models(goodModel));
        models.add(BadInputCorpus.model("unsupported-operator", UnsupportedOperatorModel.of(goodModel),
                "a well-formed model with a custom operator the runtime lacks"));
        for (Item m : models) {
            tests.add(DynamicTest.dynamicTest("model " + m.kind(), () -> {
                Response r = upload(m.bytes(), ContentType.BINARY.toString(), Map.of("modelName", "byo-corpus",
                        "scale", 0.0078431373, "offset", -1, "sha256", m.declaredSha256()));
                refused(r, 400, m);
                if (m.kind().equals("bad-digest")) {
                    assertTrue(r.jsonPath().getString("message").contains("damaged or tampered with"), r.asString());
                }
                if (m.kind().equals("unsupported-operator")) {
                    assertTrue(r.jsonPath().getString("message").contains(UnsupportedOperatorModel.CUSTOM_CODE),
                            r.asString());
                }
            }));
        }
        for (Item name : BadInputCorpus.names()) {
            tests.add(DynamicTest.dynamicTest("modelName and version " + name.kind(), () -> {
                Response asModel = upload(goodModel, ContentType.BINARY.toString(),
                        Map.of("modelName", name.text(), "scale", 0.0078431373, "offset", -1));
                refused(asModel, 400, name);
                assertTrue(asModel.jsonPath().getString("message").startsWith("modelName must not"), name.kind());
                Response asVersion = upload(goodModel, ContentType.BINARY.toString(),
                        Map.of("modelName", "byo-corpus", "version", name.text(), "scale", 0.0078431373, "offset", -1));
                refused(asVersion, 400, name);
                assertTrue(asVersion.jsonPath().getString("message").startsWith("version must not"), name.kind());
            }));
        }
        Item oversize = BadInputCorpus.oversize("oversize-upload", MAX_UPLOAD_BYTES, "application/octet-stream");
        tests.add(DynamicTest.dynamicTest(oversize.kind(), () -> {
            Response r = upload(oversize.bytes(), oversize.contentType(), Map.of("modelName", "byo-corpus",
                    "scale", 0.0078431373, "offset", -1));
            refused(r, 413, oversize);
            assertTrue(r.jsonPath().getString("message").contains("converter.max-upload-bytes"), r.asString());
        }));
        tests.add(DynamicTest.dynamicTest("wrong-content-type", () -> refused(upload(goodModel, "image/jpeg",
                Map.of("modelName", "byo-corpus", "scale", 0.0078431373, "offset", -1)), 415,
                new Item("wrong-content-type", goodModel, "image/jpeg", "a model sent as image/jpeg"))));
        tests.add(DynamicTest.dynamicTest("a good model uploaded after the bad ones is published", () ->
                given().contentType(ContentType.BINARY).body(goodModel).queryParam("modelName", "byo-corpus-" + RUN)
                        .queryParam("scale", 0.0078431373).queryParam("offset", -1).post("/artifacts").then()
                        .statusCode(201)));
        return tests.stream();
    }

    /**
     * POST /conversions: every malformed JSON body, every name as modelName and version, unusable URLs and a wrong
     * content type get 400/415 with the reason; every tampered or malformed file uploaded as a checkpoint is
     * refused at once (400) or ends its conversion FAILED with the reason.
     */
    @TestFactory
    Stream<DynamicTest> post_conversions() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Item json : BadInputCorpus.malformedJson()) {
            tests.add(DynamicTest.dynamicTest("json " + json.kind(), () -> refused(given().contentType(ContentType.JSON)
                    .body(json.bytes()).post("/conversions"), 400, json)));
        }
        String url = server.serve("/adhoc/corpus-" + RUN, checkpoint);
        for (Item name : BadInputCorpus.names()) {
            tests.add(DynamicTest.dynamicTest("modelName and version " + name.kind(), () -> {
                refused(given().contentType(ContentType.JSON).body(Map.of("url", url, "sha256",
                        Sha256.of(checkpoint), "modelName", name.text())).post("/conversions"), 400, name);
                refused(given().contentType(ContentType.JSON).body(Map.of("url", url, "sha256",
                        Sha256.of(checkpoint), "modelName", "corpus", "version", name.text())).post("/conversions"),
                        400, name);
            }));
        }
        for (String badUrl : List.of("file:///etc/passwd", "ftp://127.0.0.1/ckpt", "../../etc/passwd")) {
            tests.add(DynamicTest.dynamicTest("url " + badUrl, () -> refused(given().contentType(ContentType.JSON)
                    .body(Map.of("url", badUrl, "sha256", Sha256.of(checkpoint), "modelName", "corpus"))
                    .post("/conversions"), 400, new Item("url", badUrl.getBytes(), "application/json", "the URL " + badUrl))));
        }
        tests.add(DynamicTest.dynamicTest("wrong-content-type", () -> refused(given().contentType("text/plain")
                .body("url=" + url).post("/conversions"), 415, new Item("wrong-content-type", new byte[0],
                "text/plain", "a form sent as text/plain"))));
        for (Item file : BadInputCorpus.models(checkpoint)) {
            if (file.kind().equals("wrong-file-identifier")) {
                continue; // bytes 4..7 of a checkpoint (a ZIP) are its version and flags, which ZIP readers ignore
            }
            tests.add(DynamicTest.dynamicTest("checkpoint upload " + file.kind(), () -> {
                Response r = given().contentType(ContentType.BINARY).body(file.bytes())
                        .queryParam("modelName", "corpus-upload-" + RUN).queryParam("sha256", file.declaredSha256())
                        .post("/conversions");
                if (r.statusCode() == 202) {
                    Map<String, Object> c = ConverterKafkaTest.awaitConversion(r.header("Location"));
                    assertEquals("FAILED", c.get("status"), file.kind() + ": " + c);
                    assertTrue(c.get("reason") != null && !c.get("reason").toString().isBlank(), file.kind());
                } else {
                    refused(r, 400, file);
                }
            }));
        }
        return tests.stream();
    }

    /** Every GET with an id takes every corpus name as that id: 404 (or 400) with the reason, never a file. */
    @TestFactory
    Stream<DynamicTest> get_by_id() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Item name : BadInputCorpus.names()) {
            if (name.text().equals("..")) {
                continue; // as a path segment ".." names the parent in a URL: it never reaches a resource as an id
            }
            String id = URLEncoder.encode(name.text(), StandardCharsets.UTF_8).replace("+", "%20");
            tests.add(DynamicTest.dynamicTest(name.kind(), () -> {
                for (String path : List.of("/conversions/" + id, "/artifacts/" + id, "/artifacts/" + id
                        + "/model.tflite", "/artifacts/" + id + "/inspection", "/artifacts/" + id + "/roc.png")) {
                    Response r = given().urlEncodingEnabled(false).get(path);
                    assertTrue(r.statusCode() == 404 || r.statusCode() == 400, path + ": " + r.statusCode());
                    assertTrue(r.asString().contains("\"message\""), path + ": no reason in " + r.asString());
                }
            }));
        }
        return tests.stream();
    }

    static Response upload(byte[] body, String contentType, Map<String, ?> query) {
        return given().contentType(contentType).queryParams(query).body(body).post("/artifacts");
    }

    static void refused(Response r, int status, Item item) {
        assertEquals(status, r.statusCode(), item.kind() + " (" + item.flaw() + "): " + r.asString());
        String message = r.asString().isEmpty() ? null : r.jsonPath().getString("message");
        assertTrue(message != null && !message.isBlank(), item.kind() + ": no reason in '" + r.asString() + "'");
    }
}
