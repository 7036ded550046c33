package io.facestream.trainer.messaging;

import io.facestream.events.Topics;
import io.facestream.events.domain.CheckpointEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Announces checkpoints on models.checkpoints (key: the run id, so a run's checkpoints stay in order). The producer
 * is idempotent with acks=all: a send the client retries is written once. Sending does not hold up training; a send
 * that fails in the end is logged and the returned future fails.
 */
@ApplicationScoped
public class CheckpointPublisher {

    private static final Logger LOG = Logger.getLogger(CheckpointPublisher.class);

    private final KafkaProducer<String, CheckpointEvent> producer;

    @Inject
    public CheckpointPublisher(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        Map<String, Object> c = new HashMap<>(kafkaConfig);
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "trainer-checkpoints");
        this.producer = new KafkaProducer<>(c, Topics.CHECKPOINTS.keySerde().serializer(),
                Topics.CHECKPOINTS.valueSerde().serializer());
    }

    public CompletableFuture<RecordMetadata> publish(CheckpointEvent event) {
        CompletableFuture<RecordMetadata> sent = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(Topics.CHECKPOINTS.name(), event.runId(), event), (metadata, error) -> {
            if (error != null) {
                LOG.errorf(error, "checkpoint %s of run %s could not be announced on %s", event.checkpointId(),
                        event.runId(), Topics.CHECKPOINTS.name());
                sent.completeExceptionally(error);
            } else {
                sent.complete(metadata);
            }
        });
        return sent;
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
