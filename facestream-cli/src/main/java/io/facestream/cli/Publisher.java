package io.facestream.cli;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends the records of one publish command at its pace, prints each delivered record's id with what it came from
 * (stdout: "id TAB file"), reports skipped and failed files with their reasons, and sums up at the end.
 */
final class Publisher {

    /** What happened to the inputs. */
    record Summary(int published, int skipped, int failed) {
        int exitCode() {
            if (skipped + failed == 0) {
                return published == 0 ? ExitCodes.FAILED : ExitCodes.OK;
            }
            return published == 0 ? ExitCodes.FAILED : ExitCodes.PARTIAL;
        }
    }

    private final KafkaProducer<String, byte[]> producer;
    private final Rate rate;
    private final Progress progress;
    private final PrintWriter out;
    private final AtomicInteger published = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final long startNanos = System.nanoTime();
    private long turns;

    /** @param rate records a second, or null for as fast as Kafka takes them */
    Publisher(KafkaProducer<String, byte[]> producer, Rate rate, Progress progress, PrintWriter out) {
        this.producer = producer;
        this.rate = rate;
        this.progress = progress;
        this.out = out;
    }

    /** Waits until the next record is due at the configured rate (the first one goes at once). */
    void awaitTurn() {
        if (rate != null) {
            long due = startNanos + turns * rate.intervalNanos();
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CliException(ExitCodes.FAILED, "interrupted", e);
                }
            }
        }
        turns++;
    }

    /** Sends one record; its id is printed once Kafka has it. */
    void send(String topic, String key, byte[] value, String id, String source) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, e) -> {
                if (e == null) {
                    published.incrementAndGet();
                    out.println(id + "\t" + source);
                } else {
                    failed.incrementAndGet();
                    progress.note("failed " + source + ": " + Text.reason(e));
                }
                advance();
            });
        } catch (KafkaException e) {
            failed.incrementAndGet();
            progress.note("failed " + source + ": " + Text.reason(e));
            advance();
        }
    }

    void skip(String source, String reason) {
        skipped.incrementAndGet();
        progress.note("skipped " + source + ": " + reason);
        advance();
    }

    /** Waits for every record to be acknowledged or failed, then reports. */
    Summary finish(String what) {
        producer.flush();
        Summary s = new Summary(published.get(), skipped.get(), failed.get());
        progress.finish(done(), speed());
        StringBuilder line = new StringBuilder("published " + s.published() + " " + what);
        if (s.skipped() > 0) {
            line.append(", skipped ").append(s.skipped());
        }
        if (s.failed() > 0) {
            line.append(", failed ").append(s.failed());
        }
        line.append(" in ").append(Text.number(elapsedSeconds(), 1)).append(" s");
        progress.note(line.toString());
        return s;
    }

    private void advance() {
        progress.update(done(), speed());
    }

    private long done() {
        return published.get() + skipped.get() + failed.get();
    }

    private String speed() {
        double s = elapsedSeconds();
        return s <= 0 ? "" : Text.number(done() / s, 1) + "/s";
    }

    private double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
