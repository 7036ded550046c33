package io.facestream.model.head;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-computed logits for each head. The kernel's class columns are Pythagorean triples, so the cosines are exact
 * decimals: class 0 = (3, 4) / 5, class 1 = (0, 2) / 2, class 2 = (-24, 7) / 25.
 * Embedding (2, 0) has cosines [0.6, 0, -0.96]; embedding (3, 4) has [1, 0.8, -0.352]; (5, 0) as (2, 0).
 */
class HeadMathTest {

    private static final float[][] KERNEL = {
            {3, 0, -24},
            {4, 2, 7},
    };
    private static final float[][] EMBEDDINGS = {{2, 0}, {3, 4}, {5, 0}};
    private static final float TOLERANCE = 1e-4f;

    @Test
    void arcFaceAddsTheAngularMarginToTheTargetOnly() {
        HeadConfig head = HeadConfig.defaults(HeadType.ARCFACE, 3);
        float[][] logits = HeadMath.logits(head, EMBEDDINGS, KERNEL, null, new int[]{0, 1, 2});
        // sample 0, target cos 0.6 (sin 0.8): 64 * (0.6 cos 0.5 - 0.8 sin 0.5) = 9.152583
        assertArrayEquals(new float[]{9.152583f, 0f, -61.44f}, logits[0], TOLERANCE);
        // sample 1, target cos 0.8 (sin 0.6): 64 * (0.8 cos 0.5 - 0.6 sin 0.5) = 26.522286; non-targets 64 * cos
        assertArrayEquals(new float[]{64f, 26.522286f, -22.528f}, logits[1], TOLERANCE);
        // the same value through the angle: cos(acos(0.8) + 0.5)
        assertEquals(64 * Math.cos(Math.acos(0.8) + 0.5), logits[1][1], TOLERANCE);
    }

    @Test
    void arcFaceFallsBackToCosMinusMmPastPiMinusM() {
        HeadConfig head = HeadConfig.defaults(HeadType.ARCFACE, 3);
        // sample 2's target cos is -0.96, below th = cos(pi - 0.5) = -0.877583: 64 * (-0.96 - sin(0.5) * 0.5)
        float[][] logits = HeadMath.logits(head, EMBEDDINGS, KERNEL, null, new int[]{0, 1, 2});
        assertArrayEquals(new float[]{38.4f, 0f, -76.781617f}, logits[2], TOLERANCE);
        // without the fallback, cos(theta + m) would have risen again past pi: the fallback stays below cos - mm
        double unguarded = 64 * Math.cos(Math.acos(-0.96) + 0.5);
        assertTrue(unguarded > logits[2][2] + 10, "cos(theta + m) past pi is " + unguarded);
    }

    @Test
    void cosFaceSubtractsTheMarginFromTheTargetCosine() {
        HeadConfig head = HeadConfig.defaults(HeadType.COSFACE, 3);
        float[][] logits = HeadMath.logits(head, EMBEDDINGS, KERNEL, null, new int[]{0, 1, 2});
        assertArrayEquals(new float[]{16f, 0f, -61.44f}, logits[0], TOLERANCE); // 64 * (0.6 - 0.35)
        assertArrayEquals(new float[]{64f, 28.8f, -22.528f}, logits[1], TOLERANCE); // 64 * (0.8 - 0.35)
        assertArrayEquals(new float[]{38.4f, 0f, -83.84f}, logits[2], TOLERANCE); // 64 * (-0.96 - 0.35)
    }

    @Test
    void sphereFaceMultipliesTheTargetAngle() {
        HeadConfig head = HeadConfig.defaults(HeadType.SPHEREFACE, 3);
        float[][] logits = HeadMath.logits(head, EMBEDDINGS, KERNEL, null, new int[]{0, 1, 2});
        // 30 cos(1.35 acos(0.6)) = 9.407028; non-targets 30 * cos
        assertArrayEquals(new float[]{9.407028f, 0f, -28.8f}, logits[0], TOLERANCE);
        assertArrayEquals(new float[]{30f, 19.373982f, -10.56f}, logits[1], TOLERANCE); // 30 cos(1.35 acos(0.8))
        assertArrayEquals(new float[]{18f, 0f, -22.624542f}, logits[2], TOLERANCE); // 30 cos(1.35 acos(-0.96))
    }

    @Test
    void curricularFaceUpdatesTThenReweightsHardNegatives() {
        HeadConfig head = HeadConfig.defaults(HeadType.CURRICULARFACE, 3);
        float[][] batch = {EMBEDDINGS[0], EMBEDDINGS[1]};
        int[] labels = {0, 1};
        HeadMath.Forward first = HeadMath.forward(head, HeadState.initial(head), batch, KERNEL, null, labels);
        // t' = 0.01 * mean(0.6, 0.8) + 0.99 * 0 = 0.007
        assertEquals(0.007, first.state().t(), 1e-12);
        // sample 0: cos(theta + m) = 0.143009; no negative above it, so they stay 64 * cos
        assertArrayEquals(new float[]{9.152583f, 0f, -61.44f}, first.logits()[0], TOLERANCE);
        // sample 1: cos(theta + m) = 0.414411 < class 0's cosine 1.0, a hard negative: 64 * 1.0 * (0.007 + 1.0)
        assertArrayEquals(new float[]{64.448f, 26.522286f, -22.528f}, first.logits()[1], TOLERANCE);

        HeadMath.Forward second = HeadMath.forward(head, first.state(), batch, KERNEL, null, labels);
        // t'' = 0.01 * 0.7 + 0.99 * 0.007 = 0.01393
        assertEquals(0.01393, second.state().t(), 1e-12);
        assertEquals(64 * (0.01393 + 1.0), second.logits()[1][0], TOLERANCE);
    }

    @Test
    void adaCosAdaptsTheScaleFromTheBatch() {
        HeadConfig head = HeadConfig.defaults(HeadType.ADACOS, 3);
        assertEquals(0.980258143, head.scale(), 1e-9); // sqrt(2) ln(2)
        float[][] batch = {EMBEDDINGS[0], EMBEDDINGS[1]};
        HeadMath.Forward out = HeadMath.forward(head, HeadState.initial(head), batch, KERNEL, null, new int[]{0, 1});
        // B = (e^0 + e^(-0.96 s) + e^s + e^(-0.352 s)) / 2 = 2.381774; lower median of the target angles is
        // acos(0.8) = 0.6435 < pi/4, so s' = ln(B) / 0.8 = 1.084807
        assertEquals(1.0848067793, out.state().scale(), 1e-9);
        assertArrayEquals(new float[]{0.650884f, 0f, -1.041415f}, out.logits()[0], 1e-6f);
        assertArrayEquals(new float[]{1.084807f, 0.867845f, -0.381852f}, out.logits()[1], 1e-6f);
    }

    @Test
    void adaCosCapsTheMedianAngleAtQuarterPi() {
        HeadConfig head = HeadConfig.defaults(HeadType.ADACOS, 3);
        HeadMath.Forward out = HeadMath.forward(head, HeadState.initial(head), EMBEDDINGS, KERNEL, null,
                new int[]{0, 1, 2});
        // target angles 0.927, 0.644, 2.858: median 0.927 > pi/4, so s' = ln(B) / cos(pi/4) with B = 2.521403
        assertEquals(Math.log(2.5214033785) / Math.cos(Math.PI / 4), out.state().scale(), 1e-9);
        assertArrayEquals(new float[]{0.784732f, 0f, -1.255571f}, out.logits()[2], 1e-6f);
    }

    @Test
    void softmaxIsAPlainDenseLayerWithBias() {
        HeadConfig head = HeadConfig.defaults(HeadType.SOFTMAX, 3);
        float[][] logits = HeadMath.logits(head, new float[][]{{1, 2}}, KERNEL, new float[]{0.5f, -1, 0},
                new int[]{1});
        // (1, 2) . columns + bias: 3 + 8 + 0.5, 0 + 4 - 1, -24 + 14 + 0
        assertArrayEquals(new float[]{11.5f, 3f, -10f}, logits[0], 0f);
    }

    @Test
    void statelessHeadsKeepTheirState() {
        HeadConfig head = HeadConfig.defaults(HeadType.ARCFACE, 3);
        HeadState state = HeadState.initial(head);
        assertSame(state, HeadMath.forward(head, state, EMBEDDINGS, KERNEL, null, new int[]{0, 1, 2}).state());
    }

    @Test
    void embeddingAndKernelScaleDoNotChangeMarginLogits() {
        HeadConfig head = HeadConfig.defaults(HeadType.ARCFACE, 3);
        float[][] scaledKernel = {{30, 0, -240}, {40, 20, 70}};
        float[][] a = HeadMath.logits(head, new float[][]{{2, 0}}, KERNEL, null, new int[]{0});
        float[][] b = HeadMath.logits(head, new float[][]{{0.002f, 0}}, scaledKernel, null, new int[]{0});
        assertArrayEquals(a[0], b[0], 1e-4f);
    }

    @Test
    void crossEntropyIsTheMeanNegativeLogSoftmaxOfTheLabels() {
        assertEquals(Math.log(2), HeadMath.softmaxCrossEntropy(new float[][]{{0, 0}}, new int[]{0}), 1e-12);
        // ln(e + e^2 + e^3) - 3
        assertEquals(0.40760596444, HeadMath.softmaxCrossEntropy(new float[][]{{1, 2, 3}}, new int[]{2}), 1e-9);
        // the mean of both rows; a logit of 1000 must not overflow
        assertEquals((1000 + Math.log(2)) / 2,
                HeadMath.softmaxCrossEntropy(new float[][]{{1000, 0}, {0, 0}}, new int[]{1, 0}), 1e-9);
    }

    @Test
    void crossEntropyOfArcFaceLogitsExceedsThatOfPlainCosines() {
        HeadConfig arc = HeadConfig.defaults(HeadType.ARCFACE, 3);
        int[] labels = {0, 1, 2};
        float[][] marginLogits = HeadMath.logits(arc, EMBEDDINGS, KERNEL, null, labels);
        HeadConfig noMargin = new HeadConfig(HeadType.ARCFACE, 3, 0, 64, 0);
        float[][] plainLogits = HeadMath.logits(noMargin, EMBEDDINGS, KERNEL, null, labels);
        assertTrue(HeadMath.softmaxCrossEntropy(marginLogits, labels)
                > HeadMath.softmaxCrossEntropy(plainLogits, labels));
    }

    @Test
    void badInputsAreRejectedWithTheReason() {
        HeadConfig arc = HeadConfig.defaults(HeadType.ARCFACE, 3);
        HeadConfig softmax = HeadConfig.defaults(HeadType.SOFTMAX, 3);
        int[] labels = {0, 1, 2};
        assertMessage("label 3 of sample 0 is outside 0..2",
                () -> HeadMath.logits(arc, new float[][]{{1, 0}}, KERNEL, null, new int[]{3}));
        assertMessage("need one label per embedding",
                () -> HeadMath.logits(arc, EMBEDDINGS, KERNEL, null, new int[]{0}));
        assertMessage("embedding 0 must have 2 values",
                () -> HeadMath.logits(arc, new float[][]{{1, 0, 0}}, KERNEL, null, new int[]{0}));
        assertMessage("kernel row 0 must have numClasses = 3 columns",
                () -> HeadMath.logits(arc, EMBEDDINGS, new float[][]{{1, 2}, {3, 4}}, null, labels));
        assertMessage("ARCFACE has no bias",
                () -> HeadMath.logits(arc, EMBEDDINGS, KERNEL, new float[3], labels));
        assertMessage("SOFTMAX needs a bias of numClasses = 3 values",
                () -> HeadMath.logits(softmax, EMBEDDINGS, KERNEL, null, labels));
        assertMessage("label 5 of sample 0 is outside 0..1",
                () -> HeadMath.softmaxCrossEntropy(new float[][]{{0, 0}}, new int[]{5}));
    }

    private static void assertMessage(String expectedPart, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expectedPart), "message was: " + e.getMessage());
    }
}
