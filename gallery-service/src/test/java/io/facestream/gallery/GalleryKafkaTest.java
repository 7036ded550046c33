package io.facestream.gallery;

import io.facestream.events.Topics;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.IdentityMatch;
import io.facestream.events.serde.Serdes;
import io.facestream.kafka.testing.KafkaTestResource;
import io.facestream.kafka.testing.TestClients;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The running gallery-service against the real broker: a test producer publishes embeddings (as the embedder
 * would), the service answers on faces.identities and over REST; a malformed record between them is dead-lettered.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class GalleryKafkaTest {

    static final float H = (float) Math.sqrt(0.5);

    static EmbeddingEvent enrollment(String id, String person, String version, float... v) {
        return EmbeddingEvent.enrollment(id, person, version, null, 1, 1, 0, 0, v);
    }

    /** Polls until the condition holds (the gallery is eventually consistent with the topics), bounded. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(200);
        }
    }

    @Test
    void embeddings_in_identities_out_through_the_real_broker() {
        String version = "kafka-test:" + System.nanoTime();
        try (KafkaProducer<String, EmbeddingEvent> producer = TestClients.producer(new StringSerializer(), Serdes.embedding());
             KafkaProducer<byte[], byte[]> raw = TestClients.producer(new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), "ada",
                    enrollment("e1", "ada", version, 1, 0, 0, 0)));
            producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), "bob",
                    enrollment("e2", "bob", version, 0, 1, 0, 0)));
            producer.flush();
            raw.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), "cam-9".getBytes(StandardCharsets.UTF_8),
                    "not an embedding".getBytes(StandardCharsets.UTF_8)));
            raw.flush();
            // probes are sent until one is answered with a known identity: the centroids reach the global store
            // asynchronously, and an early probe is correctly answered "unknown"
            List<ConsumerRecord<String, IdentityMatch>> known = List.of();
            for (int attempt = 0; attempt < 30 && known.isEmpty(); attempt++) {
                producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), "cam-9",
                        EmbeddingEvent.probe("frame-" + attempt, "cam-9", 0, version, null, 1, 1, 0, 0,
                                new float[]{0.1f, 0.9f, 0, 0})));
                producer.flush();
                known = TestClients.read(Topics.IDENTITIES.name(), new StringDeserializer(), Serdes.identity(),
                        r -> r.value().modelVersion().equals(version) && r.value().known(), 1, Duration.ofSeconds(2));
            }
            // one poll may bring the known answers of more than one probe; each names the same person
            assertFalse(known.isEmpty(), "an identity for the probe");
            assertEquals("bob", known.get(0).value().identity());
            assertEquals("ada", known.get(0).value().runnerUp());
            assertEquals(0.35, known.get(0).value().threshold(), "two people: the fixed threshold");
            assertEquals("cam-9", known.get(0).key());
        }
        var dead = TestClients.read(Topics.EMBEDDINGS.dlq(), new StringDeserializer(), new StringDeserializer(),
                r -> "not an embedding".equals(r.value()), 1, Duration.ofSeconds(30));
        assertEquals(1, dead.size(), "the malformed record is in the dead-letter topic");
    }

    @Test
    void rest_lists_shows_aggregates_and_deletes_people() throws InterruptedException {
        long n = System.nanoTime();
        String version = "rest-test-" + n;
        String ada = "ada-" + n;
        String bob = "bob-" + n;
        try (KafkaProducer<String, EmbeddingEvent> producer = TestClients.producer(new StringSerializer(), Serdes.embedding())) {
            producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), ada, enrollment("r1", ada, version, 1, 0, 0, 0)));
            producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), ada, enrollment("r2", ada, version, 0, 1, 0, 0)));
            producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), bob, enrollment("r3", bob, version, 0, 0, 1, 0)));
            producer.flush();
        }
        await("both people are listed with their image counts", () -> {
            Response r = given().queryParam("version", version).get("/persons");
            return r.statusCode() == 200 && r.jsonPath().getList("").size() == 2
                    && Integer.valueOf(2).equals(r.jsonPath().getMap("[0].imageCounts").get(version));
        });

        JsonPath people = given().queryParam("version", version).get("/persons").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of(ada, bob), people.getList("person"));
        assertEquals(Map.of(version, 1), people.getMap("[1].imageCounts"));
        JsonPath all = given().get("/persons").then().statusCode(200).extract().jsonPath();
        assertTrue(all.getList("person").contains(ada), "listed without a version too");

        JsonPath centroid = given().queryParam("version", version).get("/persons/" + ada)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(2, centroid.getInt("imageCount"));
        assertEquals(4, centroid.getInt("dimension"));
        List<Float> vector = centroid.getList("vector", Float.class);
        assertEquals(List.of(H, H, 0f, 0f), vector, "the normalised mean of (1,0,0,0) and (0,1,0,0)");

        given().get("/persons/" + ada).then().statusCode(400).body("message", containsString(version));
        given().queryParam("version", version).get("/persons/nobody-" + n).then().statusCode(404)
                .body("message", containsString("nobody-" + n));
        given().queryParam("version", "no-such-version").get("/persons").then().statusCode(404)
                .body("message", containsString("no-such-version"));
        given().queryParam("version", "a|b").get("/persons").then().statusCode(400);

        JsonPath versions = given().get("/versions").then().statusCode(200).extract().jsonPath();
        Map<String, Object> mine = versions.getMap("find { it.modelVersion == '" + version + "' }");
        assertEquals(2, mine.get("persons"));
        assertEquals(3, mine.get("enrollmentImages"));
        assertEquals(4, mine.get("dimension"));
        assertEquals(Map.of("value", 0.35f, "source", "FIXED_TOO_FEW_PERSONS", "impostorScores", 0, "targetFar", 0.001f),
                mine.get("threshold"), "two people are too few to calibrate: the fixed threshold");

        JsonPath meta = given().get("/meta-data").then().statusCode(200).extract().jsonPath();
        assertEquals(1, meta.getList("").size(), "one instance");
        assertEquals(true, meta.getBoolean("[0].self"), meta.prettify());
        assertTrue(meta.getList("[0].stores").containsAll(List.of("centroid-sums", "centroids", "person-versions")),
                meta.getList("[0].stores").toString());
        assertFalse(meta.getList("[0].partitions").isEmpty());
        String self = meta.getString("[0].host") + ":" + meta.getInt("[0].port");

        given().queryParam("version", version).get("/persons/" + ada + "/aggregate").then().statusCode(200)
                .body("imageCount", is(2))
                .body("dimension", is(4))
                .body("meanNorm", is((float) Math.sqrt(2) / 2))
                .body("sum", is(List.of(1.0f, 1.0f, 0f, 0f)))
                .body("partition", notNullValue())
                .body("servedBy", is(self));

        given().delete("/persons/" + ada).then().statusCode(202)
                .body("topic", is(Topics.ENROLLMENTS.name()))
                .body("person", is(ada));
        // the deletion is a tombstone on faces.enrollments; the embedder (not running here) forwards it
        var tombstones = TestClients.read(Topics.ENROLLMENTS.name(), new StringDeserializer(),
                new ByteArrayDeserializer(), r -> ada.equals(r.key()), 1, Duration.ofSeconds(30));
        assertEquals(1, tombstones.size());
        assertNull(tombstones.get(0).value(), "a tombstone");
        try (KafkaProducer<String, byte[]> embedder = TestClients.producer(new StringSerializer(), new ByteArraySerializer())) {
            embedder.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), ada, null));
            embedder.flush();
        }
        await("the deleted person is gone", () ->
                given().queryParam("version", version).get("/persons/" + ada).statusCode() == 404);
        assertEquals(List.of(bob), given().queryParam("version", version).get("/persons").then().statusCode(200)
                .extract().jsonPath().getList("person"));
        given().queryParam("version", version).get("/persons/" + ada + "/aggregate").then().statusCode(404);
        var dead = TestClients.read(Topics.EMBEDDINGS.dlq(), new StringDeserializer(), new ByteArrayDeserializer(),
                r -> ada.equals(r.key()), 1, Duration.ofSeconds(2));
        assertTrue(dead.isEmpty(), "the tombstone was not dead-lettered");
    }

    @Test
    void ready_when_the_streams_are_running() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void the_rest_api_is_described() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/persons/{person}/aggregate'.get.summary", containsString("running sum"));
    }
}
