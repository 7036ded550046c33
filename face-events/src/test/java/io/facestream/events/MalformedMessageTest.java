package io.facestream.events;

import io.facestream.events.serde.Envelope;
import io.facestream.events.serde.EnvelopeSerde;
import io.facestream.events.serde.Float32Vectors;
import io.facestream.events.serde.MalformedMessageException;
import io.facestream.events.serde.Serdes;
import io.facestream.kafka.testing.BadInputCorpus;
import io.facestream.kafka.testing.BadInputCorpus.Item;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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

    /**
     * (description, bytes, expected words in the message) for every serde: the bad-input corpus's damaged envelopes
     * of a valid record of the serde's type, its unusable vectors for embeddings, a null value and required fields
     * missing.
     */
    static Stream<Arguments> cases() {
        return serdes().stream().flatMap(serde -> {
            String type = serde.typeName();
            Envelope.Parts valid = Envelope.decode("t", validBytes(serde));
            List<Arguments> cases = new ArrayList<>();
            cases.add(Arguments.of(serde, "null value", null, "no value"));
            cases.add(Arguments.of(serde, "required fields missing",
                    envelope("{\"type\":\"" + type + "\"}", new byte[0]), "invalid " + type));
            for (Item item : BadInputCorpus.envelopes(Envelope::encode, valid.metadataJson(), valid.payload())) {
                cases.add(Arguments.of(serde, item.kind(), item.bytes(), expected(item.kind(), type)));
            }
            if (type.equals("embedding")) {
                for (Item item : BadInputCorpus.vectors(Envelope::encode, valid.metadataJson(), "dimension",
                        Float32Vectors::encode)) {
                    // the zero vector and another dimension are well-formed: the gallery refuses them
                    if (!item.kind().equals("vector-zero") && !item.kind().equals("vector-dimension-mismatch")) {
                        cases.add(Arguments.of(serde, item.kind(), item.bytes(),
                                item.kind().endsWith("-nan") || item.kind().endsWith("-infinity")
                                        ? "not finite" : "dimension 4 needs 16"));
                    }
                }
            }
            return cases.stream();
        });
    }

    static String expected(String kind, String type) {
        if (kind.startsWith("wrong-type-")) {
            return "field " + kind.substring("wrong-type-".length());
        }
        return switch (kind) {
            case "not-an-envelope", "wrong-magic" -> "not a facestream envelope";
            case "empty-value", "short-header" -> "shorter than";
            case "unknown-schema-version" -> "unsupported schema version 99";
            case "metadata-length-too-large" -> "metadata length";
            case "metadata-truncated" -> "truncated";
            case "metadata-not-json" -> "invalid " + type;
            case "metadata-not-an-object" -> "not a JSON object";
            case "wrong-message-type", "missing-message-type" -> "expected '" + type + "'";
            default -> throw new AssertionError("no expected reason for corpus kind " + kind);
        };
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
