package io.facestream.gallery.service;

import io.facestream.events.domain.Centroid;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.IdentityMatch;
import io.facestream.gallery.domain.Threshold;
import io.facestream.gallery.domain.ThresholdPolicy;
import io.facestream.gallery.domain.VectorMath;

import java.util.List;

/**
 * One model version's gallery as probes are matched against it: every centroid in one contiguous row-major float
 * matrix (one pass over memory per probe, no per-person objects), the people in row order, and the threshold in
 * force. Immutable: {@link GalleryIndex} builds a new one when the version's centroids change.
 */
public final class VersionGallery {

    /** The best and second-best rows for a probe; -1 where there is none. */
    public record Top2(int best, float bestScore, int second, float secondScore) {
    }

    private final String modelVersion;
    private final long generation;
    private final int dimension;
    private final String[] persons;
    private final long[] imageCounts;
    private final float[] matrix;
    private final Threshold threshold;
    private final ThresholdPolicy policy;
    private final DotProduct dot;

    private VersionGallery(String modelVersion, long generation, int dimension, String[] persons, long[] imageCounts,
                           float[] matrix, Threshold threshold, ThresholdPolicy policy, DotProduct dot) {
        this.modelVersion = modelVersion;
        this.generation = generation;
        this.dimension = dimension;
        this.persons = persons;
        this.imageCounts = imageCounts;
        this.matrix = matrix;
        this.threshold = threshold;
        this.policy = policy;
        this.dot = dot;
    }

    /**
     * The gallery of centroids that all have one dimension (the caller drops any other), in the order given (key
     * order of the store, so the same centroids always give the same rows and the same calibration sample).
     */
    public static VersionGallery build(String modelVersion, long generation, List<Centroid> centroids,
                                       ThresholdPolicy policy, DotProduct dot) {
        int n = centroids.size();
        int dimension = n == 0 ? 0 : centroids.get(0).dimension();
        String[] persons = new String[n];
        long[] counts = new long[n];
        float[] matrix = new float[Math.multiplyExact(n, dimension)];
        for (int i = 0; i < n; i++) {
            Centroid c = centroids.get(i);
            if (c.dimension() != dimension) {
                throw new IllegalArgumentException("centroid of " + c.person() + " has dimension " + c.dimension()
                        + ", the gallery of " + modelVersion + " has " + dimension);
            }
            persons[i] = c.person();
            counts[i] = c.imageCount();
            System.arraycopy(c.vector(), 0, matrix, i * dimension, dimension);
        }
        return of(modelVersion, generation, persons, counts, matrix, dimension, policy, dot);
    }

    /** A gallery over an existing row-major matrix of unit vectors (not copied). */
    public static VersionGallery of(String modelVersion, long generation, String[] persons, long[] imageCounts,
                                    float[] matrix, int dimension, ThresholdPolicy policy, DotProduct dot) {
        if (matrix.length != (long) persons.length * dimension || imageCounts.length != persons.length) {
            throw new IllegalArgumentException("matrix of " + matrix.length + " values does not hold "
                    + persons.length + " rows of " + dimension);
        }
        Threshold threshold = threshold(modelVersion, persons.length, matrix, dimension, policy, dot);
        return new VersionGallery(modelVersion, generation, dimension, persons, imageCounts, matrix, threshold,
                policy, dot);
    }

    /** Calibrated once per gallery change, never per probe. */
    private static Threshold threshold(String modelVersion, int rows, float[] matrix, int dimension,
                                       ThresholdPolicy policy, DotProduct dot) {
        if (policy.mode() == ThresholdPolicy.Mode.FIXED) {
            return new Threshold(policy.fixedThreshold(), Threshold.Source.FIXED, 0, policy.targetFar());
        }
        if (rows < policy.minCalibrationPersons()) {
            return new Threshold(policy.fixedThreshold(), Threshold.Source.FIXED_TOO_FEW_PERSONS, 0,
                    policy.targetFar());
        }
        float[] impostors = Calibration.bestImpostorScores(matrix, rows, dimension, dot, modelVersion.hashCode());
        return new Threshold(Calibration.thresholdAt(impostors, policy.targetFar()), Threshold.Source.CALIBRATED,
                impostors.length, policy.targetFar());
    }

    /** The two most similar rows to a unit-length probe of this gallery's dimension. */
    public Top2 best2(float[] unitProbe) {
        int best = -1;
        int second = -1;
        float bestScore = Float.NEGATIVE_INFINITY;
        float secondScore = Float.NEGATIVE_INFINITY;
        for (int row = 0, offset = 0; row < persons.length; row++, offset += dimension) {
            float s = dot.dot(matrix, offset, unitProbe, 0, dimension);
            if (s > bestScore) {
                second = best;
                secondScore = bestScore;
                best = row;
                bestScore = s;
            } else if (s > secondScore) {
                second = row;
                secondScore = s;
            }
        }
        return new Top2(best, bestScore, second, secondScore);
    }

    /**
     * Open-set identification: the best candidate is the identity when its score reaches the threshold for that
     * person (a configured per-person threshold, else the version's); the match states the threshold it used.
     */
    public IdentityMatch identify(EmbeddingEvent probe, long nowMs) {
        // probes of another dimension are dead-lettered before they get here; one that raced the version's very
        // first centroid has nothing comparable to match
        Top2 top = probe.dimension() == dimension ? best2(VectorMath.normalized(probe.vector()))
                : new Top2(-1, Float.NEGATIVE_INFINITY, -1, Float.NEGATIVE_INFINITY);
        String best = top.best() < 0 ? null : persons[top.best()];
        String runnerUp = top.second() < 0 ? null : persons[top.second()];
        double score = best == null ? 0 : top.bestScore();
        double second = runnerUp == null ? 0 : top.secondScore();
        double used = best == null ? threshold.value() : thresholdFor(best);
        String identity = best != null && score >= used ? best : IdentityMatch.UNKNOWN;
        return new IdentityMatch(probe.eventId(), probe.sourceId(), probe.faceIndex(), probe.modelVersion(),
                identity, best, score, runnerUp, second, runnerUp != null ? score - second : score, used,
                probe.box(), probe.capturedAtMs(), nowMs);
    }

    /** The threshold a probe whose best candidate is this person must reach. */
    public double thresholdFor(String person) {
        return policy.personThreshold(person).orElse(threshold.value());
    }

    public String modelVersion() {
        return modelVersion;
    }

    public long generation() {
        return generation;
    }

    /** 0 for an empty gallery. */
    public int dimension() {
        return dimension;
    }

    public int size() {
        return persons.length;
    }

    public String person(int row) {
        return persons[row];
    }

    public long enrollmentImages() {
        long total = 0;
        for (long c : imageCounts) {
            total += c;
        }
        return total;
    }

    public Threshold threshold() {
        return threshold;
    }
}
