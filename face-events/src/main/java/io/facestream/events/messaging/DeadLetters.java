package io.facestream.events.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.Future;

/**
 * Forwards a record that could not be processed, unchanged (same key, value and headers), to
 * {@code <topic>.dlq}, adding headers that say why and where it came from. Nothing is dropped silently.
 */
public final class DeadLetters {

    public static final String ERROR_CLASS = "dlq.error.class";
    public static final String ERROR_MESSAGE = "dlq.error.message";
    public static final String SOURCE_TOPIC = "dlq.source.topic";
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    public static final String SOURCE_OFFSET = "dlq.source.offset";
    public static final String TIME = "dlq.time";

    /** Header values are bounded so one huge exception message cannot push the record past max.message.bytes. */
    private static final int MAX_MESSAGE_CHARS = 4000;

    private final Producer<byte[], byte[]> producer;
    private final Clock clock;

    public DeadLetters(Producer<byte[], byte[]> producer) {
        this(producer, Clock.systemUTC());
    }

    public DeadLetters(Producer<byte[], byte[]> producer, Clock clock) {
        this.producer = producer;
        this.clock = clock;
    }

    public static String dlqTopic(String sourceTopic) {
        return sourceTopic + io.facestream.events.Topic.DLQ_SUFFIX;
    }

    /** Sends the record to its topic's dead-letter topic; the caller may wait on the future before committing. */
    public Future<RecordMetadata> send(ConsumerRecord<byte[], byte[]> record, Throwable error) {
        return producer.send(toDeadLetter(record, error, clock.millis()));
    }

    /** The dead-letter record for a failed record: exposed so Kafka Streams handlers and tests build the same. */
    public static ProducerRecord<byte[], byte[]> toDeadLetter(ConsumerRecord<byte[], byte[]> record, Throwable error,
                                                              long nowMs) {
        return toDeadLetter(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                record.headers(), error, nowMs);
    }

    public static ProducerRecord<byte[], byte[]> toDeadLetter(String topic, int partition, long offset, byte[] key,
                                                              byte[] value, Headers original, Throwable error,
                                                              long nowMs) {
        Headers headers = new RecordHeaders();
        if (original != null) {
            for (Header h : original) {
                if (!h.key().startsWith("dlq.")) {
                    headers.add(h);
                }
            }
        }
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        if (message.length() > MAX_MESSAGE_CHARS) {
            message = message.substring(0, MAX_MESSAGE_CHARS) + "...";
        }
        headers.add(ERROR_CLASS, utf8(error.getClass().getName()));
        headers.add(ERROR_MESSAGE, utf8(message));
        headers.add(SOURCE_TOPIC, utf8(topic));
        headers.add(SOURCE_PARTITION, utf8(String.valueOf(partition)));
        headers.add(SOURCE_OFFSET, utf8(String.valueOf(offset)));
        headers.add(TIME, utf8(String.valueOf(nowMs)));
        return new ProducerRecord<>(dlqTopic(topic), null, key, value, headers);
    }

    /** Reads a header as text, or null. */
    public static String header(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
