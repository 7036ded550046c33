package io.facestream.gallery.streams;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A serde that carries null values through (a deletion travels as a tombstone on the internal repartition topic),
 * delegating everything else.
 */
final class TombstoneTolerantSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Serde<T> delegate;

    TombstoneTolerantSerde(Serde<T> delegate) {
        this.delegate = delegate;
    }

    @Override
    public byte[] serialize(String topic, T value) {
        return value == null ? null : delegate.serializer().serialize(topic, value);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : delegate.deserializer().deserialize(topic, data);
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        delegate.configure(configs, isKey);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
