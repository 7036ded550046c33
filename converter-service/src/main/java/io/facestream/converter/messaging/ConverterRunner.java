package io.facestream.converter.messaging;

import io.facestream.converter.config.ConverterConfig;
import io.facestream.converter.service.ConversionService;
import io.facestream.events.messaging.TopicAdmin;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Creates the topics at start, then follows models.checkpoints on its own thread; stops it on shutdown. Kafka
 * clients take every kafka.* setting (bootstrap servers, TLS, SASL).
 */
@ApplicationScoped
public class ConverterRunner {

    public static final String GROUP_ID = "facestream-converter";

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Inject
    ConverterConfig config;

    @Inject
    ConversionService conversions;

    @Inject
    MeterRegistry metrics;

    private KafkaProducer<byte[], byte[]> deadLetters;
    private CheckpointConsumer checkpoints;
    private Thread thread;

    void onStart(@Observes StartupEvent event) throws java.io.IOException {
        java.nio.file.Files.createDirectories(config.dataDir()); // artifacts and conversions are kept there
        TopicAdmin.ensureSystemTopics(kafkaConfig);
        Map<String, Object> p = new HashMap<>(kafkaConfig);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        deadLetters = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        Map<String, Object> c = new HashMap<>(kafkaConfig);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID);
        // a crashed converter's checkpoint comes back to another instance (or itself, restarted) after 10 s, not 45
        c.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // one checkpoint at a time; a conversion (with a pairs evaluation) can take many minutes between polls
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        c.putIfAbsent(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Duration.ofHours(1).toMillis());
        checkpoints = new CheckpointConsumer(new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer()), deadLetters, conversions, config.checkpointPolicy(), metrics);
        thread = new Thread(checkpoints, "checkpoint-consumer");
        thread.start();
    }

    /** Whether the checkpoint consumer is running (readiness). */
    public boolean consuming() {
        return checkpoints != null && checkpoints.alive();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        if (checkpoints != null) {
            checkpoints.stop();
            thread.join(15_000);
        }
        if (deadLetters != null) {
            deadLetters.close(Duration.ofSeconds(5));
        }
    }
}
