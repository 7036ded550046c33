package io.facestream.embedder.messaging;

import io.facestream.embedder.model.ActiveModel;
import io.facestream.embedder.model.EmbeddingModel;
import io.facestream.embedder.model.GalleryBuild;
import io.facestream.embedder.model.GalleryBuilder;
import io.facestream.embedder.service.FaceInput;
import io.facestream.events.Topics;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.EnrollmentEvent;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Builds a new model version's gallery from the source of truth: every enrollment on faces.enrollments below the
 * live workers' committed position is embedded again with the new model (the live workers embed what comes after
 * with both models); for the first model, while the workers are paused, every enrollment stored so far. A person's images before their last deletion (tombstone) are skipped, so a deleted person does
 * not come back. Unusable records were dead-lettered when they first arrived and are only counted here.
 */
public final class EnrollmentReplayer implements GalleryBuilder {

    private static final Logger LOG = Logger.getLogger(EnrollmentReplayer.class);

    private final Map<String, Object> consumerConfig;
    private final Supplier<Admin> admin;
    private final KafkaProducer<byte[], byte[]> producer;
    private final String liveGroupId;
    private final int interpreterIndex;
    private final int batchSize;

    /**
     * @param interpreterIndex which of the build model's copies is the replay's own (the workers use the others)
     */
    public EnrollmentReplayer(Map<String, Object> consumerConfig, Supplier<Admin> admin,
                              KafkaProducer<byte[], byte[]> producer, String liveGroupId, int interpreterIndex,
                              int batchSize) {
        this.consumerConfig = consumerConfig;
        this.admin = admin;
        this.producer = producer;
        this.liveGroupId = liveGroupId;
        this.interpreterIndex = interpreterIndex;
        this.batchSize = batchSize;
    }

    @Override
    public void replay(GalleryBuild build) throws Exception {
        long t0 = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.ENROLLMENTS.name(), Duration.ofSeconds(30))
                    .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            Map<TopicPartition, Long> end = build.firstModel() ? consumer.endOffsets(partitions)
                    : liveGroupPosition(consumer, partitions);
            consumer.assign(partitions);

            Map<String, Long> lastDeletion = new HashMap<>();
            readBelow(consumer, partitions, end, r -> {
                if (r.value() == null && r.key() != null) {
                    lastDeletion.put(new String(r.key(), StandardCharsets.UTF_8), r.offset());
                }
            });

            ActiveModel model = build.model();
            EmbeddingModel interpreter = model.forWorker(interpreterIndex);
            List<EnrollmentEvent> batch = new ArrayList<>();
            List<FaceInput.Face> faces = new ArrayList<>();
            int[] skipped = {0};
            readBelow(consumer, partitions, end, r -> {
                if (r.value() == null) {
                    return;
                }
                try {
                    EnrollmentEvent e = Topics.ENROLLMENTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    Long deletedAt = lastDeletion.get(e.subject());
                    if (deletedAt != null && r.offset() < deletedAt) {
                        return;
                    }
                    faces.add(FaceInput.decodeCrop(model.preprocessor(), e.contentType(), e.image()));
                    batch.add(e);
                } catch (RuntimeException unusable) {
                    skipped[0]++;
                }
                if (batch.size() >= batchSize) {
                    embedAndSend(batch, faces, model, interpreter, build);
                }
            });
            embedAndSend(batch, faces, model, interpreter, build);
            LOG.infof("gallery replay for %s: %d enrollments embedded, %d unusable skipped, in %.1f s",
                    model.version(), build.expectedImages(), skipped[0], (System.nanoTime() - t0) / 1e9);
        }
    }

    /** Where the live workers are: below it, only the replay embeds with the new model. */
    private Map<TopicPartition, Long> liveGroupPosition(KafkaConsumer<byte[], byte[]> consumer,
                                                        List<TopicPartition> partitions) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed;
        try (Admin a = admin.get()) {
            committed = a.listConsumerGroupOffsets(liveGroupId).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
        }
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> end = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            end.put(tp, c == null ? beginning.get(tp) : Math.max(c.offset(), beginning.get(tp)));
        }
        return end;
    }

    private static void readBelow(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                                  Map<TopicPartition, Long> end,
                                  java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        consumer.seekToBeginning(partitions);
        while (true) {
            boolean done = true;
            for (TopicPartition tp : partitions) {
                done &= consumer.position(tp) >= end.get(tp);
            }
            if (done) {
                return;
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                    handler.accept(r);
                }
            }
        }
    }

    private void embedAndSend(List<EnrollmentEvent> batch, List<FaceInput.Face> faces, ActiveModel model,
                              EmbeddingModel interpreter, GalleryBuild build) {
        if (batch.isEmpty()) {
            return;
        }
        int length = model.preprocessor().tensorLength();
        float[] inputs = new float[batch.size() * length];
        for (int i = 0; i < batch.size(); i++) {
            model.preprocessor().writeTensor(faces.get(i).image(), inputs, i * length);
        }
        float[][] vectors = interpreter.embed(inputs, batch.size());
        long now = System.currentTimeMillis();
        for (int i = 0; i < batch.size(); i++) {
            EnrollmentEvent e = batch.get(i);
            EmbeddingEvent event = EmbeddingEvent.enrollment(e.enrollmentId(), e.subject(), model.version(),
                    faces.get(i).box(), e.createdAtMs(), now, 0, 0, vectors[i]);
            producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), e.subject().getBytes(StandardCharsets.UTF_8),
                    Topics.EMBEDDINGS.valueSerde().serializer().serialize(Topics.EMBEDDINGS.name(), event)));
        }
        producer.flush(); // counted only once Kafka has them
        for (EnrollmentEvent e : batch) {
            build.embedded(e.subject(), e.enrollmentId());
        }
        batch.clear();
        faces.clear();
    }
}
