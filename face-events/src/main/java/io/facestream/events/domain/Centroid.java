package io.facestream.events.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;

import io.facestream.events.serde.Float32Vectors;

import java.util.Arrays;
import java.util.Objects;

/**
 * One person's gallery entry for one model version: the L2-normalised mean of their enrollment embeddings, with the
 * number of images behind it. On the compacted gallery.centroids topic (key: "modelVersion|person"; a tombstone
 * removes the person from that version's gallery). The gallery writes it; the embedder reads it to know when a new
 * model version's gallery is complete.
 */
public record Centroid(String modelVersion, String person, long imageCount, int dimension,
                       @JsonIgnore float[] vector) implements Payloaded<Centroid> {

    public Centroid {
        if (modelVersion == null || person == null || imageCount <= 0 || dimension <= 0) {
            throw new IllegalArgumentException("centroid needs modelVersion, person, imageCount > 0, dimension > 0");
        }
        if (vector != null && vector.length != dimension) {
            throw new IllegalArgumentException("centroid vector has " + vector.length + " values, dimension " + dimension);
        }
    }

    @Override
    public byte[] payloadBytes() {
        return Float32Vectors.encode(vector);
    }

    @Override
    public Centroid withPayloadBytes(byte[] payload) {
        float[] v = Float32Vectors.decode(payload, dimension, "centroid");
        return new Centroid(modelVersion, person, imageCount, dimension, v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Centroid c && modelVersion.equals(c.modelVersion) && person.equals(c.person)
                && imageCount == c.imageCount && dimension == c.dimension && Arrays.equals(vector, c.vector);
    }

    @Override
    public int hashCode() {
        return Objects.hash(modelVersion, person, imageCount) * 31 + Arrays.hashCode(vector);
    }
}
