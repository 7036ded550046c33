package io.facestream.embedder;

import io.facestream.events.Topics;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.FrameEvent;
import io.facestream.events.domain.ModelArtifactEvent;
import io.facestream.kafka.testing.SecureKafkaTestResource;
import io.facestream.kafka.testing.SecureTestKafka;
import io.facestream.kafka.testing.TestClients;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedder against a broker that takes only TLS on the listener it is given (kafka.security.protocol=SSL and
 * kafka.ssl.truststore.*, nothing else): the artifact watcher loads a model announced over TLS, and the embedding
 * worker's consumer and producer turn a frame into an embedding.
 */
@QuarkusTest
@WithTestResource(value = SecureKafkaTestResource.class, initArgs = @ResourceArg(name = "listener", value = "SSL"))
class EmbedderSecureKafkaTest {

    private static final Map<String, Object> CLIENT = SecureTestKafka.clientConfig(SecureTestKafka.Listener.SSL);

    @Test
    void a_model_and_a_frame_over_tls_give_an_embedding_over_tls() throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        ModelArtifactEvent model = TestModels.build("test-face:tls-" + run, 21, false, EmbedderTestSupport.MODEL_DIR)
                .event();
        try (KafkaProducer<String, ModelArtifactEvent> p = TestClients.producer(CLIENT, new StringSerializer(),
                Topics.ARTIFACTS.valueSerde().serializer())) {
            p.send(new ProducerRecord<>(Topics.ARTIFACTS.name(), model.modelName(), model)).get(30, TimeUnit.SECONDS);
        }
        assertTrue(EmbedderTestSupport.awaitActive(model.version(), 120_000), "the model announced over TLS serves");
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));

        String source = "cam-tls-" + run;
        try (KafkaProducer<String, FrameEvent> p = TestClients.producer(CLIENT, new StringSerializer(),
                Topics.FRAMES.valueSerde().serializer())) {
            p.send(new ProducerRecord<>(Topics.FRAMES.name(), source, new FrameEvent(run, source,
                    System.currentTimeMillis(), "image/jpeg", true, faceCrop()))).get(30, TimeUnit.SECONDS);
        }
        List<ConsumerRecord<String, EmbeddingEvent>> out = TestClients.read(CLIENT, Topics.EMBEDDINGS.name(),
                new StringDeserializer(), Topics.EMBEDDINGS.valueSerde().deserializer(),
                r -> r.value() != null && source.equals(r.value().sourceId()), 1, Duration.ofSeconds(60));
        assertEquals(1, out.size(), "one embedding for the frame");
        assertEquals(model.version(), out.get(0).value().modelVersion());
        assertEquals(run, out.get(0).value().eventId());
    }

    /** A made-up 64x64 face crop: the frame's content does not matter here, only that it travels. */
    private static byte[] faceCrop() throws IOException {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(200, 160, 130));
        g.fillOval(8, 4, 48, 56);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }
}
