package io.facestream.gallery.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.facestream.events.domain.Centroid;
import io.facestream.events.domain.Payloaded;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The running aggregate behind a centroid: the sum of a person's L2-normalised enrollment embeddings (in double, so
 * that thousands of additions do not drift) and their count. The state store value.
 */
public record CentroidSum(String modelVersion, String person, long count, int dimension,
                          @JsonIgnore double[] sum) implements Payloaded<CentroidSum> {

    /** The aggregate of a single embedding (normalised first: the centroid averages directions). */
    public static CentroidSum of(String modelVersion, String person, float[] embedding) {
        float[] unit = VectorMath.normalized(embedding);
        double[] sum = new double[unit.length];
        for (int i = 0; i < unit.length; i++) {
            sum[i] = unit[i];
        }
        return new CentroidSum(modelVersion, person, 1, unit.length, sum);
    }

    /** The sum of two aggregates of the same person and model version. */
    public CentroidSum plus(CentroidSum other) {
        if (other.dimension != dimension) {
            throw new IllegalArgumentException("embedding of " + person + " has dimension " + other.dimension
                    + ", the gallery of " + modelVersion + " has " + dimension);
        }
        double[] next = sum.clone();
        for (int i = 0; i < dimension; i++) {
            next[i] += other.sum[i];
        }
        return new CentroidSum(modelVersion, person, count + other.count, dimension, next);
    }

    public Centroid centroid() {
        float[] mean = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            mean[i] = (float) (sum[i] / count);
        }
        return new Centroid(modelVersion, person, count, dimension, VectorMath.normalized(mean));
    }

    @Override
    public byte[] payloadBytes() {
        ByteBuffer buf = ByteBuffer.allocate(sum.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asDoubleBuffer().put(sum);
        return buf.array();
    }

    @Override
    public CentroidSum withPayloadBytes(byte[] payload) {
        if (payload.length != dimension * Double.BYTES) {
            throw new IllegalArgumentException("centroid sum payload has " + payload.length + " bytes");
        }
        double[] s = new double[dimension];
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(s);
        return new CentroidSum(modelVersion, person, count, dimension, s);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CentroidSum c && modelVersion.equals(c.modelVersion) && person.equals(c.person)
                && count == c.count && Arrays.equals(sum, c.sum);
    }

    @Override
    public int hashCode() {
        return person.hashCode() * 31 + Long.hashCode(count);
    }
}
