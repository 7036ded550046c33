package io.facestream.embedder.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns BlazeFace's raw outputs into face detections as MediaPipe's tensors-to-detections and non-max-suppression
 * calculators do for the short-range model: per anchor, a score (sigmoid of the logit clipped to +-100) and 16
 * regressed values (box centre x, y, width, height, then six keypoint x, y pairs, all in input pixels relative to
 * the anchor centre, hence divided by the 128-pixel input size); then weighted non-max suppression, which averages
 * the overlapping detections of one face (score-weighted) instead of keeping only the best one.
 */
final class SsdDecoding {

    /** Regressed values per anchor: 4 box values and 6 keypoint pairs. */
    static final int VALUES_PER_ANCHOR = 4 + 2 * DetectedFace.KEYPOINTS;
    private static final float SCORE_CLIPPING = 100f;

    private SsdDecoding() {
    }

    /**
     * A detection: in normalised input coordinates (0..1 across the model input) when decoded, in frame pixels
     * once the detector has mapped it back.
     *
     * @param values xmin, ymin, xmax, ymax, then the keypoints' x, y pairs
     */
    record Candidate(float score, float[] values) {

        float xmin() {
            return values[0];
        }

        float ymin() {
            return values[1];
        }

        float xmax() {
            return values[2];
        }

        float ymax() {
            return values[3];
        }

        float area() {
            return (xmax() - xmin()) * (ymax() - ymin());
        }
    }

    /**
     * The anchors whose score reaches minScore, decoded.
     *
     * @param regressors anchors x 16 values, the model's box output
     * @param logits     one score logit per anchor
     * @param inputSize  the model's input side in pixels (the x, y, w and h scales)
     */
    static List<Candidate> decode(float[] regressors, float[] logits, SsdAnchors anchors, float inputSize,
                                  float minScore) {
        if (logits.length != anchors.count() || regressors.length != anchors.count() * VALUES_PER_ANCHOR) {
            throw new IllegalArgumentException("expected " + anchors.count() + " scores and " + anchors.count()
                    + " x " + VALUES_PER_ANCHOR + " regressed values, got " + logits.length + " and "
                    + regressors.length);
        }
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < anchors.count(); i++) {
            float logit = Math.max(-SCORE_CLIPPING, Math.min(SCORE_CLIPPING, logits[i]));
            float score = (float) (1 / (1 + Math.exp(-logit)));
            if (!(score >= minScore)) { // NaN too: a broken output is never a face
                continue;
            }
            int r = i * VALUES_PER_ANCHOR;
            float ax = anchors.xCenter(i);
            float ay = anchors.yCenter(i);
            float xCenter = regressors[r] / inputSize + ax;
            float yCenter = regressors[r + 1] / inputSize + ay;
            float width = regressors[r + 2] / inputSize;
            float height = regressors[r + 3] / inputSize;
            if (!(width > 0 && height > 0)) {
                continue;
            }
            float[] values = new float[VALUES_PER_ANCHOR];
            values[0] = xCenter - width / 2;
            values[1] = yCenter - height / 2;
            values[2] = xCenter + width / 2;
            values[3] = yCenter + height / 2;
            for (int k = 0; k < DetectedFace.KEYPOINTS; k++) {
                values[4 + 2 * k] = regressors[r + 4 + 2 * k] / inputSize + ax;
                values[5 + 2 * k] = regressors[r + 5 + 2 * k] / inputSize + ay;
            }
            candidates.add(new Candidate(score, values));
        }
        return candidates;
    }

    /**
     * Weighted non-max suppression: take the best remaining detection, gather every remaining one whose
     * intersection over union with it exceeds the threshold (itself included), and replace them all with one
     * detection: coordinates averaged with the scores as weights, the best one's score. Best score first.
     */
    static List<Candidate> weightedNms(List<Candidate> candidates, float minSuppressionThreshold) {
        List<Candidate> remaining = new ArrayList<>(candidates);
        remaining.sort(Comparator.comparingDouble(Candidate::score).reversed());
        List<Candidate> result = new ArrayList<>();
        while (!remaining.isEmpty()) {
            Candidate best = remaining.get(0);
            List<Candidate> rest = new ArrayList<>();
            float[] sum = new float[VALUES_PER_ANCHOR];
            float weight = 0;
            for (Candidate c : remaining) {
                if (c == best || iou(best, c) > minSuppressionThreshold) {
                    for (int v = 0; v < sum.length; v++) {
                        sum[v] += c.score() * c.values()[v];
                    }
                    weight += c.score();
                } else {
                    rest.add(c);
                }
            }
            for (int v = 0; v < sum.length; v++) {
                sum[v] /= weight;
            }
            result.add(new Candidate(best.score(), sum));
            remaining = rest;
        }
        return result;
    }

    static float iou(Candidate a, Candidate b) {
        float width = Math.min(a.xmax(), b.xmax()) - Math.max(a.xmin(), b.xmin());
        float height = Math.min(a.ymax(), b.ymax()) - Math.max(a.ymin(), b.ymin());
        if (width <= 0 || height <= 0) {
            return 0;
        }
        float intersection = width * height;
        return intersection / (a.area() + b.area() - intersection);
    }
}
