package io.facestream.embedder;

import io.facestream.events.Topics;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.EnrollmentEvent;
import io.facestream.events.domain.FrameEvent;
import io.facestream.events.domain.ModelArtifactEvent;
import io.facestream.events.messaging.DeadLetters;
import io.facestream.events.serde.Envelope;
import io.facestream.kafka.testing.BadInputCorpus;
import io.facestream.kafka.testing.BadInputCorpus.Item;
import io.facestream.kafka.testing.KafkaTestResource;
import io.facestream.kafka.testing.TestClients;
import io.facestream.tflite.UnsupportedOperatorModel;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bad-input corpus through embedder-service's consumers: every broken image and every damaged envelope on
 * faces.frames and on faces.enrollments reaches the topic's .dlq unchanged with the dlq.* headers and its reason,
 * and the good record sent right after each bad one is embedded; every tampered or malformed model on
 * models.artifacts ends FAILED with its reason, a damaged artifact event is dead-lettered, and a good model
 * published right after them becomes the active one. (The REST endpoints, GET /models and /models/active, take no
 * input.)
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class BadInputCorpusTest {

    /** embedder.max-image-bytes in the test profile. */
    static final int MAX_IMAGE_BYTES = 1_000_000;
    static final String RUN = Long.toString(System.nanoTime(), 36);

    /** The images of the corpus and one over the byte limit, each as the content type a sender would claim. */
    static List<Item> images() {
        List<Item> images = new ArrayList<>(BadInputCorpus.images());
        images.add(BadInputCorpus.oversize("oversize-image", MAX_IMAGE_BYTES, "image/png"));
        return images;
    }

    /** The reason each image kind is refused with; envelope kinds: the corpus's own. */
    static final Map<String, String> REASONS = Map.ofEntries(
            Map.entry("empty-image", "no image bytes"),
            Map.entry("truncated-jpeg", "TRUNCATED"),
            Map.entry("truncated-png", "TRUNCATED"),
            Map.entry("header-only-jpeg", "TRUNCATED"),
            Map.entry("corrupt-jpeg", "CORRUPT"),
            Map.entry("random-bytes-as-jpeg", "UNSUPPORTED_FORMAT"),
            Map.entry("text-as-png", "UNSUPPORTED_FORMAT"),
            Map.entry("huge-dimension-jpeg", "TOO_MANY_PIXELS"),
            Map.entry("png-decompression-bomb", "TOO_MANY_PIXELS"),
            Map.entry("unsupported-content-type", "unsupported content type"),
            Map.entry("raw-rgb-size-mismatch", "RAW_SIZE_MISMATCH"),
            Map.entry("oversize-image", "TOO_LARGE_BYTES"));

    static String reasonFor(String kind) {
        String reason = REASONS.containsKey(kind) ? REASONS.get(kind) : BadInputCorpus.envelopeReason(kind);
        assertNotNull(reason, "the test names no reason for corpus kind " + kind);
        return reason;
    }

    @TestFactory
    Stream<DynamicTest> faces_frames() throws Exception {
        EmbedderTestSupport.ensureAModelServes();
        String source = "cam-corpus-" + RUN;
        Function<String, byte[]> good = id -> frame(id, source, "image/jpeg", BadInputCorpus.goodJpeg());
        Map<Item, byte[]> bad = new LinkedHashMap<>();
        for (Item image : images()) {
            bad.put(image, frame("bad-" + image.kind(), source, image.contentType(), image.bytes()));
        }
        Envelope.Parts template = Envelope.decode("template", good.apply("template"));
        for (Item damaged : BadInputCorpus.envelopes(Envelope::encode, template.metadataJson(), template.payload())) {
            bad.put(damaged, damaged.bytes());
        }
        return runThrough(Topics.FRAMES.name(), source, bad, good,
                e -> e.kind() == EmbeddingEvent.Kind.PROBE && source.equals(e.sourceId()));
    }

    @TestFactory
    Stream<DynamicTest> faces_enrollments() throws Exception {
        EmbedderTestSupport.ensureAModelServes();
        String person = "Corpus_" + RUN;
        Function<String, byte[]> good = id -> enrollment(id, person, "image/jpeg", BadInputCorpus.goodJpeg());
        Map<Item, byte[]> bad = new LinkedHashMap<>();
        for (Item image : images()) {
            bad.put(image, enrollment("bad-" + image.kind(), person, image.contentType(), image.bytes()));
        }
        Envelope.Parts template = Envelope.decode("template", good.apply("template"));
        for (Item damaged : BadInputCorpus.envelopes(Envelope::encode, template.metadataJson(), template.payload())) {
            bad.put(damaged, damaged.bytes());
        }
        return runThrough(Topics.ENROLLMENTS.name(), person, bad, good,
                e -> e.kind() == EmbeddingEvent.Kind.ENROLLMENT && person.equals(e.subject()));
    }

    /**
     * Sends every bad value, each followed by a good one, on one key (one partition: in order); then one dynamic
     * test per bad item checks its dead letter, and one checks that exactly the good records were embedded.
     */
    static Stream<DynamicTest> runThrough(String topic, String key, Map<Item, byte[]> bad,
                                          Function<String, byte[]> good, java.util.function.Predicate<EmbeddingEvent> mine)
            throws Exception {
        List<String> goodIds = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = TestClients.producer(new ByteArraySerializer(),
                new ByteArraySerializer())) {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            for (Item item : bad.keySet()) {
                producer.send(new ProducerRecord<>(topic, k, bad.get(item)));
                String goodId = RUN + "-good-after-" + item.kind();
                goodIds.add(goodId);
                producer.send(new ProducerRecord<>(topic, k, good.apply(goodId)));
            }
            producer.flush();
        }
        List<ConsumerRecord<String, EmbeddingEvent>> embedded = TestClients.read(Topics.EMBEDDINGS.name(),
                new StringDeserializer(), Topics.EMBEDDINGS.valueSerde().deserializer(),
                r -> r.value() != null && mine.test(r.value()), goodIds.size(), Duration.ofSeconds(90));
        List<ConsumerRecord<String, byte[]>> dead = TestClients.read(topic + ".dlq", new StringDeserializer(),
                new ByteArrayDeserializer(), r -> key.equals(r.key()), bad.size(), Duration.ofSeconds(30));

        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("every good record after a bad one is embedded, in order", () ->
                assertEquals(goodIds, embedded.stream().map(r -> r.value().eventId()).distinct().toList())));
        for (Map.Entry<Item, byte[]> e : bad.entrySet()) {
            tests.add(DynamicTest.dynamicTest(e.getKey().kind(), () ->
                    assertDeadLettered(topic, e.getKey(), e.getValue(), dead)));
        }
        return tests.stream();
    }

    static void assertDeadLettered(String topic, Item item, byte[] value, List<ConsumerRecord<String, byte[]>> dead) {
        ConsumerRecord<String, byte[]> d = dead.stream().filter(r -> Arrays.equals(value, r.value())).findFirst()
                .orElseThrow(() -> new AssertionError(item.kind() + " (" + item.flaw() + ") is not on " + topic
                        + ".dlq unchanged; " + dead.size() + " dead letters with this key"));
        String reason = DeadLetters.header(d.headers(), DeadLetters.ERROR_MESSAGE);
        assertNotNull(reason, item.kind() + ": no " + DeadLetters.ERROR_MESSAGE);
        assertTrue(reason.contains(reasonFor(item.kind())), item.kind() + ": " + reason);
        assertNotNull(DeadLetters.header(d.headers(), DeadLetters.ERROR_CLASS), item.kind());
        assertEquals(topic, DeadLetters.header(d.headers(), DeadLetters.SOURCE_TOPIC), item.kind());
        Integer.parseInt(DeadLetters.header(d.headers(), DeadLetters.SOURCE_PARTITION));
        Long.parseLong(DeadLetters.header(d.headers(), DeadLetters.SOURCE_OFFSET));
        Long.parseLong(DeadLetters.header(d.headers(), DeadLetters.TIME));
    }

    /**
     * models.artifacts: each tampered or malformed model ends FAILED with its reason while the serving model keeps
     * serving; damaged artifact events are dead-lettered; a good model published after all of them becomes active.
     */
    @TestFactory
    Stream<DynamicTest> models_artifacts() throws Exception {
        EmbedderTestSupport.ensureAModelServes();
        // weights of their own for each run: verified bytes are cached under their digest, so a template of an
        // earlier run would be taken from the cache, and the tampered file behind bad-digest never read
        TestModels.Built template = TestModels.build("test-face:corpus-template-" + RUN, System.nanoTime(), false,
                EmbedderTestSupport.MODEL_DIR);
        List<Item> models = new ArrayList<>(BadInputCorpus.models(template.bytes()));
        models.add(BadInputCorpus.model("unsupported-operator", UnsupportedOperatorModel.of(template.bytes()),
                "a well-formed model with a custom operator the runtime lacks"));
        // an artifact event cannot announce an empty file (its sizeBytes must be positive): refused by the event
        models.removeIf(m -> m.bytes().length == 0);
        Map<Item, ModelArtifactEvent> announced = new LinkedHashMap<>();
        for (Item m : models) {
            Path file = EmbedderTestSupport.MODEL_DIR.resolve("corpus-" + RUN + "-" + m.kind() + ".tflite");
            Files.write(file, m.bytes());
            ModelArtifactEvent e = template.event();
            announced.put(m, new ModelArtifactEvent(e.modelName(), "test-face:corpus-" + m.kind() + "-" + RUN,
                    e.backbone(), e.head(), e.quantization(), e.inputShape(), e.preprocessing(), e.embeddingSize(),
                    m.bytes().length, m.declaredSha256(), e.validation(), file.toUri().toString(),
                    System.currentTimeMillis()));
        }
        byte[] goodEvent = Topics.ARTIFACTS.valueSerde().serializer().serialize(Topics.ARTIFACTS.name(),
                template.event());
        Envelope.Parts parts = Envelope.decode("template", goodEvent);
        List<Item> damagedEvents = BadInputCorpus.envelopes(Envelope::encode, parts.metadataJson(), parts.payload());
        String eventKey = "corpus-" + RUN;

        String servingBefore = given().when().get("/models/active").jsonPath().getString("version");
        for (ModelArtifactEvent e : announced.values()) {
            EmbedderTestSupport.publish(e);
        }
        try (KafkaProducer<byte[], byte[]> raw = TestClients.producer(new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (Item d : damagedEvents) {
                raw.send(new ProducerRecord<>(Topics.ARTIFACTS.name(), eventKey.getBytes(StandardCharsets.UTF_8),
                        d.bytes()));
            }
            raw.flush();
        }
        Map<String, String> reasons = awaitFailed(announced.values().stream().map(ModelArtifactEvent::version)
                .toList());
        String stillServing = given().when().get("/models/active").jsonPath().getString("version");
        // the good record after the bad ones: a model published last is loaded and serves
        EmbedderTestSupport.publish(template.event());
        boolean goodActive = EmbedderTestSupport.awaitActive(template.event().version(), 120_000);
        List<ConsumerRecord<String, byte[]>> dead = TestClients.read(Topics.ARTIFACTS.dlq(), new StringDeserializer(),
                new ByteArrayDeserializer(), r -> eventKey.equals(r.key()), damagedEvents.size(),
                Duration.ofSeconds(30));

        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("the serving model kept serving while the bad ones failed",
                () -> assertEquals(servingBefore, stillServing)));
        tests.add(DynamicTest.dynamicTest("a good model published after the bad ones becomes active",
                () -> assertTrue(goodActive, "not active: " + given().when().get("/models").asString())));
        for (Map.Entry<Item, ModelArtifactEvent> e : announced.entrySet()) {
            String kind = e.getKey().kind();
            tests.add(DynamicTest.dynamicTest(kind, () -> {
                String reason = reasons.get(e.getValue().version());
                assertTrue(reason != null && !reason.isBlank(), kind + ": FAILED without a reason");
                if (kind.equals("bad-digest")) {
                    assertTrue(reason.contains("SHA-256 mismatch"), kind + ": " + reason);
                }
                if (kind.equals("unsupported-operator")) {
                    assertTrue(reason.contains(UnsupportedOperatorModel.CUSTOM_CODE), kind + ": " + reason);
                }
            }));
        }
        for (Item d : damagedEvents) {
            tests.add(DynamicTest.dynamicTest("artifact event " + d.kind(),
                    () -> assertDeadLettered(Topics.ARTIFACTS.name(), d, d.bytes(), dead)));
        }
        return tests.stream();
    }

    /** Waits (bounded) until every version is FAILED; returns their reasons. */
    static Map<String, String> awaitFailed(List<String> versions) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            JsonPath models = given().when().get("/models").jsonPath();
            Map<String, String> reasons = new LinkedHashMap<>();
            for (String v : versions) {
                if ("FAILED".equals(models.getString("find { it.version == '" + v + "' }.state"))) {
                    reasons.put(v, models.getString("find { it.version == '" + v + "' }.reason"));
                }
            }
            if (reasons.size() == versions.size() || System.currentTimeMillis() > deadline) {
                return reasons;
            }
            Thread.sleep(200);
        }
    }

    static byte[] frame(String id, String source, String contentType, byte[] image) {
        return Topics.FRAMES.valueSerde().serializer().serialize(Topics.FRAMES.name(),
                new FrameEvent(id, source, System.currentTimeMillis(), contentType, true, image));
    }

    static byte[] enrollment(String id, String person, String contentType, byte[] image) {
        return Topics.ENROLLMENTS.valueSerde().serializer().serialize(Topics.ENROLLMENTS.name(),
                new EnrollmentEvent(id, person, System.currentTimeMillis(), contentType, true, image));
    }
}
