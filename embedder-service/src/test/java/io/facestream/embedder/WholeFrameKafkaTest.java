package io.facestream.embedder;

import io.facestream.events.Topics;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.FaceBox;
import io.facestream.events.domain.FrameEvent;
import io.facestream.kafka.testing.KafkaTestResource;
import io.facestream.kafka.testing.TestClients;
import io.facestream.model.image.ImagePreprocessor;
import io.facestream.model.image.Preprocessing;
import io.facestream.model.image.RgbImage;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A whole frame with several people in it gives one embedding per face, each with its box in the frame. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class WholeFrameKafkaTest {

    @Test
    void a_frame_with_three_faces_yields_three_embeddings() throws Exception {
        EmbedderTestSupport.ensureAModelServes();
        List<byte[]> crops = EmbedderTestSupport.realFaces(3);
        int[] xs = {40, 300, 560};
        int y = 125;
        int size = 200;
        ImagePreprocessor enlarge = new ImagePreprocessor(Preprocessing.minusOneToOne(size));
        byte[] canvas = new byte[800 * 450 * 3];
        Arrays.fill(canvas, (byte) 200);
        for (int i = 0; i < 3; i++) {
            RgbImage face = enlarge.fit(enlarge.decoder().decode(crops.get(i)));
            for (int row = 0; row < size; row++) {
                System.arraycopy(face.rgb(), row * size * 3, canvas, ((y + row) * 800 + xs[i]) * 3, size * 3);
            }
        }
        String run = Long.toString(System.nanoTime(), 36);
        String source = "cam-group-" + run;
        try (KafkaProducer<String, FrameEvent> producer = TestClients.producer(new StringSerializer(),
                Topics.FRAMES.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.FRAMES.name(), source, new FrameEvent(run + "-group", source,
                    System.currentTimeMillis(), "application/x-rgb;width=800;height=450", false, canvas))).get();
        }
        List<ConsumerRecord<String, EmbeddingEvent>> out = TestClients.read(Topics.EMBEDDINGS.name(),
                new StringDeserializer(), Topics.EMBEDDINGS.valueSerde().deserializer(),
                r -> r.value() != null && source.equals(r.value().sourceId()), 3, Duration.ofSeconds(60));
        assertEquals(3, out.size(), "one embedding per face");
        Set<Integer> indexes = new TreeSet<>();
        Set<Integer> placed = new TreeSet<>();
        for (ConsumerRecord<String, EmbeddingEvent> r : out) {
            EmbeddingEvent e = r.value();
            assertEquals(run + "-group", e.eventId());
            indexes.add(e.faceIndex());
            FaceBox box = e.box();
            int centre = box.x() + box.width() / 2;
            for (int i = 0; i < 3; i++) {
                if (Math.abs(centre - (xs[i] + size / 2)) < size / 3) {
                    placed.add(i);
                }
            }
            assertTrue(box.y() < y + size / 2 && box.y() + box.height() > y + size / 2, "box " + box);
        }
        assertEquals(Set.of(0, 1, 2), indexes, "faces are numbered within the frame");
        assertEquals(Set.of(0, 1, 2), placed, "each placed face is found once");
    }
}
