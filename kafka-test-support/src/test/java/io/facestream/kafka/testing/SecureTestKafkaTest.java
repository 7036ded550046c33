package io.facestream.kafka.testing;

import io.facestream.kafka.testing.SecureTestKafka.Listener;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The secured listeners let in the clients with the right settings, and only those. */
class SecureTestKafkaTest {

    @Test
    void sasl_refuses_a_wrong_password_and_accepts_the_right_one() throws Exception {
        assertRefused(SecureTestKafka.clientConfig(Listener.SASL_PLAINTEXT, SecureTestKafka.USER, "wrong"),
                SaslAuthenticationException.class);
        assertRefused(SecureTestKafka.clientConfig(Listener.SASL_PLAINTEXT, "nobody", SecureTestKafka.PASSWORD),
                SaslAuthenticationException.class);
        assertRecordsFlow(SecureTestKafka.clientConfig(Listener.SASL_PLAINTEXT));
    }

    @Test
    void tls_refuses_a_client_that_does_not_trust_the_certificate_and_accepts_one_that_does() throws Exception {
        assertRefused(withoutTruststore(SecureTestKafka.clientConfig(Listener.SSL)), SslAuthenticationException.class);
        assertRecordsFlow(SecureTestKafka.clientConfig(Listener.SSL));
    }

    @Test
    void sasl_over_tls_needs_both_the_truststore_and_the_password() throws Exception {
        assertRefused(SecureTestKafka.clientConfig(Listener.SASL_SSL, SecureTestKafka.USER, "wrong"),
                SaslAuthenticationException.class);
        assertRefused(withoutTruststore(SecureTestKafka.clientConfig(Listener.SASL_SSL)),
                SslAuthenticationException.class);
        assertRecordsFlow(SecureTestKafka.clientConfig(Listener.SASL_SSL));
    }

    /** The JDK's default truststore, which does not know the test certificate. */
    private static Map<String, Object> withoutTruststore(Map<String, Object> clientConfig) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.remove(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG);
        c.remove(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG);
        c.remove(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG);
        return c;
    }

    private static void assertRefused(Map<String, Object> clientConfig, Class<? extends Exception> expected) {
        try (Admin admin = Admin.create(clientConfig)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> admin.listTopics().names().get(30, TimeUnit.SECONDS));
            assertInstanceOf(expected, e.getCause(), String.valueOf(e.getCause()));
        }
    }

    /** A record written through the listener is read back through it. */
    private static void assertRecordsFlow(Map<String, Object> clientConfig) throws Exception {
        String topic = "secure-" + clientConfig.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG).toString()
                .toLowerCase();
        SecureTestKafka.createTopics(Map.of(topic, 1));
        String value = UUID.randomUUID().toString();
        try (KafkaProducer<String, String> producer = TestClients.producer(clientConfig, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get(30, TimeUnit.SECONDS);
        }
        var read = TestClients.read(clientConfig, topic, new StringDeserializer(), new StringDeserializer(),
                r -> value.equals(r.value()), 1, Duration.ofSeconds(30));
        assertEquals(List.of(value), read.stream().map(r -> r.value()).toList());
    }
}
