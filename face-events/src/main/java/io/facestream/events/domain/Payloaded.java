package io.facestream.events.domain;

/**
 * A message with a binary payload that travels after the metadata in the envelope (image bytes, a vector), never
 * inside the JSON metadata.
 */
public interface Payloaded<T> {

    /** The payload bytes as they go on the wire. */
    byte[] payloadBytes();

    /** A copy of this message (decoded from metadata) with the payload attached; validates it. */
    T withPayloadBytes(byte[] payload);
}
