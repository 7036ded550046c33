package io.facestream.gallery.service;

import io.facestream.events.Topics;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Deletes a person at the source of truth: a tombstone (key = person) on faces.enrollments. The embedder forwards it
 * to faces.embeddings in order with the person's enrolments, and the gallery drops the person from every model
 * version. Idempotent producer with acks=all: a retried send is written once.
 */
@Singleton
public class EnrollmentDeletions {

    private final KafkaProducer<String, byte[]> producer;

    @Inject
    public EnrollmentDeletions(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "gallery-enrollment-deletions");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /** Writes the tombstone and waits for the broker's acknowledgement. */
    public RecordMetadata delete(String person) throws ExecutionException, InterruptedException, TimeoutException {
        return producer.send(new ProducerRecord<>(Topics.ENROLLMENTS.name(), person, null)).get(20, TimeUnit.SECONDS);
    }

    @PreDestroy
    void close() {
        producer.close();
    }
}
