package io.facestream.embedder.detect;

import io.facestream.embedder.detect.SsdDecoding.Candidate;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SsdDecodingTest {

    private static final int V = SsdDecoding.VALUES_PER_ANCHOR;
    private final SsdAnchors anchors = SsdAnchors.shortRange();

    @Test
    void decodesOffsetsRelativeToTheAnchorInInputPixels() {
        float[] regressors = new float[anchors.count() * V];
        float[] logits = filled(anchors.count(), -10f);
        int anchor = 512 + (2 * 8 + 2) * 6; // stride-16 map, cell (2, 2): centre (2.5 / 8, 2.5 / 8) = (40, 40) input pixels
        logits[anchor] = 2f;
        int r = anchor * V;
        regressors[r] = 8;       // centre 8 px right of the anchor
        regressors[r + 1] = -4;  // and 4 px up
        regressors[r + 2] = 32;  // 32 x 16 px
        regressors[r + 3] = 16;
        for (int k = 0; k < DetectedFace.KEYPOINTS; k++) {
            regressors[r + 4 + 2 * k] = k;
            regressors[r + 5 + 2 * k] = -k;
        }
        assertEquals(2.5f / 8, anchors.xCenter(anchor), 1e-6f);

        List<Candidate> found = SsdDecoding.decode(regressors, logits, anchors, 128, 0.5f);

        assertEquals(1, found.size());
        Candidate c = found.get(0);
        assertEquals(1 / (1 + Math.exp(-2)), c.score(), 1e-6);
        float[] expected = new float[V];
        expected[0] = (40 + 8 - 16) / 128f;
        expected[1] = (40 - 4 - 8) / 128f;
        expected[2] = (40 + 8 + 16) / 128f;
        expected[3] = (40 - 4 + 8) / 128f;
        for (int k = 0; k < DetectedFace.KEYPOINTS; k++) {
            expected[4 + 2 * k] = (40 + k) / 128f;
            expected[5 + 2 * k] = (40 - k) / 128f;
        }
        assertArrayEquals(expected, c.values(), 1e-6f);
    }

    @Test
    void scoresAreSigmoidsOfClippedLogitsFilteredByTheMinimum() {
        float[] regressors = new float[anchors.count() * V];
        for (int i = 0; i < anchors.count(); i++) {
            regressors[i * V + 2] = 10;
            regressors[i * V + 3] = 10;
        }
        float[] logits = filled(anchors.count(), -1e30f); // clipped to -100: score ~ 4e-44, no NaN
        logits[3] = 1e30f;            // clipped to +100: score 1
        logits[4] = 0f;               // score exactly 0.5: kept, as the minimum is inclusive
        logits[5] = -0.01f;           // just below 0.5
        logits[6] = Float.NaN;        // a broken output is never a face

        List<Candidate> found = SsdDecoding.decode(regressors, logits, anchors, 128, 0.5f);

        assertEquals(2, found.size());
        assertEquals(1f, found.get(0).score());
        assertEquals(0.5f, found.get(1).score());
        assertEquals(anchors.count(), SsdDecoding.decode(regressors, filled(anchors.count(), -1e30f), anchors, 128,
                0f).size());
    }

    @Test
    void dropsBoxesWithoutPositiveSize() {
        float[] regressors = new float[anchors.count() * V];
        float[] logits = filled(anchors.count(), -10f);
        logits[0] = 5f;
        regressors[2] = 0;
        regressors[3] = 10;
        assertTrue(SsdDecoding.decode(regressors, logits, anchors, 128, 0.5f).isEmpty());
    }

    @Test
    void intersectionOverUnion() {
        Candidate a = box(0.9f, 0, 0, 2, 2);
        assertEquals(1f, SsdDecoding.iou(a, a), 1e-6f);
        assertEquals(2f / 6, SsdDecoding.iou(a, box(0.5f, 1, 0, 3, 2)), 1e-6f);
        assertEquals(0f, SsdDecoding.iou(a, box(0.5f, 2, 0, 4, 2)));
    }

    @Test
    void weightedSuppressionAveragesOverlappingDetectionsByScore() {
        Candidate best = box(0.9f, 0, 0, 10, 10);
        Candidate overlapping = box(0.6f, 1, 1, 11, 11);  // IoU 81 / 119 = 0.68 with best
        Candidate apart = box(0.7f, 20, 20, 30, 30);
        Candidate touching = box(0.8f, 6, 0, 16, 10);     // IoU 40 / 160 = 0.25 with best: not merged

        List<Candidate> result = SsdDecoding.weightedNms(List.of(overlapping, apart, best, touching), 0.3f);

        assertEquals(3, result.size());
        Candidate merged = result.get(0);
        assertEquals(0.9f, merged.score());
        float expectedMin = (0.9f * 0 + 0.6f * 1) / 1.5f;
        float expectedMax = (0.9f * 10 + 0.6f * 11) / 1.5f;
        assertEquals(expectedMin, merged.xmin(), 1e-5f);
        assertEquals(expectedMin, merged.ymin(), 1e-5f);
        assertEquals(expectedMax, merged.xmax(), 1e-5f);
        assertEquals(expectedMax, merged.ymax(), 1e-5f);
        assertEquals(0.8f, result.get(1).score());
        assertArrayEquals(touching.values(), result.get(1).values(), 1e-6f);
        assertEquals(0.7f, result.get(2).score());
        assertArrayEquals(apart.values(), result.get(2).values(), 1e-6f);
    }

    private static Candidate box(float score, float xmin, float ymin, float xmax, float ymax) {
        float[] values = new float[V];
        values[0] = xmin;
        values[1] = ymin;
        values[2] = xmax;
        values[3] = ymax;
        for (int k = 0; k < DetectedFace.KEYPOINTS; k++) {
            values[4 + 2 * k] = (xmin + xmax) / 2;
            values[5 + 2 * k] = (ymin + ymax) / 2;
        }
        return new Candidate(score, values);
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, value);
        return a;
    }
}
