package io.facestream.embedder.messaging;

import io.facestream.embedder.detect.DetectedFace;
import io.facestream.embedder.detect.FaceDetector;
import io.facestream.embedder.model.ActiveModel;
import io.facestream.embedder.model.EmbeddingModel;
import io.facestream.embedder.model.GalleryBuild;
import io.facestream.embedder.model.ModelManager;
import io.facestream.embedder.model.Serving;
import io.facestream.embedder.service.FaceInput;
import io.facestream.events.Topics;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.EnrollmentEvent;
import io.facestream.events.domain.FrameEvent;
import io.facestream.events.messaging.DeadLetters;
import io.facestream.model.image.ImageRejectedException;
import io.facestream.model.image.RgbImage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One consumer, one transactional producer and one interpreter: polls faces.frames and faces.enrollments, embeds
 * each poll as one micro-batch with the model active at its start, and writes embeddings, dead letters and the
 * consumed offsets in one Kafka transaction. Nothing is lost (offsets move only with the output) and nothing is
 * embedded twice (the transaction makes output and offsets one step), across model swaps and restarts alike.
 * While no model is READY the worker pauses its partitions: frames wait in Kafka.
 */
public final class EmbeddingWorker implements Runnable {

    private static final Logger LOG = Logger.getLogger(EmbeddingWorker.class);

    private final int index;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ModelManager models;
    private final FaceDetector detector;
    private final Duration pollWait;
    private final MeterRegistry metrics;
    private final Timer inferenceTimer;
    private volatile boolean running = true;

    /** @param detector finds faces in whole frames; null embeds every image as one face crop */
    public EmbeddingWorker(int index, KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<byte[], byte[]> producer,
                           ModelManager models, FaceDetector detector, Duration pollWait, MeterRegistry metrics) {
        this.index = index;
        this.consumer = consumer;
        this.producer = producer;
        this.models = models;
        this.detector = detector;
        this.pollWait = pollWait;
        this.metrics = metrics;
        this.inferenceTimer = Timer.builder("embedder.inference").description("model inference time per batch")
                .publishPercentileHistogram().register(metrics);
    }

    /** One face of a record of the batch, decoded (and found and aligned, in a whole frame), waiting for its embedding. */
    private record Item(ConsumerRecord<byte[], byte[]> record, FrameEvent frame, EnrollmentEvent enrollment,
                        FaceInput.Face face, int faceIndex, double preprocessMs) {
    }

    @Override
    public void run() {
        producer.initTransactions();
        consumer.subscribe(List.of(Topics.FRAMES.name(), Topics.ENROLLMENTS.name()));
        try {
            while (running) {
                if (!models.isReady()) {
                    consumer.pause(consumer.assignment());
                } else if (!consumer.paused().isEmpty()) {
                    consumer.resume(consumer.paused());
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(pollWait);
                if (!records.isEmpty()) {
                    processBatch(records);
                }
            }
        } catch (WakeupException e) {
            // stop() was called
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            LOG.errorf(e, "embedder worker %d stops: its producer cannot continue", index);
        } finally {
            producer.close(Duration.ofSeconds(10));
            consumer.close(Duration.ofSeconds(10));
            if (detector != null) {
                detector.close();
            }
        }
    }

    private void processBatch(ConsumerRecords<byte[], byte[]> records) {
        Serving serving = models.acquire(index);
        try {
            ActiveModel model = serving.active();
            if (model == null) { // the model was withdrawn between the check and the poll: read these again later
                rewind(records);
                return;
            }
            GalleryBuild building = serving.building();
            producer.beginTransaction();
            try {
                List<Item> items = new ArrayList<>();
                List<String> deletedPersons = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    prepare(r, model, items, deletedPersons);
                }
                embedAndSend(items, model, model.forWorker(index));
                List<Item> enrollments = building == null ? List.of()
                        : items.stream().filter(i -> i.enrollment() != null).toList();
                if (!enrollments.isEmpty()) { // the new version's gallery grows with the live enrollments too
                    ActiveModel next = building.model();
                    embedAndSend(enrollments, next, next.forWorker(index));
                }
                producer.sendOffsetsToTransaction(nextOffsets(records), consumer.groupMetadata());
                producer.commitTransaction();
                if (building != null) {
                    enrollments.forEach(i -> building.embedded(i.enrollment().subject(), i.enrollment().enrollmentId()));
                    deletedPersons.forEach(building::deleted);
                }
                metrics.summary("embedder.batch.size").record(items.size());
            } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
                throw e;
            } catch (KafkaException e) {
                LOG.warnf("transaction aborted, the batch is read again: %s", e.getMessage());
                producer.abortTransaction();
                rewind(records);
            }
        } finally {
            models.release(index);
        }
    }

    /** Parses and decodes one record; what cannot be used becomes a dead letter in the same transaction. */
    private void prepare(ConsumerRecord<byte[], byte[]> r, ActiveModel model, List<Item> items,
                         List<String> deletedPersons) {
        boolean enrollmentTopic = r.topic().equals(Topics.ENROLLMENTS.name());
        if (enrollmentTopic && r.value() == null && r.key() != null) {
            // a deleted person: the gallery removes them from every version, in order with their embeddings
            producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), r.key(), null));
            deletedPersons.add(new String(r.key(), StandardCharsets.UTF_8));
            return;
        }
        long t0 = System.nanoTime();
        try {
            if (enrollmentTopic) {
                EnrollmentEvent e = Topics.ENROLLMENTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                List<FaceInput.Face> faces = faces(model, e.contentType(), e.image(), e.faceCrop());
                if (faces.isEmpty()) {
                    throw new IllegalArgumentException("no face found in the enrollment image");
                }
                // an enrollment is one person: with several faces found, the largest is theirs
                FaceInput.Face largest = faces.stream().max(java.util.Comparator.comparingLong(
                        f -> (long) f.box().width() * f.box().height())).orElseThrow();
                items.add(new Item(r, null, e, largest, 0, (System.nanoTime() - t0) / 1e6));
            } else {
                FrameEvent f = Topics.FRAMES.valueSerde().deserializer().deserialize(r.topic(), r.value());
                List<FaceInput.Face> faces = faces(model, f.contentType(), f.image(), f.faceCrop());
                if (faces.isEmpty()) {
                    metrics.counter("embedder.frames.without.faces").increment();
                }
                double ms = (System.nanoTime() - t0) / 1e6 / Math.max(1, faces.size());
                for (int i = 0; i < faces.size(); i++) {
                    items.add(new Item(r, f, null, faces.get(i), i, ms));
                }
            }
        } catch (RuntimeException e) {
            deadLetter(r, e);
        }
    }

    /** The image as one face crop, or, for a whole frame with the detector on, every face found in it. */
    private List<FaceInput.Face> faces(ActiveModel model, String contentType, byte[] bytes, boolean faceCrop) {
        if (faceCrop || detector == null) {
            return List.of(FaceInput.decodeCrop(model.preprocessor(), contentType, bytes));
        }
        RgbImage frame = FaceInput.decode(model.preprocessor(), contentType, bytes);
        List<FaceInput.Face> faces = new ArrayList<>();
        for (DetectedFace d : detector.detect(frame, model.preprocessor().preprocessing().inputSize())) {
            faces.add(new FaceInput.Face(d.aligned(), d.box()));
        }
        return faces;
    }

    /** Embeds the items with one model (its preprocessing, its interpreter) and sends one embedding per item. */
    private void embedAndSend(List<Item> items, ActiveModel model, EmbeddingModel interpreter) {
        if (items.isEmpty()) {
            return;
        }
        int length = model.preprocessor().tensorLength();
        float[] inputs = new float[items.size() * length];
        for (int i = 0; i < items.size(); i++) {
            model.preprocessor().writeTensor(items.get(i).face().image(), inputs, i * length);
        }
        long t0 = System.nanoTime();
        float[][] vectors;
        try {
            vectors = interpreter.embed(inputs, items.size());
        } catch (RuntimeException batchFailure) {
            vectors = embedOneByOne(items, interpreter, inputs, length);
        }
        long inferenceNanos = System.nanoTime() - t0;
        inferenceTimer.record(inferenceNanos, TimeUnit.NANOSECONDS);
        double perImageMs = inferenceNanos / 1e6 / items.size();
        long now = System.currentTimeMillis();
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            if (vectors[i] == null) {
                continue; // dead-lettered by embedOneByOne
            }
            EmbeddingEvent event;
            String key;
            if (item.frame() != null) {
                FrameEvent f = item.frame();
                event = EmbeddingEvent.probe(f.frameId(), f.sourceId(), item.faceIndex(), model.version(),
                        item.face().box(),
                        f.capturedAtMs(), now, item.preprocessMs(), perImageMs, vectors[i]);
                key = f.sourceId();
                metrics.counter("embedder.embeddings", "kind", "probe").increment();
            } else {
                EnrollmentEvent e = item.enrollment();
                event = EmbeddingEvent.enrollment(e.enrollmentId(), e.subject(), model.version(), item.face().box(),
                        e.createdAtMs(), now, item.preprocessMs(), perImageMs, vectors[i]);
                key = e.subject();
                metrics.counter("embedder.embeddings", "kind", "enrollment").increment();
            }
            producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), key.getBytes(StandardCharsets.UTF_8),
                    Topics.EMBEDDINGS.valueSerde().serializer().serialize(Topics.EMBEDDINGS.name(), event)));
        }
    }

    /** When a whole batch fails, each image alone: one bad input must not block the others. */
    private float[][] embedOneByOne(List<Item> items, EmbeddingModel interpreter, float[] inputs, int length) {
        float[][] vectors = new float[items.size()][];
        for (int i = 0; i < items.size(); i++) {
            float[] one = java.util.Arrays.copyOfRange(inputs, i * length, (i + 1) * length);
            try {
                vectors[i] = interpreter.embed(one, 1)[0];
            } catch (RuntimeException e) {
                deadLetter(items.get(i).record(), new IllegalStateException("inference failed: " + e.getMessage(), e));
            }
        }
        return vectors;
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> r, Exception e) {
        producer.send(DeadLetters.toDeadLetter(r, e, System.currentTimeMillis()));
        String reason = e instanceof ImageRejectedException ire ? ire.reason().name() : e.getClass().getSimpleName();
        metrics.counter("embedder.dead.letters", "topic", r.topic(), "reason", reason).increment();
    }

    private Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> rs = records.records(tp);
            offsets.put(tp, new OffsetAndMetadata(rs.get(rs.size() - 1).offset() + 1));
        }
        return offsets;
    }

    /** Moves the consumer back to the first record of each partition of the batch. */
    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            consumer.seek(tp, records.records(tp).get(0).offset());
        }
    }

    public void stop() {
        running = false;
        consumer.wakeup();
    }
}
