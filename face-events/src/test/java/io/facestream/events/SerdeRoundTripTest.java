package io.facestream.events;

import io.facestream.events.domain.Centroid;
import io.facestream.events.domain.CheckpointEvent;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.EnrollmentEvent;
import io.facestream.events.domain.FaceBox;
import io.facestream.events.domain.FrameEvent;
import io.facestream.events.domain.IdentityMatch;
import io.facestream.events.domain.ModelArtifactEvent;
import io.facestream.events.domain.Sha256;
import io.facestream.events.serde.Envelope;
import io.facestream.events.serde.EnvelopeSerde;
import io.facestream.events.serde.Serdes;
import io.facestream.model.image.Preprocessing;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Every message record survives serialise -> deserialise unchanged, in the documented byte layout. */
class SerdeRoundTripTest {

    static final FaceBox BOX = new FaceBox(10, 20, 30, 40, 0.97);
    static final String DIGEST = Sha256.of(new byte[]{1, 2, 3});

    static FrameEvent frame() {
        return new FrameEvent("f-1", "cam-7", 1_700_000_000_000L, "image/jpeg", true, new byte[]{(byte) 0xFF, (byte) 0xD8, 9});
    }

    static EnrollmentEvent enrollment() {
        return new EnrollmentEvent("e-1", "Ada_Lovelace", 1_700_000_000_001L, "image/png", true, new byte[]{(byte) 0x89, 'P', 'N', 'G'});
    }

    static EmbeddingEvent embedding() {
        return EmbeddingEvent.probe("f-1", "cam-7", 2, "mobilefacenet:3", BOX, 5L, 6L, 1.5, 2.25,
                new float[]{0.5f, -0.25f, 1e-7f, Float.MIN_VALUE});
    }

    static IdentityMatch identity() {
        return new IdentityMatch("f-1", "cam-7", 0, "mobilefacenet:3", "Ada_Lovelace", "Ada_Lovelace", 0.81,
                "Grace_Hopper", 0.42, 0.39, 0.35, BOX, 5L, 9L);
    }

    static CheckpointEvent checkpoint() {
        return new CheckpointEvent("run-1", "run-1-step-200", "mobilefacenet", 200, 1, "MobileFaceNet", "ARCFACE",
                Map.of("loss", 3.5, "lfw_accuracy", 0.91), true, false, DIGEST, 1234,
                "http://localhost:8081/training-runs/run-1/checkpoints/run-1-step-200", 7L);
    }

    static ModelArtifactEvent artifact() {
        return new ModelArtifactEvent("mobilefacenet", "mobilefacenet:3", "MobileFaceNet", "ARCFACE", "int8",
                List.of(112, 112, 3), Preprocessing.minusOneToOne(112), 512, 4_000_000, DIGEST,
                Map.of("mean_cosine", 0.995), "http://localhost:8082/artifacts/mobilefacenet:3/model.tflite", 8L);
    }

    static Centroid centroid() {
        return new Centroid("mobilefacenet:3", "Ada_Lovelace", 4, 3, new float[]{0.6f, 0.8f, 0f});
    }

    static <T> T roundTrip(EnvelopeSerde<T> serde, T message) {
        byte[] bytes = serde.serialize("t", message);
        assertEquals(Envelope.MAGIC, bytes[0]);
        assertEquals(1, bytes[1]);
        return serde.deserialize("t", bytes);
    }

    @Test
    void frame_round_trips() {
        assertEquals(frame(), roundTrip(Serdes.frame(), frame()));
    }

    @Test
    void enrollment_round_trips() {
        assertEquals(enrollment(), roundTrip(Serdes.enrollment(), enrollment()));
    }

    @Test
    void embedding_round_trips_bit_exactly() {
        EmbeddingEvent back = roundTrip(Serdes.embedding(), embedding());
        assertEquals(embedding(), back);
        assertArrayEquals(embedding().vector(), back.vector());
    }

    @Test
    void identity_round_trips() {
        assertEquals(identity(), roundTrip(Serdes.identity(), identity()));
    }

    @Test
    void checkpoint_round_trips() {
        assertEquals(checkpoint(), roundTrip(Serdes.checkpoint(), checkpoint()));
    }

    @Test
    void artifact_round_trips() {
        assertEquals(artifact(), roundTrip(Serdes.artifact(), artifact()));
    }

    @Test
    void centroid_round_trips() {
        assertEquals(centroid(), roundTrip(Serdes.centroid(), centroid()));
    }

    @Test
    void image_bytes_travel_raw_after_the_metadata() {
        byte[] bytes = Serdes.frame().serialize("t", frame());
        int metaLength = ByteBuffer.wrap(bytes, 2, 4).getInt();
        byte[] tail = java.util.Arrays.copyOfRange(bytes, Envelope.HEADER_BYTES + metaLength, bytes.length);
        assertArrayEquals(frame().image(), tail);
        String meta = new String(bytes, Envelope.HEADER_BYTES, metaLength, java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(true, meta.contains("\"type\":\"frame\""), meta);
    }

    @Test
    void vectors_travel_as_little_endian_float32() {
        byte[] bytes = Serdes.embedding().serialize("t", embedding());
        int metaLength = ByteBuffer.wrap(bytes, 2, 4).getInt();
        ByteBuffer payload = ByteBuffer.wrap(bytes, Envelope.HEADER_BYTES + metaLength, 16).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(16, bytes.length - Envelope.HEADER_BYTES - metaLength);
        assertEquals(0.5f, payload.getFloat());
        assertEquals(-0.25f, payload.getFloat());
    }

    @Test
    void tombstones_stay_null() {
        assertNull(Serdes.artifact().serialize("t", null));
    }
}
