package io.facestream.trainer.messaging;

import io.facestream.events.Topics;
import io.facestream.events.domain.EnrollmentEvent;
import io.facestream.events.serde.MalformedMessageException;
import io.facestream.model.image.ImageDecoder;
import io.facestream.trainer.data.LabelledImage;
import io.facestream.trainer.data.LabelledImageSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The labelled images on faces.enrollments, the system's source of truth, read from the beginning to the end each
 * partition has when the read starts. The consumer belongs to no group (partitions are assigned, nothing is
 * committed), so reading for training moves no service's position. A tombstone (key = person, no value) deletes the
 * person's images before it, as everywhere else: a person deleted and not enrolled again is not trained on. An
 * image's identity is its enrollment's subject. Records that are not enrollments are skipped and counted (the
 * embedder has dead-lettered them when they arrived); the images are held in memory and decoded when a batch needs
 * them.
 */
public final class EnrollmentTopicSource implements LabelledImageSource {

    private static final Logger LOG = Logger.getLogger(EnrollmentTopicSource.class);

    private final Map<String, Object> consumerConfig;
    private final ImageDecoder decoder;
    private final Duration timeout;
    private String description = "the labelled images on " + Topics.ENROLLMENTS.name();

    /**
     * @param kafkaConfig the Kafka client settings (bootstrap servers, TLS, SASL); group and offsets are set here
     * @param timeout     longest the whole read may take
     */
    public EnrollmentTopicSource(Map<String, Object> kafkaConfig, ImageDecoder decoder, Duration timeout) {
        Map<String, Object> c = new HashMap<>(kafkaConfig);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        this.consumerConfig = c;
        this.decoder = decoder;
        this.timeout = timeout;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public List<LabelledImage> images() throws IOException {
        String topic = Topics.ENROLLMENTS.name();
        // per person, in order: a tombstone clears what came before (one person's records share a partition)
        Map<String, List<LabelledImage>> byPerson = new LinkedHashMap<>();
        int records = 0;
        int skipped = 0;
        int deletions = 0;
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
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("reading " + topic + " to its end took longer than " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;
                    }
                    records++;
                    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                    if (r.value() == null) {
                        if (key != null && byPerson.remove(key) != null) {
                            deletions++;
                        }
                        continue;
                    }
                    EnrollmentEvent event;
                    try {
                        event = Topics.ENROLLMENTS.valueSerde().deserializer().deserialize(topic, r.value());
                    } catch (MalformedMessageException e) {
                        skipped++;
                        continue;
                    }
                    byte[] bytes = event.image();
                    String origin = topic + "/" + r.partition() + "@" + r.offset() + " (" + event.enrollmentId()
                            + ")";
                    byPerson.computeIfAbsent(key != null ? key : event.subject(), k -> new ArrayList<>())
                            .add(new LabelledImage(event.subject(), origin, () -> decoder.decode(bytes)));
                }
            }
        }
        List<LabelledImage> images = byPerson.values().stream().flatMap(List::stream).toList();
        description = String.format("the labelled images on %s: %d records read, %d images of %d people, "
                + "%d people deleted, %d records skipped as unreadable", topic, records, images.size(),
                byPerson.size(), deletions, skipped);
        LOG.info(description);
        return images;
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
