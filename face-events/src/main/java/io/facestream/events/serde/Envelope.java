package io.facestream.events.serde;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The wire layout of every facestream message value:
 * <pre>
 * offset  size  field
 * 0       1     magic byte 0xFA
 * 1       1     schema version (1)
 * 2       4     metadata length M, unsigned big-endian, 2 .. 65536
 * 6       M     metadata: a UTF-8 JSON object with the record's fields and "type"
 * 6+M     rest  payload: raw image bytes, a little-endian float32 vector, or nothing
 * </pre>
 * Small metadata stays readable (kcat shows it); images and vectors stay compact binary.
 */
public final class Envelope {

    public static final byte MAGIC = (byte) 0xFA;
    public static final int SCHEMA_VERSION = 1;
    public static final int HEADER_BYTES = 6;
    public static final int MAX_METADATA_BYTES = 65536;

    /** The decoded parts of one value. */
    public record Parts(int schemaVersion, String metadataJson, byte[] payload) {
    }

    private Envelope() {
    }

    public static byte[] encode(String metadataJson, byte[] payload) {
        byte[] meta = metadataJson.getBytes(StandardCharsets.UTF_8);
        if (meta.length > MAX_METADATA_BYTES) {
            throw new IllegalArgumentException("metadata is " + meta.length + " bytes, limit " + MAX_METADATA_BYTES);
        }
        int payloadLength = payload == null ? 0 : payload.length;
        ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + meta.length + payloadLength);
        buf.put(MAGIC).put((byte) SCHEMA_VERSION).putInt(meta.length).put(meta);
        if (payload != null) {
            buf.put(payload);
        }
        return buf.array();
    }

    /** Splits a value into its parts; every structural fault is a {@link MalformedMessageException}. */
    public static Parts decode(String topic, byte[] value) {
        if (value == null) {
            throw new MalformedMessageException(topic + ": record has no value (null)");
        }
        if (value.length < HEADER_BYTES) {
            throw new MalformedMessageException(topic + ": value is " + value.length
                    + " bytes, shorter than the 6-byte envelope header");
        }
        if (value[0] != MAGIC) {
            throw new MalformedMessageException(String.format("%s: first byte is 0x%02X, expected 0xFA: not a "
                    + "facestream envelope", topic, value[0] & 0xFF));
        }
        int version = value[1] & 0xFF;
        if (version != SCHEMA_VERSION) {
            throw new MalformedMessageException(topic + ": unsupported schema version " + version
                    + " (this build reads version " + SCHEMA_VERSION + ")");
        }
        long metaLength = ByteBuffer.wrap(value, 2, 4).getInt() & 0xFFFFFFFFL;
        if (metaLength < 2 || metaLength > MAX_METADATA_BYTES) {
            throw new MalformedMessageException(topic + ": metadata length " + metaLength + " outside 2.."
                    + MAX_METADATA_BYTES);
        }
        if (HEADER_BYTES + metaLength > value.length) {
            throw new MalformedMessageException(topic + ": truncated: metadata length " + metaLength + " but only "
                    + (value.length - HEADER_BYTES) + " bytes follow the header");
        }
        int metaEnd = HEADER_BYTES + (int) metaLength;
        String json = new String(value, HEADER_BYTES, (int) metaLength, StandardCharsets.UTF_8);
        return new Parts(version, json, Arrays.copyOfRange(value, metaEnd, value.length));
    }
}
