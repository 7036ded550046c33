package io.facestream.converter.messaging;

import io.facestream.converter.ConverterTestData;
import io.facestream.events.Topics;
import io.facestream.events.domain.EnrollmentEvent;
import io.facestream.events.messaging.TopicAdmin;
import io.facestream.kafka.testing.KafkaTestResource;
import io.facestream.kafka.testing.TestClients;
import io.facestream.kafka.testing.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calibration images from faces.enrollments on the real broker: enrolled face crops are used, whole frames and
 * unreadable records are not, and a person deleted by a tombstone never calibrates a model. A @QuarkusTest with the
 * other tests' resources only so that it shares their broker (a plain test class would start a second one).
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(ConverterTestData.class)
class EnrollmentCalibrationSourceTest {

    @Test
    void face_crops_of_people_not_deleted() throws Exception {
        Map<String, Object> kafka = Map.of("bootstrap.servers", TestKafka.bootstrapServers());
        TopicAdmin.ensureSystemTopics(kafka);
        String run = Long.toString(System.nanoTime(), 36);
        String ann = "ann-" + run;
        String bob = "bob-" + run;
        String cid = "cid-" + run;
        try (KafkaProducer<String, EnrollmentEvent> producer = TestClients.producer(new StringSerializer(),
                Topics.ENROLLMENTS.valueSerde().serializer());
             KafkaProducer<String, byte[]> raw = TestClients.producer(new StringSerializer(),
                     new ByteArraySerializer())) {
            producer.send(enrollment(ann, 1, true));
            producer.send(enrollment(ann, 2, true));
            producer.send(enrollment(bob, 1, true));
            producer.send(enrollment(cid, 1, false)); // a whole frame
            producer.send(new ProducerRecord<>(Topics.ENROLLMENTS.name(), bob, null)); // bob is deleted
            producer.flush();
            raw.send(new ProducerRecord<>(Topics.ENROLLMENTS.name(), cid, "not an envelope".getBytes())).get();
        }

        List<String> images = new EnrollmentCalibrationSource(kafka, Duration.ofSeconds(30)).images(10_000)
                .stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
        assertTrue(images.contains(ann + "-1") && images.contains(ann + "-2"), "ann's crops: " + images);
        assertFalse(images.contains(bob + "-1"), "bob was deleted");
        assertFalse(images.contains(cid + "-1"), "whole frames are not calibration images");

        List<byte[]> two = new EnrollmentCalibrationSource(kafka, Duration.ofSeconds(30)).images(2);
        assertEquals(2, two.size(), "bounded by the count asked for");
    }

    private static ProducerRecord<String, EnrollmentEvent> enrollment(String person, int n, boolean crop) {
        // the source hands on encoded bytes without decoding them: the text marks which enrolment each one is
        byte[] image = (person + "-" + n).getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(Topics.ENROLLMENTS.name(), person, new EnrollmentEvent(person + "-e" + n, person,
                System.currentTimeMillis(), "image/jpeg", crop, image));
    }
}
