package io.facestream.tflite.quant;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What calibration measured on each activation tensor, by tensor name: the smallest and largest value, and the
 * mean of each channel (last axis) for bias correction.
 */
public final class ActivationRanges {

    private final Map<String, float[]> ranges = new LinkedHashMap<>();
    private final Map<String, double[]> channelSums = new LinkedHashMap<>();
    private final Map<String, long[]> channelCounts = new LinkedHashMap<>();
    private int samples;

    /**
     * Widens the tensor's range to cover these values (NaN values are ignored) and adds them to its channel means.
     *
     * @param channels size of the tensor's last axis
     */
    public void observe(String tensor, float[] values, int channels) {
        double[] sums = channelSums.computeIfAbsent(tensor, k -> new double[channels]);
        long[] count = channelCounts.computeIfAbsent(tensor, k -> new long[1]);
        if (sums.length != channels) {
            throw new IllegalArgumentException(tensor + " has " + sums.length + " channels, not " + channels);
        }
        for (int i = 0; i < values.length; i++) {
            sums[i % channels] += values[i];
        }
        count[0] += values.length / channels;
        observe(tensor, values);
    }

    /** The mean of each channel (last axis) over everything observed, or null when none was recorded. */
    public float[] channelMeans(String tensor) {
        double[] sums = channelSums.get(tensor);
        if (sums == null || channelCounts.get(tensor)[0] == 0) {
            return null;
        }
        long n = channelCounts.get(tensor)[0];
        float[] means = new float[sums.length];
        for (int c = 0; c < sums.length; c++) {
            means[c] = (float) (sums[c] / n);
        }
        return means;
    }

    /** Widens the tensor's range to cover these values (NaN values are ignored). */
    public void observe(String tensor, float[] values) {
        float[] r = ranges.computeIfAbsent(tensor, k -> new float[] {Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY});
        float lo = r[0];
        float hi = r[1];
        for (float v : values) {
            if (v < lo) {
                lo = v;
            }
            if (v > hi) {
                hi = v;
            }
        }
        r[0] = lo;
        r[1] = hi;
    }

    /** Counts one more calibration input. */
    public void countSample() {
        samples++;
    }

    public int sampleCount() {
        return samples;
    }

    public boolean has(String tensor) {
        float[] r = ranges.get(tensor);
        return r != null && r[0] <= r[1];
    }

    public float min(String tensor) {
        return range(tensor)[0];
    }

    public float max(String tensor) {
        return range(tensor)[1];
    }

    public Set<String> tensors() {
        return Collections.unmodifiableSet(ranges.keySet());
    }

    private float[] range(String tensor) {
        if (!has(tensor)) {
            throw new IllegalArgumentException("no calibration range for tensor " + tensor);
        }
        float[] r = ranges.get(tensor);
        if (!Float.isFinite(r[0]) || !Float.isFinite(r[1])) {
            throw new IllegalArgumentException("tensor " + tensor + " took non-finite values during calibration ["
                    + r[0] + ", " + r[1] + "]: the float model overflows on the calibration inputs");
        }
        return r;
    }
}
