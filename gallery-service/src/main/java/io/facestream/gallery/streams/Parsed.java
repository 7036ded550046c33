package io.facestream.gallery.streams;

import org.apache.kafka.common.header.Headers;

/**
 * The outcome of parsing a raw record inside the topology: the message, a tombstone (a null value: delete what the
 * key names), or the dead-letter record that replaces it. Parsing inside the topology (instead of a
 * deserialization handler) keeps dead letters in the same exactly-once transaction as everything else.
 */
record Parsed<T>(T message, String key, byte[] rawValue, Headers deadLetterHeaders) {

    static <T> Parsed<T> ok(String key, T message) {
        return new Parsed<>(message, key, null, null);
    }

    static <T> Parsed<T> tombstone(String key) {
        return new Parsed<>(null, key, null, null);
    }

    static <T> Parsed<T> failed(byte[] rawValue, Headers deadLetterHeaders) {
        return new Parsed<>(null, null, rawValue, deadLetterHeaders);
    }

    boolean isOk() {
        return message != null;
    }

    boolean isTombstone() {
        return message == null && deadLetterHeaders == null;
    }

    boolean isDeadLetter() {
        return deadLetterHeaders != null;
    }
}
