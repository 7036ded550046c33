package io.facestream.gallery;

import io.facestream.events.Topics;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.IdentityMatch;
import io.facestream.events.serde.Serdes;
import io.facestream.gallery.live.LiveFeeds;
import io.facestream.kafka.testing.SecureKafkaTestResource;
import io.facestream.kafka.testing.SecureTestKafka;
import io.facestream.kafka.testing.TestClients;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.facestream.gallery.GalleryKafkaTest.await;
import static io.facestream.gallery.GalleryKafkaTest.enrollment;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The gallery against a broker that takes only TLS with SASL/PLAIN on the listener it is given, configured as an
 * operator would: kafka.security.protocol, kafka.sasl.*, kafka.ssl.truststore.* and nothing else. Every client the
 * service has works through it: the topic admin at start, Kafka Streams (identities out for embeddings in), the
 * live feeds' consumers and the deletions producer.
 */
@QuarkusTest
@WithTestResource(value = SecureKafkaTestResource.class, initArgs = @ResourceArg(name = "listener", value = "SASL_SSL"))
class GallerySecureKafkaTest {

    @Inject
    LiveFeeds feeds;

    private static final Map<String, Object> CLIENT = SecureTestKafka.clientConfig(SecureTestKafka.Listener.SASL_SSL);

    @Test
    void every_client_of_the_service_works_over_sasl_ssl() throws InterruptedException {
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
        await("the live feeds follow their topics", feeds::positioned);

        String version = "secure-test:" + System.nanoTime();
        try (KafkaProducer<String, EmbeddingEvent> producer = TestClients.producer(CLIENT, new StringSerializer(),
                Serdes.embedding())) {
            producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), "ada",
                    enrollment("s1", "ada", version, 1, 0, 0, 0)));
            producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), "bob",
                    enrollment("s2", "bob", version, 0, 1, 0, 0)));
            producer.flush();
            List<ConsumerRecord<String, IdentityMatch>> known = List.of();
            for (int attempt = 0; attempt < 30 && known.isEmpty(); attempt++) {
                producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), "cam-s",
                        EmbeddingEvent.probe("frame-" + attempt, "cam-s", 0, version, null, 1, 1, 0, 0,
                                new float[]{0.9f, 0.1f, 0, 0})));
                producer.flush();
                known = TestClients.read(CLIENT, Topics.IDENTITIES.name(), new StringDeserializer(), Serdes.identity(),
                        r -> r.value().modelVersion().equals(version) && r.value().known(), 1, Duration.ofSeconds(2));
            }
            assertFalse(known.isEmpty(), "an identity for the probe");
            assertEquals("ada", known.get(0).value().identity());
        }

        String person = "secure-" + System.nanoTime();
        given().delete("/persons/" + person).then().statusCode(202);
        var tombstones = TestClients.read(CLIENT, Topics.ENROLLMENTS.name(), new StringDeserializer(),
                new ByteArrayDeserializer(), r -> person.equals(r.key()), 1, Duration.ofSeconds(30));
        assertEquals(1, tombstones.size(), "the deletion reached faces.enrollments");
        assertNull(tombstones.get(0).value(), "a tombstone");
    }
}
