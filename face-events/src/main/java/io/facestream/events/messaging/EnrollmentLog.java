package io.facestream.events.messaging;

import io.facestream.events.Topics;
import io.facestream.events.domain.EnrollmentEvent;
import io.facestream.events.serde.MalformedMessageException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads faces.enrollments, the source of truth of who is enrolled, from the beginning to the end each partition has
 * when the read starts, with a consumer in no group (nothing is committed; no service's position moves). A
 * tombstone (key = person, no value) deletes the person's images before it; one person's records share a partition,
 * so the visitor sees them in order.
 */
public final class EnrollmentLog {

    /** What the read finds, record by record. */
    public interface Visitor {
        /** A readable enrollment at this partition and offset; {@code person} is the key (or the subject). */
        void enrollment(String person, EnrollmentEvent event, int partition, long offset);

        /** A tombstone: the person's images before it are deleted. */
        void deletion(String person);

        /** A record that is not an enrollment (the embedder dead-lettered it when it arrived). */
        default void unreadable(ConsumerRecord<byte[], byte[]> record, MalformedMessageException error) {
        }
    }

    private final Map<String, Object> consumerConfig;

    /** @param kafkaConfig the Kafka client settings (bootstrap servers, TLS, SASL); group and offsets are set here */
    public EnrollmentLog(Map<String, Object> kafkaConfig) {
        Map<String, Object> c = new HashMap<>(kafkaConfig);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        this.consumerConfig = c;
    }

    /** Visits every record to the current end; throws when that takes longer than {@code timeout}. */
    public void readToEnd(Duration timeout, Visitor visitor) throws IOException {
        String topic = Topics.ENROLLMENTS.name();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IOException("topic " + topic + " does not exist");
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition()))
                    .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("reading " + topic + " to its end took longer than " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        visit(r, visitor);
                    }
                }
            }
        }
    }

    private static void visit(ConsumerRecord<byte[], byte[]> r, Visitor visitor) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        if (r.value() == null) {
            if (key != null) {
                visitor.deletion(key);
            }
            return;
        }
        try {
            EnrollmentEvent event = Topics.ENROLLMENTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
            visitor.enrollment(key != null ? key : event.subject(), event, r.partition(), r.offset());
        } catch (MalformedMessageException e) {
            visitor.unreadable(r, e);
        }
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
