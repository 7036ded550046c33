package io.facestream.events.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;

import io.facestream.events.serde.Float32Vectors;

import java.util.Arrays;
import java.util.Objects;

/**
 * One face's embedding, on faces.embeddings (key: subject for enrollments, sourceId for probes). The vector travels as
 * little-endian float32 after the metadata.
 *
 * @param eventId      the frame id (probe) or enrollment id the face came from
 * @param faceIndex    which face of the frame (0 for face crops)
 * @param subject      the enrolled person, null for probes
 * @param modelVersion the model that computed the vector; vectors of different versions are not comparable
 */
public record EmbeddingEvent(String eventId, Kind kind, String sourceId, String subject, int faceIndex,
                             String modelVersion, FaceBox box, long capturedAtMs, long embeddedAtMs,
                             double preprocessMs, double inferenceMs, int dimension,
                             @JsonIgnore float[] vector) implements Payloaded<EmbeddingEvent> {

    public enum Kind { PROBE, ENROLLMENT }

    public EmbeddingEvent {
        Require.text(eventId, "eventId");
        Require.present(kind, "kind");
        Require.text(modelVersion, "modelVersion");
        if (kind == Kind.ENROLLMENT) {
            Require.text(subject, "subject");
        }
        if (dimension <= 0 || dimension > 65536) {
            throw new IllegalArgumentException("dimension must be in 1..65536, got " + dimension);
        }
        if (vector != null) {
            if (vector.length != dimension) {
                throw new IllegalArgumentException("vector has " + vector.length + " values, dimension says " + dimension);
            }
            for (int i = 0; i < vector.length; i++) {
                if (!Float.isFinite(vector[i])) {
                    throw new IllegalArgumentException("vector[" + i + "] is " + vector[i] + ": not finite");
                }
            }
        }
    }

    /** An embedding of a probe frame's face. */
    public static EmbeddingEvent probe(String frameId, String sourceId, int faceIndex, String modelVersion, FaceBox box,
                                       long capturedAtMs, long embeddedAtMs, double preprocessMs, double inferenceMs,
                                       float[] vector) {
        return new EmbeddingEvent(frameId, Kind.PROBE, sourceId, null, faceIndex, modelVersion, box, capturedAtMs,
                embeddedAtMs, preprocessMs, inferenceMs, vector.length, vector);
    }

    /** An embedding of an enrolled person's image. */
    public static EmbeddingEvent enrollment(String enrollmentId, String subject, String modelVersion, FaceBox box,
                                            long createdAtMs, long embeddedAtMs, double preprocessMs,
                                            double inferenceMs, float[] vector) {
        return new EmbeddingEvent(enrollmentId, Kind.ENROLLMENT, null, subject, 0, modelVersion, box, createdAtMs,
                embeddedAtMs, preprocessMs, inferenceMs, vector.length, vector);
    }

    @Override
    public byte[] payloadBytes() {
        return Float32Vectors.encode(vector);
    }

    @Override
    public EmbeddingEvent withPayloadBytes(byte[] payload) {
        float[] v = Float32Vectors.decode(payload, dimension, "vector");
        return new EmbeddingEvent(eventId, kind, sourceId, subject, faceIndex, modelVersion, box, capturedAtMs,
                embeddedAtMs, preprocessMs, inferenceMs, dimension, v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EmbeddingEvent e && eventId.equals(e.eventId) && kind == e.kind
                && Objects.equals(sourceId, e.sourceId) && Objects.equals(subject, e.subject)
                && faceIndex == e.faceIndex && modelVersion.equals(e.modelVersion) && Objects.equals(box, e.box)
                && capturedAtMs == e.capturedAtMs && embeddedAtMs == e.embeddedAtMs
                && Double.compare(preprocessMs, e.preprocessMs) == 0 && Double.compare(inferenceMs, e.inferenceMs) == 0
                && dimension == e.dimension && Arrays.equals(vector, e.vector);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, kind, sourceId, subject, faceIndex, modelVersion, box, capturedAtMs) * 31
                + Arrays.hashCode(vector);
    }

    @Override
    public String toString() {
        return "EmbeddingEvent[" + kind + " " + eventId + "#" + faceIndex + " " + (subject == null ? "" : subject + " ")
                + "model " + modelVersion + ", dim " + dimension + "]";
    }
}
