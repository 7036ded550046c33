package io.facestream.deploy;

import io.facestream.events.Topics;
import io.facestream.events.domain.FrameEvent;
import io.facestream.events.domain.IdentityMatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Frames published to faces.frames at a fixed rate, and the identity records they get back on faces.identities,
 * read by a read_committed consumer from the end the topic had when the stream was opened. Keeps, per frame id, the
 * time it was sent, whether the broker acknowledged it, every identity record it got and when the first arrived:
 * what the fault tests count and the load harness measures.
 */
final class FrameStream implements AutoCloseable {

    /** One published frame: when it was sent (its capturedAtMs) and whether the broker acknowledged it. */
    static final class Sent {
        final long sentAtMs;
        volatile boolean acked;
        volatile Exception failure;

        Sent(long sentAtMs) {
            this.sentAtMs = sentAtMs;
        }
    }

    /** The identity records of one frame id, and when the first arrived here. */
    record Answer(List<IdentityMatch> matches, long firstArrivalMs) {
    }

    private static final int SOURCES = 6;

    private final List<DemoData.Image> images;
    private final KafkaProducer<String, FrameEvent> producer;
    private final KafkaConsumer<String, IdentityMatch> consumer;
    private final Map<String, Sent> sent = new ConcurrentHashMap<>();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final AtomicLong identityRecords = new AtomicLong();
    private final Thread reader;
    private volatile boolean closed;
    private Thread publisher;
    private volatile boolean publishing;

    FrameStream(String bootstrap, List<DemoData.Image> images) {
        this.images = List.copyOf(images);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), Topics.FRAMES.valueSerde().serializer());
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                Topics.IDENTITIES.valueSerde().deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.IDENTITIES.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fixes the start before any frame goes out
        reader = new Thread(this::read, "identity-reader");
        reader.start();
    }

    private void read() {
        try {
            while (!closed) {
                for (ConsumerRecord<String, IdentityMatch> r : consumer.poll(Duration.ofMillis(200))) {
                    long now = System.currentTimeMillis();
                    identityRecords.incrementAndGet();
                    answers.compute(r.value().frameId(), (id, a) -> {
                        List<IdentityMatch> matches = new ArrayList<>(a == null ? List.of() : a.matches());
                        matches.add(r.value());
                        return new Answer(matches, a == null ? now : a.firstArrivalMs());
                    });
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Sends one frame of image number {@code i % images} under this id; returns at once. */
    void send(String frameId, int i) {
        String source = "camera-" + (i % SOURCES);
        DemoData.Image image = images.get(Math.floorMod(i, images.size()));
        long now = System.currentTimeMillis();
        Sent s = new Sent(now);
        sent.put(frameId, s);
        producer.send(new ProducerRecord<>(Topics.FRAMES.name(), source,
                new FrameEvent(frameId, source, now, image.contentType(), true, image.bytes())), (metadata, e) -> {
            if (e == null) {
                s.acked = true;
            } else {
                s.failure = e;
            }
        });
    }

    /** Sends every image once, ids {@code prefix + index}, and waits for their identities (null on time-out). */
    List<IdentityMatch> probeOnce(String prefix, long timeoutMs) throws InterruptedException {
        for (int i = 0; i < images.size(); i++) {
            send(prefix + i, i);
        }
        producer.flush();
        long deadline = System.currentTimeMillis() + timeoutMs;
        List<IdentityMatch> result = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Answer a;
            while ((a = answers.get(prefix + i)) == null && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            if (a == null) {
                return null;
            }
            result.add(a.matches().get(0));
        }
        return result;
    }

    /** Starts publishing frames {@code prefix + n} at a fixed rate from a thread of its own, until stopped. */
    synchronized void startPublishing(String prefix, double framesPerSecond) {
        if (publisher != null) {
            throw new IllegalStateException("already publishing");
        }
        publishing = true;
        long periodNanos = (long) (1e9 / framesPerSecond);
        publisher = new Thread(() -> {
            long t0 = System.nanoTime();
            for (int n = 0; publishing; n++) {
                long wait = t0 + n * periodNanos - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                send(prefix + n, n);
            }
        }, "frame-publisher");
        publisher.start();
    }

    /** Stops the publisher and waits until every frame sent has been acknowledged or has failed. */
    synchronized void stopPublishing() throws InterruptedException {
        publishing = false;
        if (publisher != null) {
            publisher.join();
            publisher = null;
        }
        producer.flush();
    }

    /** Waits until the condition holds; false when the time ran out. */
    static boolean await(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /** Frame ids sent so far, with their state. */
    Map<String, Sent> sent() {
        return sent;
    }

    /** Identity records seen so far, per frame id. */
    Map<String, Answer> answers() {
        return answers;
    }

    long identityRecords() {
        return identityRecords.get();
    }

    /** How many of the frames sent from {@code sinceMs} on have an identity record. */
    long answeredSince(long sinceMs) {
        return sent.entrySet().stream().filter(e -> e.getValue().sentAtMs >= sinceMs)
                .filter(e -> answers.containsKey(e.getKey())).count();
    }

    /** Acknowledged frames without an identity record yet. */
    List<String> unanswered() {
        return sent.entrySet().stream().filter(e -> e.getValue().acked && !answers.containsKey(e.getKey()))
                .map(Map.Entry::getKey).sorted().toList();
    }

    @Override
    public void close() throws InterruptedException {
        if (publisher != null) {
            stopPublishing();
        }
        producer.close(Duration.ofSeconds(10));
        closed = true;
        consumer.wakeup();
        reader.join(10_000);
    }
}
