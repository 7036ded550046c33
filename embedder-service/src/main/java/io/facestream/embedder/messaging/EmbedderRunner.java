package io.facestream.embedder.messaging;

import io.facestream.embedder.config.EmbedderConfig;
import io.facestream.embedder.detect.BlazeFaceDetector;
import io.facestream.embedder.detect.FaceDetector;
import io.facestream.embedder.model.GalleryProgress;
import io.facestream.embedder.model.ModelManager;
import io.facestream.events.messaging.TopicAdmin;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Creates the topics, then starts the artifact watcher and the embedding workers on their own threads; on shutdown
 * stops them before the models are freed. Kafka clients take every kafka.* setting (bootstrap servers, TLS, SASL).
 */
@ApplicationScoped
public class EmbedderRunner {

    static final String GROUP_ID = "facestream-embedder";

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Inject
    EmbedderConfig config;

    @Inject
    ModelManager models;

    @Inject
    MeterRegistry metrics;

    private final List<Thread> threads = new ArrayList<>();
    private final List<EmbeddingWorker> workers = new ArrayList<>();
    private ArtifactWatcher watcher;
    private GalleryProgress progress;
    /** Idempotent, not transactional: dead letters of the artifact watcher and the gallery replay's output. */
    private KafkaProducer<byte[], byte[]> plainProducer;

    void onStart(@Observes StartupEvent event) {
        TopicAdmin.ensureSystemTopics(kafkaConfig);
        String instance = config.instanceId().orElseGet(() -> UUID.randomUUID().toString().substring(0, 8));
        plainProducer = new KafkaProducer<>(producerConfig(null), new ByteArraySerializer(), new ByteArraySerializer());
        progress = new GalleryProgress(new KafkaConsumer<>(consumerConfig(null, 500), new ByteArrayDeserializer(),
                new ByteArrayDeserializer()));
        start(progress, "gallery-progress");
        models.connect(new EnrollmentReplayer(consumerConfig(null, config.maxBatch()), () -> Admin.create(kafkaConfig),
                plainProducer, GROUP_ID, config.workers(), config.maxBatch()), progress);
        watcher = new ArtifactWatcher(new KafkaConsumer<>(consumerConfig(null, 500), new ByteArrayDeserializer(),
                new ByteArrayDeserializer()), plainProducer, models);
        start(watcher, "artifact-watcher");
        for (int i = 0; i < config.workers(); i++) {
            EmbeddingWorker worker = new EmbeddingWorker(i,
                    new KafkaConsumer<>(consumerConfig(GROUP_ID, config.maxBatch()), new ByteArrayDeserializer(),
                            new ByteArrayDeserializer()),
                    new KafkaProducer<>(producerConfig("facestream-embedder-" + instance + "-" + i),
                            new ByteArraySerializer(), new ByteArraySerializer()),
                    models, detector(), Duration.ofMillis(config.maxBatchWaitMs()), metrics);
            workers.add(worker);
            start(worker, "embedding-worker-" + i);
        }
    }

    /** Each worker has its own detector: a TFLite interpreter is used by one thread only. */
    private FaceDetector detector() {
        return config.detector().enabled()
                ? BlazeFaceDetector.fromClasspath(BlazeFaceDetector.DEFAULT_ALIGNED_SIZE, config.detector().minScore())
                : null;
    }

    private void start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        threads.add(t);
        t.start();
    }

    private Map<String, Object> consumerConfig(String groupId, int maxPollRecords) {
        Map<String, Object> c = new HashMap<>(kafkaConfig);
        if (groupId != null) {
            c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            // a crashed worker's partitions move to the others after 10 s, not Kafka's default 45
            c.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        }
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        return c;
    }

    private Map<String, Object> producerConfig(String transactionalId) {
        Map<String, Object> c = new HashMap<>(kafkaConfig);
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
        if (transactionalId != null) {
            c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return c;
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        workers.forEach(EmbeddingWorker::stop);
        if (watcher != null) {
            watcher.stop();
        }
        if (progress != null) {
            progress.stop();
        }
        for (Thread t : threads) {
            t.join(15_000);
        }
        if (plainProducer != null) {
            plainProducer.close(Duration.ofSeconds(5));
        }
    }
}
