package io.facestream.gallery.service;

import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.IdentityMatch;
import io.facestream.events.domain.Centroid;
import io.facestream.gallery.domain.VectorMath;

/**
 * Open-set identification of one probe against one model version's centroids: the best and the runner-up by cosine
 * similarity; below the threshold the identity is "unknown" (the best candidate is still reported).
 */
public final class Matcher {

    private final float[] probe;
    private final EmbeddingEvent event;
    private String best;
    private float bestScore = Float.NEGATIVE_INFINITY;
    private String runnerUp;
    private float runnerUpScore = Float.NEGATIVE_INFINITY;

    public Matcher(EmbeddingEvent event) {
        this.event = event;
        this.probe = VectorMath.normalized(event.vector());
    }

    /** Scores one centroid (of the probe's model version and dimension). */
    public void offer(Centroid c) {
        if (c.dimension() != probe.length) {
            return; // cannot happen within one model version; a mixed gallery would be a bug upstream
        }
        float score = VectorMath.dot(probe, c.vector());
        if (score > bestScore) {
            runnerUp = best;
            runnerUpScore = bestScore;
            best = c.person();
            bestScore = score;
        } else if (score > runnerUpScore) {
            runnerUp = c.person();
            runnerUpScore = score;
        }
    }

    public IdentityMatch result(double threshold, long nowMs) {
        boolean any = best != null;
        double score = any ? bestScore : 0;
        double second = runnerUp != null ? runnerUpScore : 0;
        String identity = any && score >= threshold ? best : IdentityMatch.UNKNOWN;
        return new IdentityMatch(event.eventId(), event.sourceId(), event.faceIndex(), event.modelVersion(),
                identity, best, score, runnerUp, second, runnerUp != null ? score - second : score, threshold,
                event.box(), event.capturedAtMs(), nowMs);
    }
}
