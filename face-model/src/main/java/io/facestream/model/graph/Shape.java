package io.facestream.model.graph;

import java.util.Arrays;
import java.util.List;

/**
 * A tensor shape without the batch dimension: feature maps are (height, width, channels) as in Keras' NHWC,
 * vectors are (units).
 */
public record Shape(List<Integer> dims) {

    public Shape {
        dims = List.copyOf(dims);
        for (int d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException("shape dimensions must be positive: " + dims);
            }
        }
    }

    public static Shape of(int... dims) {
        return new Shape(Arrays.stream(dims).boxed().toList());
    }

    public int rank() {
        return dims.size();
    }

    public int dim(int i) {
        return dims.get(i);
    }

    /** Height of a (h, w, c) feature map. */
    public int height() {
        requireRank(3);
        return dims.get(0);
    }

    public int width() {
        requireRank(3);
        return dims.get(1);
    }

    /** The last dimension: channels of a feature map, units of a vector. */
    public int channels() {
        return dims.get(dims.size() - 1);
    }

    public long elementCount() {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    public int[] toArray() {
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    public Shape requireRank(int rank) {
        if (dims.size() != rank) {
            throw new IllegalArgumentException("expected a rank-" + rank + " shape, got " + dims);
        }
        return this;
    }

    @Override
    public String toString() {
        return dims.toString();
    }
}
