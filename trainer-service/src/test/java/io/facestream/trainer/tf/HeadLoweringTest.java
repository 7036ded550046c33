package io.facestream.trainer.tf;

import io.facestream.model.head.HeadConfig;
import io.facestream.model.head.HeadMath;
import io.facestream.model.head.HeadState;
import io.facestream.model.head.HeadType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every head's TensorFlow logits against HeadMath, the plain-Java reference, on the same float inputs: two
 * consecutive training steps (so CURRICULARFACE's t and ADACOS' scale carry over), the state after each, and the
 * softmax cross-entropy of the logits.
 */
class HeadLoweringTest {

    private static final int BATCH = 7;
    private static final int DIMS = 6;
    private static final int CLASSES = 5;

    @ParameterizedTest
    @EnumSource(HeadType.class)
    void tensorFlowLogitsEqualHeadMath(HeadType type) {
        HeadConfig head = HeadConfig.defaults(type, CLASSES);
        Random random = new Random(42 + type.ordinal());
        float[][] kernel = gaussian(random, DIMS, CLASSES);
        float[][] embeddings = gaussian(random, BATCH, DIMS);
        int[] labels = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            labels[i] = random.nextInt(CLASSES);
        }
        // sample 0 points nearly away from its class, past ArcFace's theta = pi - m threshold (the fallback
        // branch); not exactly away, where float32 cannot hold HeadMath's acos clip bound 1 - 1e-7 exactly
        for (int k = 0; k < DIMS; k++) {
            embeddings[0][k] = -3 * kernel[k][labels[0]] + 0.3f * (float) random.nextGaussian();
        }
        float[][] cosines = HeadMath.logits(HeadConfig.defaults(HeadType.COSFACE, CLASSES), embeddings, kernel, null,
                new int[BATCH]);
        double targetCos = cosines[0][labels[0]] / HeadConfig.COSFACE_SCALE + (labels[0] == 0 ? 0.35 : 0);
        assertTrue(targetCos < Math.cos(Math.PI - 0.5) && targetCos > -0.999, "fallback case: cos " + targetCos);
        float[] bias = type == HeadType.SOFTMAX ? gaussian(random, 1, CLASSES)[0] : null;

        HeadState state = HeadState.initial(head);
        for (int step = 0; step < 2; step++) {
            HeadMath.Forward expected = HeadMath.forward(head, state, embeddings, kernel, bias, labels);
            Computed actual = compute(head, state, embeddings, kernel, bias, labels, true);
            float tolerance = (float) (2e-5 * Math.max(1, head.scale()) + 1e-5);
            for (int i = 0; i < BATCH; i++) {
                assertArrayEquals(expected.logits()[i], actual.logits[i], tolerance,
                        type + " step " + step + " sample " + i);
            }
            assertEquals(expected.state().t(), actual.t, 1e-6, type + " t after step " + step);
            assertEquals(expected.state().scale(), actual.scale, 1e-4, type + " scale after step " + step);
            assertEquals(HeadMath.softmaxCrossEntropy(expected.logits(), labels), actual.crossEntropy,
                    1e-4 * Math.max(1, HeadMath.softmaxCrossEntropy(expected.logits(), labels)),
                    type + " cross-entropy");
            state = expected.state();
        }
        if (type == HeadType.CURRICULARFACE || type == HeadType.ADACOS) {
            assertTrue(!state.equals(HeadState.initial(head)), type + " state moved: " + state);
        }
    }

    @ParameterizedTest
    @EnumSource(value = HeadType.class, names = {"CURRICULARFACE", "ADACOS"})
    void evaluationLeavesTheStateAsItIs(HeadType type) {
        HeadConfig head = HeadConfig.defaults(type, CLASSES);
        Random random = new Random(7);
        float[][] kernel = gaussian(random, DIMS, CLASSES);
        float[][] embeddings = gaussian(random, BATCH, DIMS);
        int[] labels = {0, 1, 2, 3, 4, 0, 1};
        HeadState state = new HeadState(0.25, head.scale() * 1.5);
        Computed actual = compute(head, state, embeddings, kernel, null, labels, false);
        assertEquals(state.t(), actual.t, 1e-7);
        assertEquals(state.scale(), actual.scale, 1e-5);
        if (type == HeadType.ADACOS) {
            // no margin and the scale in force: logits = scale * cos
            float[][] cosines = HeadMath.logits(HeadConfig.defaults(HeadType.ARCFACE, CLASSES), embeddings, kernel,
                    null, new int[BATCH]);
            for (int j = 1; j < CLASSES; j++) {
                assertEquals(cosines[0][j] / HeadConfig.ARCFACE_SCALE * state.scale(), actual.logits[0][j], 1e-4);
            }
        }
    }

    private record Computed(float[][] logits, double t, double scale, double crossEntropy) {
    }

    private static Computed compute(HeadConfig head, HeadState state, float[][] embeddings, float[][] kernel,
                                    float[] bias, int[] labels, boolean update) {
        try (Graph g = new Graph(); Session session = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, DIMS)));
            Placeholder<TInt32> y = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
            Operand<TFloat32> b = bias == null ? null : tf.constant(bias);
            HeadLowering.Result r = HeadLowering.lower(tf, head, x, y, tf.constant(kernel), b,
                    tf.constant(new float[]{(float) state.t()}), tf.constant(new float[]{(float) state.scale()}),
                    update);
            Operand<TFloat32> crossEntropy = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(r.logits(),
                    tf.oneHot(y, tf.constant(CLASSES), tf.constant(1f), tf.constant(0f))).loss(), tf.constant(0));
            try (TFloat32 xt = TFloat32.tensorOf(StdArrays.ndCopyOf(embeddings));
                 TInt32 yt = TInt32.vectorOf(labels);
                 Result result = session.runner().feed(x, xt).feed(y, yt)
                         .fetch(r.logits()).fetch(r.t()).fetch(r.scale()).fetch(crossEntropy).run()) {
                float[][] logits = StdArrays.array2dCopyOf((TFloat32) result.get(0));
                return new Computed(logits, ((TFloat32) result.get(1)).getFloat(0),
                        ((TFloat32) result.get(2)).getFloat(0), ((TFloat32) result.get(3)).getFloat());
            }
        }
    }

    private static float[][] gaussian(Random random, int rows, int cols) {
        float[][] out = new float[rows][cols];
        for (float[] row : out) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        return out;
    }
}
