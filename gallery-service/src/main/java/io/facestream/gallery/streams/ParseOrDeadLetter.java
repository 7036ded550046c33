package io.facestream.gallery.streams;

import io.facestream.events.messaging.DeadLetters;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.nio.charset.StandardCharsets;

/**
 * Deserialises a raw record; a record that fails (malformed bytes, or a message the topology cannot use) becomes a
 * {@link Parsed#failed} carrying the dead-letter headers of {@link DeadLetters}. A keyed tombstone is not a failure:
 * it becomes {@link Parsed#tombstone}.
 */
final class ParseOrDeadLetter<T> implements FixedKeyProcessor<byte[], byte[], Parsed<T>> {

    /** Extra validation beyond the serde: returns null when the message is usable, else the reason. */
    interface Check<T> {
        String problem(T message);

        /** Called once per processor instance, before any record: where a check gets its state stores. */
        default void init(FixedKeyProcessorContext<?, ?> context) {
        }
    }

    private final Deserializer<T> deserializer;
    private final Check<T> check;
    private FixedKeyProcessorContext<byte[], Parsed<T>> context;

    ParseOrDeadLetter(Deserializer<T> deserializer, Check<T> check) {
        this.deserializer = deserializer;
        this.check = check;
    }

    @Override
    public void init(FixedKeyProcessorContext<byte[], Parsed<T>> context) {
        this.context = context;
        check.init(context);
    }

    @Override
    public void process(FixedKeyRecord<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        try {
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            if (record.value() == null) {
                if (key == null) {
                    throw new IllegalArgumentException(meta.topic() + ": a tombstone without a key deletes nothing");
                }
                context.forward(record.withValue(Parsed.tombstone(key)));
                return;
            }
            T message = deserializer.deserialize(meta.topic(), record.value());
            String problem = check.problem(message);
            if (problem != null) {
                throw new IllegalArgumentException(meta.topic() + ": " + problem);
            }
            context.forward(record.withValue(Parsed.ok(key, message)));
        } catch (RuntimeException e) {
            ProducerRecord<byte[], byte[]> dead = DeadLetters.toDeadLetter(meta.topic(), meta.partition(),
                    meta.offset(), record.key(), record.value(), record.headers(), e, context.currentSystemTimeMs());
            context.forward(record.withValue(Parsed.<T>failed(record.value(), dead.headers()))
                    .withHeaders(dead.headers()));
        }
    }
}
