package io.facestream.converter.messaging;

import io.facestream.events.Topics;
import io.facestream.events.domain.ModelArtifactEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Announces artifacts on the compacted models.artifacts topic, key = model name (the latest record per name is the
 * model embedders serve). Idempotent producer, acks=all; a publish returns only once the broker has the record.
 */
@ApplicationScoped
public class ArtifactPublisher {

    private final KafkaProducer<String, ModelArtifactEvent> producer;

    @Inject
    public ArtifactPublisher(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        Map<String, Object> c = new HashMap<>(kafkaConfig);
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "converter-artifacts");
        this.producer = new KafkaProducer<>(c, Topics.ARTIFACTS.keySerde().serializer(),
                Topics.ARTIFACTS.valueSerde().serializer());
    }

    public RecordMetadata publish(ModelArtifactEvent event) throws InterruptedException {
        try {
            return producer.send(new ProducerRecord<>(Topics.ARTIFACTS.name(), event.modelName(), event))
                    .get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("publishing " + event.version() + " on " + Topics.ARTIFACTS.name()
                    + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("publishing " + event.version() + " on " + Topics.ARTIFACTS.name()
                    + " timed out after 60 s", e);
        }
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
