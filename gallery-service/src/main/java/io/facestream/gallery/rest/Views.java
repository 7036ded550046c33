package io.facestream.gallery.rest;

import io.facestream.gallery.domain.Threshold;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** The JSON bodies of the gallery's REST answers. */
public final class Views {

    private Views() {
    }

    /** A person and the number of enrolment images behind their centroid, per model version. */
    public record PersonSummary(String person, Map<String, Long> imageCounts) {
    }

    /** One person's centroid in one model version (unit length, float32 values). */
    public record CentroidView(String person, String modelVersion, long imageCount, int dimension, float[] vector) {
    }

    /** One model version's gallery. */
    public record VersionView(String modelVersion, int persons, long enrollmentImages, int dimension,
                              Threshold threshold) {
    }

    /**
     * The running sum behind a centroid, from the partitioned store of the instance that owns it.
     *
     * @param meanNorm length of the mean of the unit embeddings: 1 when every image gave the same direction, lower
     *                 the more they spread
     * @param servedBy the instance (application.server) that read its store
     */
    public record AggregateView(String person, String modelVersion, long imageCount, int dimension, double meanNorm,
                                double[] sum, int partition, String servedBy) {
    }

    /** One instance of the gallery application. */
    public record InstanceView(String host, int port, boolean self, Set<String> stores, List<String> partitions,
                               List<String> standbyPartitions) {
    }

    /** A deletion recorded on faces.enrollments. */
    public record DeletionView(String person, String topic, int partition, long offset, String message) {
    }
}
