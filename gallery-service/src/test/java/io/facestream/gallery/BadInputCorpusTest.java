package io.facestream.gallery;

import io.facestream.events.Topics;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.FrameEvent;
import io.facestream.events.domain.IdentityMatch;
import io.facestream.events.messaging.DeadLetters;
import io.facestream.events.serde.Envelope;
import io.facestream.events.serde.Float32Vectors;
import io.facestream.events.serde.Serdes;
import io.facestream.gallery.live.LiveFeeds;
import io.facestream.kafka.testing.BadInputCorpus;
import io.facestream.kafka.testing.BadInputCorpus.Item;
import io.facestream.kafka.testing.KafkaTestResource;
import io.facestream.kafka.testing.TestClients;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
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
 * The bad-input corpus through gallery-service: every damaged envelope and unusable vector on faces.embeddings
 * reaches faces.embeddings.dlq unchanged with the dlq.* headers and its reason, and the good probe sent right after
 * each one is answered on faces.identities; every name of the corpus through every REST endpoint that takes one
 * gets a 4xx with a reason (or, for DELETE, is taken as the plain name it is: names are never paths here), and
 * every broken image on faces.frames gets 422 with its reason from the thumbnail endpoint while the good frame
 * after it gets its thumbnail.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class BadInputCorpusTest {

    static final String RUN = Long.toString(System.nanoTime(), 36);
    static final String VERSION = "corpus:" + RUN;

    @Inject
    LiveFeeds feeds;

    /** The reason each vector kind is dead-lettered with; envelope kinds: the corpus's own. */
    static final Map<String, String> REASONS = Map.ofEntries(
            Map.entry("vector-too-short", "payload has 12 bytes, dimension 4 needs 16"),
            Map.entry("vector-too-long", "payload has 20 bytes, dimension 4 needs 16"),
            Map.entry("vector-partial-float", "payload has 17 bytes, dimension 4 needs 16"),
            Map.entry("vector-empty", "payload has 0 bytes, dimension 4 needs 16"),
            Map.entry("vector-nan", "not finite"),
            Map.entry("vector-positive-infinity", "not finite"),
            Map.entry("vector-negative-infinity", "not finite"),
            Map.entry("vector-zero", "zero vector"),
            Map.entry("vector-dimension-mismatch", "embedding has dimension 5, the gallery of model version"));

    static String reasonFor(String kind) {
        String reason = REASONS.containsKey(kind) ? REASONS.get(kind) : BadInputCorpus.envelopeReason(kind);
        assertNotNull(reason, "the test names no reason for corpus kind " + kind);
        return reason;
    }

    /** Enrols two people in this run's model version (4-d) and waits until the gallery lists them. */
    static synchronized void ensureGallery() throws InterruptedException {
        if (given().queryParam("version", VERSION).get("/persons").statusCode() == 200) {
            return;
        }
        try (KafkaProducer<String, EmbeddingEvent> producer = TestClients.producer(
                new org.apache.kafka.common.serialization.StringSerializer(), Serdes.embedding())) {
            producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), "ada",
                    GalleryKafkaTest.enrollment("corpus-e1-" + RUN, "ada", VERSION, 1, 0, 0, 0)));
            producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), "bob",
                    GalleryKafkaTest.enrollment("corpus-e2-" + RUN, "bob", VERSION, 0, 1, 0, 0)));
            producer.flush();
        }
        GalleryKafkaTest.await("the corpus version's two people are listed", () -> {
            Response r = given().queryParam("version", VERSION).get("/persons");
            return r.statusCode() == 200 && r.jsonPath().getList("").size() == 2;
        });
    }

    @TestFactory
    Stream<DynamicTest> faces_embeddings() throws Exception {
        ensureGallery();
        String source = "cam-corpus-" + RUN;
        byte[] template = Serdes.embedding().serialize(Topics.EMBEDDINGS.name(),
                GalleryKafkaTest.enrollment("corpus-template-" + RUN, "carol", VERSION, 0, 0, 1, 0));
        Envelope.Parts parts = Envelope.decode("template", template);
        List<Item> bad = new ArrayList<>(BadInputCorpus.envelopes(Envelope::encode, parts.metadataJson(),
                parts.payload()));
        bad.addAll(BadInputCorpus.vectors(Envelope::encode, parts.metadataJson(), "dimension", Float32Vectors::encode));

        List<String> goodIds = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = TestClients.producer(new ByteArraySerializer(),
                new ByteArraySerializer())) {
            byte[] key = source.getBytes(StandardCharsets.UTF_8);
            for (Item item : bad) {
                producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), key, item.bytes()));
                String goodId = RUN + "-good-after-" + item.kind();
                goodIds.add(goodId);
                producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), key,
                        Serdes.embedding().serialize(Topics.EMBEDDINGS.name(), EmbeddingEvent.probe(goodId, source, 0,
                                VERSION, null, 1, 1, 0, 0, new float[]{0.1f, 0.9f, 0, 0}))));
            }
            producer.flush();
        }
        List<ConsumerRecord<String, IdentityMatch>> answered = TestClients.read(Topics.IDENTITIES.name(),
                new StringDeserializer(), Serdes.identity(), r -> source.equals(r.key()), goodIds.size(),
                Duration.ofSeconds(60));
        List<ConsumerRecord<String, byte[]>> dead = TestClients.read(Topics.EMBEDDINGS.dlq(),
                new StringDeserializer(), new ByteArrayDeserializer(), r -> source.equals(r.key()), bad.size(),
                Duration.ofSeconds(30));

        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("every good probe after a bad record is answered, in order", () -> {
            assertEquals(goodIds, answered.stream().map(r -> r.value().frameId()).toList());
            assertTrue(answered.stream().allMatch(r -> "bob".equals(r.value().identity())),
                    "the probe is bob's: " + answered.stream().map(r -> r.value().identity()).distinct().toList());
        }));
        for (Item item : bad) {
            tests.add(DynamicTest.dynamicTest(item.kind(), () -> {
                ConsumerRecord<String, byte[]> d = dead.stream().filter(r -> Arrays.equals(item.bytes(), r.value()))
                        .findFirst().orElseThrow(() -> new AssertionError(item.kind() + " (" + item.flaw()
                                + ") is not on faces.embeddings.dlq unchanged"));
                String reason = DeadLetters.header(d.headers(), DeadLetters.ERROR_MESSAGE);
                assertNotNull(reason, item.kind());
                assertTrue(reason.contains(reasonFor(item.kind())), item.kind() + ": " + reason);
                assertNotNull(DeadLetters.header(d.headers(), DeadLetters.ERROR_CLASS), item.kind());
                assertEquals(Topics.EMBEDDINGS.name(), DeadLetters.header(d.headers(), DeadLetters.SOURCE_TOPIC));
                Integer.parseInt(DeadLetters.header(d.headers(), DeadLetters.SOURCE_PARTITION));
                Long.parseLong(DeadLetters.header(d.headers(), DeadLetters.SOURCE_OFFSET));
                Long.parseLong(DeadLetters.header(d.headers(), DeadLetters.TIME));
            }));
        }
        return tests.stream();
    }

    /**
     * Every name of the corpus as the person or version of every endpoint that takes one, and as a thumbnail's
     * frame id. A name with the key separator '|' is refused (400); any other name is only ever a key, never a
     * path: GETs answer 404 naming it, DELETE records the deletion of exactly that name (202).
     */
    @TestFactory
    Stream<DynamicTest> rest_names() throws Exception {
        ensureGallery();
        List<DynamicTest> tests = new ArrayList<>();
        for (Item name : BadInputCorpus.names()) {
            String n = name.text();
            boolean separator = n.indexOf('|') >= 0;
            int status = separator ? 400 : 404;
            tests.add(DynamicTest.dynamicTest(name.kind(), () -> {
                refused(given().queryParam("version", n).get("/persons"), status, name);
                refused(given().queryParam("version", n).get("/persons/ada"), status, name);
                if (n.equals("..")) {
                    return; // as a path segment ".." names the parent in a URL: it never reaches a resource as a name
                }
                String segment = segment(n);
                String version = "?version=" + segment(VERSION);
                refused(given().urlEncodingEnabled(false).get("/persons/" + segment + version), status, name);
                refused(given().urlEncodingEnabled(false).get("/persons/" + segment + "/aggregate" + version),
                        status, name);
                refused(given().urlEncodingEnabled(false).get("/live/thumbnails/" + segment), 404, name);
                Response deleted = given().urlEncodingEnabled(false).delete("/persons/" + segment);
                if (separator) {
                    refused(deleted, 400, name);
                } else {
                    assertEquals(202, deleted.statusCode(), name.kind() + ": " + deleted.asString());
                    assertEquals(n, deleted.jsonPath().getString("person"), name.kind());
                }
            }));
        }
        tests.add(DynamicTest.dynamicTest("the gallery still answers after the names", () ->
                assertEquals(List.of("ada", "bob"), given().queryParam("version", VERSION).get("/persons").then()
                        .statusCode(200).extract().jsonPath().getList("person"))));
        return tests.stream();
    }

    /** The name as one URL path segment: every reserved character percent-encoded, '/' included. */
    static String segment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void refused(Response r, int status, Item name) {
        assertEquals(status, r.statusCode(), name.kind() + " (" + name.flaw() + "): " + r.asString());
        String message = r.jsonPath().getString("message");
        assertTrue(message != null && !message.isBlank(), name.kind() + ": no reason in " + r.asString());
    }

    /**
     * Broken images on faces.frames, each followed by a good frame: the thumbnail of each broken one is 422 with
     * the decoder's reason, the good one after it has its thumbnail.
     */
    @TestFactory
    Stream<DynamicTest> live_thumbnails_of_broken_frames() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!feeds.positioned()) {
            assertTrue(System.nanoTime() < deadline, "the live feeds did not reach their topics' ends");
            Thread.sleep(100);
        }
        List<Item> images = BadInputCorpus.images().stream().filter(i -> i.bytes().length > 0).toList();
        String source = "cam-thumbs-" + RUN;
        try (KafkaProducer<byte[], byte[]> producer = TestClients.producer(new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (Item image : images) {
                producer.send(frame(source, RUN + "-" + image.kind(), image.contentType(), image.bytes()));
                producer.send(frame(source, RUN + "-good-after-" + image.kind(), "image/jpeg",
                        BadInputCorpus.goodJpeg()));
            }
            producer.flush();
        }
        String last = RUN + "-good-after-" + images.get(images.size() - 1).kind();
        GalleryKafkaTest.await("the last frame is held", () ->
                given().get("/live/thumbnails/{f}", last).statusCode() == 200);
        List<DynamicTest> tests = new ArrayList<>();
        for (Item image : images) {
            tests.add(DynamicTest.dynamicTest(image.kind(), () -> {
                Response r = given().get("/live/thumbnails/{f}", RUN + "-" + image.kind());
                assertEquals(422, r.statusCode(), image.kind() + " (" + image.flaw() + "): " + r.asString());
                assertTrue(r.jsonPath().getString("message").contains("cannot be decoded"), r.asString());
                given().get("/live/thumbnails/{f}", RUN + "-good-after-" + image.kind()).then().statusCode(200)
                        .contentType("image/jpeg");
            }));
        }
        return tests.stream();
    }

    private static ProducerRecord<byte[], byte[]> frame(String source, String id, String contentType, byte[] image) {
        return new ProducerRecord<>(Topics.FRAMES.name(), source.getBytes(StandardCharsets.UTF_8),
                Topics.FRAMES.valueSerde().serializer().serialize(Topics.FRAMES.name(),
                        new FrameEvent(id, source, System.currentTimeMillis(), contentType, true, image)));
    }
}
