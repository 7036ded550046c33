package io.facestream.events;

import io.facestream.events.domain.EnrollmentEvent;
import io.facestream.events.messaging.EnrollmentLog;
import io.facestream.events.messaging.TopicAdmin;
import io.facestream.kafka.testing.SecureTestKafka;
import io.facestream.kafka.testing.SecureTestKafka.Listener;
import io.facestream.kafka.testing.TestClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The clients face-events builds (the topic admin every service runs at start, and the reader of faces.enrollments
 * the trainer and the converter use) take their TLS and SASL settings from the Kafka client settings they are given.
 */
class SecureClientsKafkaTest {

    @Test
    void topic_admin_and_enrollment_log_work_over_sasl_ssl() throws Exception {
        Map<String, Object> client = SecureTestKafka.clientConfig(Listener.SASL_SSL);
        TopicAdmin.ensureSystemTopics(client);
        try (Admin admin = Admin.create(client)) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            for (Topic<?, ?> t : Topics.all()) {
                assertTrue(names.contains(t.name()), t.name());
            }
        }

        String person = "secure-" + UUID.randomUUID();
        try (KafkaProducer<String, EnrollmentEvent> producer = TestClients.producer(client, new StringSerializer(),
                Topics.ENROLLMENTS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.ENROLLMENTS.name(), person, new EnrollmentEvent("e-" + person,
                    person, System.currentTimeMillis(), "image/png", true, new byte[]{1, 2, 3}))).get(30, TimeUnit.SECONDS);
        }
        List<String> seen = new ArrayList<>();
        new EnrollmentLog(client).readToEnd(Duration.ofSeconds(30), new EnrollmentLog.Visitor() {
            @Override
            public void enrollment(String key, EnrollmentEvent event, int partition, long offset) {
                if (key.equals(person)) {
                    seen.add(event.enrollmentId());
                }
            }

            @Override
            public void deletion(String key) {
            }
        });
        assertEquals(List.of("e-" + person), seen);
    }

    @Test
    void topic_admin_reports_refused_credentials() {
        Map<String, Object> wrong = SecureTestKafka.clientConfig(Listener.SASL_SSL, SecureTestKafka.USER, "wrong");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TopicAdmin.ensureTopics(wrong, Topics.all(), 30_000));
        assertInstanceOf(SaslAuthenticationException.class, e.getCause().getCause(), String.valueOf(e.getCause()));
    }
}
