package io.facestream.kafka.testing;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/** Plain producers and consumers on the test broker, for tests that talk to services through Kafka. */
public final class TestClients {

    private TestClients() {
    }

    public static <K, V> KafkaProducer<K, V> producer(Serializer<K> keys, Serializer<V> values) {
        return producer(shared(), keys, values);
    }

    /** A producer with these client settings (another broker, or TLS/SASL: {@link SecureTestKafka#clientConfig}). */
    public static <K, V> KafkaProducer<K, V> producer(Map<String, Object> clientConfig, Serializer<K> keys,
                                                      Serializer<V> values) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
        return new KafkaProducer<>(c, keys, values);
    }

    /**
     * Reads a topic from the beginning until {@code expected} records pass the filter or the timeout ends; returns
     * what it saw that passed (the caller asserts on the count, so a shortfall reads as a clear failure).
     */
    public static <K, V> List<ConsumerRecord<K, V>> read(String topic, Deserializer<K> keys, Deserializer<V> values,
                                                         Predicate<ConsumerRecord<K, V>> filter, int expected,
                                                         Duration timeout) {
        return read(shared(), topic, keys, values, filter, expected, timeout);
    }

    /** As {@link #read(String, Deserializer, Deserializer, Predicate, int, Duration)} with these client settings. */
    public static <K, V> List<ConsumerRecord<K, V>> read(Map<String, Object> clientConfig, String topic,
                                                         Deserializer<K> keys, Deserializer<V> values,
                                                         Predicate<ConsumerRecord<K, V>> filter, int expected,
                                                         Duration timeout) {
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(c, keys, values)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<K, V> r : consumer.poll(Duration.ofMillis(200))) {
                    if (filter.test(r)) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    private static Map<String, Object> shared() {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
    }
}
