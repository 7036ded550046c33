package io.facestream.gallery;

import io.facestream.events.Topics;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.IdentityMatch;
import io.facestream.events.serde.Serdes;
import io.facestream.kafka.testing.KafkaTestResource;
import io.facestream.kafka.testing.TestClients;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The running gallery-service against the real broker: a test producer publishes embeddings (as the embedder
 * would), the service answers on faces.identities; a malformed record between them is dead-lettered.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class GalleryKafkaTest {

    @Test
    void embeddings_in_identities_out_through_the_real_broker() {
        String version = "kafka-test:" + System.nanoTime();
        try (KafkaProducer<String, EmbeddingEvent> producer = TestClients.producer(new StringSerializer(), Serdes.embedding());
             KafkaProducer<byte[], byte[]> raw = TestClients.producer(new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), "ada",
                    EmbeddingEvent.enrollment("e1", "ada", version, null, 1, 1, 0, 0, new float[]{1, 0, 0, 0})));
            producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), "bob",
                    EmbeddingEvent.enrollment("e2", "bob", version, null, 1, 1, 0, 0, new float[]{0, 1, 0, 0})));
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
            assertEquals(1, known.size(), "an identity for the probe");
            assertEquals("bob", known.get(0).value().identity());
            assertEquals("ada", known.get(0).value().runnerUp());
            assertEquals("cam-9", known.get(0).key());
        }
        var dead = TestClients.read(Topics.EMBEDDINGS.dlq(), new StringDeserializer(), new StringDeserializer(),
                r -> "not an embedding".equals(r.value()), 1, Duration.ofSeconds(30));
        assertEquals(1, dead.size(), "the malformed record is in the dead-letter topic");
    }

    @Test
    void ready_when_the_streams_are_running() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
    }
}
