package io.facestream.kafka.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Points a @QuarkusTest at one secured listener of {@link SecureTestKafka} the way an operator points a service at a
 * TLS/SASL cluster: every client setting as a {@code kafka.*} property (kafka.security.protocol,
 * kafka.sasl.jaas.config, kafka.ssl.truststore.location, ...) and nothing else, so the test shows that this one
 * place reaches every client the service has. Resource arguments: {@code listener} (SASL_PLAINTEXT, SSL or SASL_SSL;
 * default SASL_SSL) and {@code topics} ("name:partitions,..."), created through the broker's PLAINTEXT listener.
 */
public class SecureKafkaTestResource implements QuarkusTestResourceLifecycleManager {

    private final Map<String, String> args = new HashMap<>();

    @Override
    public void init(Map<String, String> initArgs) {
        args.putAll(initArgs);
    }

    @Override
    public Map<String, String> start() {
        SecureTestKafka.Listener listener = SecureTestKafka.Listener.valueOf(
                args.getOrDefault("listener", SecureTestKafka.Listener.SASL_SSL.name()));
        SecureTestKafka.createTopics(TestKafka.parseTopics(List.of(args.getOrDefault("topics", ""))));
        Map<String, String> config = new HashMap<>();
        SecureTestKafka.clientConfig(listener).forEach((key, value) -> config.put("kafka." + key, value.toString()));
        // Kafka Streams state is only valid with the broker it came from
        config.put("kafka-streams.state.dir", TestKafka.newTempDir("kafka-streams-state-secure-").toString());
        return config;
    }

    @Override
    public void stop() {
        // the broker is shared by the JVM's test classes
    }
}
