package io.facestream.events;

import io.facestream.events.serde.Envelope;
import io.facestream.events.serde.EnvelopeSerde;
import io.facestream.events.serde.MalformedMessageException;
import io.facestream.events.serde.Serdes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every serde refuses malformed bytes with a MalformedMessageException whose message says what is wrong. */
class MalformedMessageTest {

    static List<EnvelopeSerde<?>> serdes() {
        return List.of(Serdes.frame(), Serdes.enrollment(), Serdes.embedding(), Serdes.identity(),
                Serdes.checkpoint(), Serdes.artifact(), Serdes.centroid());
    }

    static byte[] envelope(String json, byte[] payload) {
        return Envelope.encode(json, payload);
    }

    /** (description, bytes, expected words in the message) for every serde. */
    static Stream<Arguments> cases() {
        return serdes().stream().flatMap(serde -> {
            String type = serde.typeName();
            byte[] valid = validBytes(serde);
            byte[] badVersion = valid.clone();
            badVersion[1] = 9;
            byte[] hugeMetaLength = valid.clone();
            ByteBuffer.wrap(hugeMetaLength, 2, 4).putInt(Integer.MAX_VALUE);
            return Stream.of(
                    Arguments.of(serde, "null value", null, "no value"),
                    Arguments.of(serde, "empty", new byte[0], "shorter than"),
                    Arguments.of(serde, "plain JSON", "{\"frameId\":\"x\"}".getBytes(StandardCharsets.UTF_8), "not a facestream envelope"),
                    Arguments.of(serde, "unknown schema version", badVersion, "unsupported schema version 9"),
                    Arguments.of(serde, "metadata length beyond the data", hugeMetaLength, "metadata length"),
                    Arguments.of(serde, "truncated", Arrays.copyOf(valid, 12), "truncated"),
                    Arguments.of(serde, "metadata not JSON", envelope("{not json", new byte[0]), "invalid " + type),
                    Arguments.of(serde, "metadata a JSON array", envelope("[1,2]", new byte[0]), "not a JSON object"),
                    Arguments.of(serde, "another type", envelope("{\"type\":\"other\"}", new byte[0]), "expected '" + type + "'"),
                    Arguments.of(serde, "required fields missing", envelope("{\"type\":\"" + type + "\"}", new byte[0]), "invalid " + type));
        });
    }

    static byte[] validBytes(EnvelopeSerde<?> serde) {
        return switch (serde.typeName()) {
            case "frame" -> Serdes.frame().serialize("t", SerdeRoundTripTest.frame());
            case "enrollment" -> Serdes.enrollment().serialize("t", SerdeRoundTripTest.enrollment());
            case "embedding" -> Serdes.embedding().serialize("t", SerdeRoundTripTest.embedding());
            case "identity" -> Serdes.identity().serialize("t", SerdeRoundTripTest.identity());
            case "checkpoint" -> Serdes.checkpoint().serialize("t", SerdeRoundTripTest.checkpoint());
            case "artifact" -> Serdes.artifact().serialize("t", SerdeRoundTripTest.artifact());
            case "centroid" -> Serdes.centroid().serialize("t", SerdeRoundTripTest.centroid());
            default -> throw new IllegalArgumentException(serde.typeName());
        };
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void malformed_bytes_are_refused_with_a_reason(EnvelopeSerde<?> serde, String description, byte[] bytes,
                                                   String expected) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> serde.deserialize("faces.test", bytes));
        assertTrue(e.getMessage().contains(expected), description + ": " + e.getMessage());
        assertTrue(e.getMessage().startsWith("faces.test:"), "names the topic: " + e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void wrong_vector_length_is_refused() {
        byte[] valid = Serdes.embedding().serialize("t", SerdeRoundTripTest.embedding());
        byte[] cut = Arrays.copyOf(valid, valid.length - 4);
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> Serdes.embedding().deserialize("faces.embeddings", cut));
        assertTrue(e.getMessage().contains("dimension 4 needs 16"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void nan_in_a_vector_is_refused() {
        byte[] valid = Serdes.embedding().serialize("t", SerdeRoundTripTest.embedding());
        ByteBuffer.wrap(valid, valid.length - 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(Float.NaN);
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> Serdes.embedding().deserialize("faces.embeddings", valid));
        assertTrue(e.getMessage().contains("not finite"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void frame_without_image_is_refused() {
        byte[] valid = Serdes.frame().serialize("t", SerdeRoundTripTest.frame());
        int metaLength = ByteBuffer.wrap(valid, 2, 4).getInt();
        byte[] noImage = Arrays.copyOf(valid, Envelope.HEADER_BYTES + metaLength);
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> Serdes.frame().deserialize("faces.frames", noImage));
        assertTrue(e.getMessage().contains("no image bytes"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void payload_on_a_metadata_only_message_is_refused() {
        byte[] valid = Serdes.identity().serialize("t", SerdeRoundTripTest.identity());
        byte[] extra = Arrays.copyOf(valid, valid.length + 3);
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> Serdes.identity().deserialize("faces.identities", extra));
        assertTrue(e.getMessage().contains("carries no payload"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void bad_digest_is_refused() {
        String json = new String(Serdes.checkpoint().serialize("t", SerdeRoundTripTest.checkpoint()), StandardCharsets.UTF_8);
        String meta = json.substring(json.indexOf('{'));
        String tampered = meta.replace(SerdeRoundTripTest.DIGEST, "not-a-digest");
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> Serdes.checkpoint().deserialize("models.checkpoints", envelope(tampered, new byte[0])));
        assertTrue(e.getMessage().contains("sha256"), e.getMessage());
    }
}
