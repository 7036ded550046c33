package io.facestream.converter.messaging;

import io.facestream.converter.service.CalibrationSource;
import io.facestream.events.Topics;
import io.facestream.events.domain.EnrollmentEvent;
import io.facestream.events.serde.MalformedMessageException;
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
 * The face crops enrolled on faces.enrollments, read from the beginning to the end each partition has when the read
 * starts, by a consumer in no group (nothing is committed, no service's position moves). A tombstone deletes the
 * person's images before it, so a deleted person's face never calibrates a model. Whole frames (faceCrop=false) are
 * left out: the model only ever sees aligned crops. Memory stays bounded: once twice the requested number of images
 * is held, further people's images are not kept (the read still goes on to see deletions). Images are taken
 * round-robin over the people.
 */
public final class EnrollmentCalibrationSource implements CalibrationSource {

    private static final Logger LOG = Logger.getLogger(EnrollmentCalibrationSource.class);

    private final Map<String, Object> consumerConfig;
    private final Duration timeout;

    /** @param kafkaConfig Kafka client settings (bootstrap servers, TLS, SASL); group and offsets are set here */
    public EnrollmentCalibrationSource(Map<String, Object> kafkaConfig, Duration timeout) {
        Map<String, Object> c = new HashMap<>(kafkaConfig);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        this.consumerConfig = c;
        this.timeout = timeout;
    }

    @Override
    public List<byte[]> images(int count) throws IOException {
        String topic = Topics.ENROLLMENTS.name();
        Map<String, List<byte[]>> byPerson = new LinkedHashMap<>();
        int held = 0;
        int wholeFrames = 0;
        int unreadable = 0;
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
                    throw new IOException("reading " + topic + " to its end took longer than " + timeout
                            + " (converter.enrollment-read-timeout-ms)");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;
                    }
                    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                    if (r.value() == null) {
                        List<byte[]> removed = key == null ? null : byPerson.remove(key);
                        held -= removed == null ? 0 : removed.size();
                        continue;
                    }
                    EnrollmentEvent event;
                    try {
                        event = Topics.ENROLLMENTS.valueSerde().deserializer().deserialize(topic, r.value());
                    } catch (MalformedMessageException e) {
                        unreadable++;
                        continue;
                    }
                    if (!event.faceCrop()) {
                        wholeFrames++;
                        continue;
                    }
                    String person = key != null ? key : event.subject();
                    List<byte[]> images = byPerson.get(person);
                    if (images == null && held >= 2 * count) {
                        continue;
                    }
                    if (images == null) {
                        images = new ArrayList<>();
                        byPerson.put(person, images);
                    }
                    if (images.size() < count) {
                        images.add(event.image());
                        held++;
                    }
                }
            }
        }
        List<byte[]> out = new ArrayList<>();
        for (int round = 0; out.size() < count; round++) {
            boolean any = false;
            for (List<byte[]> images : byPerson.values()) {
                if (round < images.size() && out.size() < count) {
                    out.add(images.get(round));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        LOG.infof("%d calibration images of %d people from %s (%d whole frames and %d unreadable records left out)",
                out.size(), byPerson.size(), topic, wholeFrames, unreadable);
        return out;
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String description() {
        return "the face crops enrolled on " + Topics.ENROLLMENTS.name();
    }
}
