package io.facestream.trainer.tf;

import io.facestream.model.head.HeadConfig;
import io.facestream.model.head.HeadMath;
import io.facestream.model.head.HeadType;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The training heads as TensorFlow ops, exactly as {@link HeadMath} documents them (it is the reference the tests
 * compare against). The margin goes on the target entry through a one-hot blend, values * (1 - onehot) + onehot *
 * target, so only the target cosines go through acos and sqrt (whose slopes are infinite at +-1).
 *
 * <p>One deliberate difference: sqrt(1 - c^2) takes max(1 - c^2, 1e-12) rather than max(.., 0), so that a cosine
 * of exactly +-1 has a finite gradient. In float32 the two differ only there, by at most 1e-6 before scaling.
 */
final class HeadLowering {

    private static final float SIN_SQUARED_FLOOR = 1e-12f;

    /**
     * @param logits      [batch, classes], what the cross-entropy takes
     * @param classScores [batch, classes] without margin (cosines, or SOFTMAX's logits): accuracy takes its argmax
     * @param t           CURRICULARFACE's t after this batch ([1]); the input t for other heads or without update
     * @param scale       ADACOS' scale after this batch ([1]); the input scale for other heads or without update
     */
    record Result(Operand<TFloat32> logits, Operand<TFloat32> classScores, Operand<TFloat32> t,
                  Operand<TFloat32> scale) {
    }

    private final Ops tf;

    private HeadLowering(Ops tf) {
        this.tf = tf;
    }

    /**
     * @param embeddings   [batch, embeddingSize]
     * @param labels       [batch] class indices
     * @param kernel       [embeddingSize, classes]
     * @param bias         [classes] for SOFTMAX, otherwise null
     * @param t            CURRICULARFACE's state [1] (ignored by other heads, may be null for them)
     * @param scale        ADACOS' state [1] (ignored by other heads, may be null for them)
     * @param updateState  true for a training step (CURRICULARFACE's t and ADACOS' scale move with the batch, as in
     *                     HeadMath); false for evaluation, which uses the state as it is
     */
    static Result lower(Ops tf, HeadConfig head, Operand<TFloat32> embeddings, Operand<TInt32> labels,
                        Operand<TFloat32> kernel, Operand<TFloat32> bias, Operand<TFloat32> t,
                        Operand<TFloat32> scale, boolean updateState) {
        return new HeadLowering(tf).build(head, embeddings, labels, kernel, bias, t, scale, updateState);
    }

    private Result build(HeadConfig head, Operand<TFloat32> embeddings, Operand<TInt32> labels,
                         Operand<TFloat32> kernel, Operand<TFloat32> bias, Operand<TFloat32> t,
                         Operand<TFloat32> scale, boolean updateState) {
        if (head.type() == HeadType.SOFTMAX) {
            Operand<TFloat32> logits = tf.nn.biasAdd(tf.linalg.matMul(embeddings, kernel), bias);
            return new Result(logits, logits, t, scale);
        }
        Operand<TFloat32> cos = tf.linalg.matMul(l2Normalize(embeddings, 1), l2Normalize(kernel, 0));
        Operand<TFloat32> oneHot = tf.oneHot(labels, tf.constant(head.numClasses()), tf.constant(1f),
                tf.constant(0f));
        Operand<TFloat32> targetCos = rowSum(tf.math.mul(cos, oneHot));
        double m = head.margin();
        Operand<TFloat32> fixedScale = tf.constant((float) head.scale());
        return switch (head.type()) {
            case ARCFACE -> new Result(tf.math.mul(fixedScale, withTarget(cos, oneHot, arcTarget(targetCos, m))),
                    cos, t, scale);
            case COSFACE -> new Result(tf.math.mul(fixedScale,
                    withTarget(cos, oneHot, tf.math.sub(targetCos, constant(m)))), cos, t, scale);
            case SPHEREFACE -> new Result(tf.math.mul(fixedScale, withTarget(cos, oneHot,
                    tf.math.cos(tf.math.mul(constant(m), clippedAcos(targetCos))))), cos, t, scale);
            case CURRICULARFACE -> curricular(head, cos, oneHot, t, fixedScale, scale, updateState);
            case ADACOS -> adaCos(cos, oneHot, targetCos, t, scale, updateState);
            case SOFTMAX -> throw new IllegalStateException("handled above");
        };
    }

    private Result curricular(HeadConfig head, Operand<TFloat32> cos, Operand<TFloat32> oneHot,
                              Operand<TFloat32> t, Operand<TFloat32> fixedScale, Operand<TFloat32> scale,
                              boolean updateState) {
        double m = head.margin();
        Operand<TFloat32> c = tf.clipByValue(cos, tf.constant(-1f), tf.constant(1f));
        Operand<TFloat32> target = rowSum(tf.math.mul(c, oneHot));
        Operand<TFloat32> targetWithMargin = tf.math.sub(tf.math.mul(target, constant(Math.cos(m))),
                tf.math.mul(sinFromCos(target), constant(Math.sin(m))));
        Operand<TFloat32> newT = t;
        if (updateState) {
            // t moves by its own rule, never by gradients (the authors update it under no_grad)
            Operand<TFloat32> batchMean = tf.math.mean(target, tf.constant(new int[]{0, 1}));
            newT = tf.stopGradient(tf.math.add(tf.math.mul(constant(head.momentum()), batchMean),
                    tf.math.mul(constant(1 - head.momentum()), t)));
        }
        Operand<TFloat32> hard = tf.select(tf.math.greater(c, targetWithMargin),
                tf.math.mul(c, tf.math.add(newT, c)), c);
        Operand<TFloat32> logits = tf.math.mul(fixedScale, withTarget(hard, oneHot, arcTarget(target, m)));
        return new Result(logits, cos, newT, scale);
    }

    private Result adaCos(Operand<TFloat32> cos, Operand<TFloat32> oneHot, Operand<TFloat32> targetCos,
                          Operand<TFloat32> t, Operand<TFloat32> scale, boolean updateState) {
        Operand<TFloat32> newScale = scale;
        if (updateState) {
            // B: the mean over the batch of each row's sum of exp(s * cos) over non-target classes, s before the batch
            Operand<TFloat32> expCos = tf.math.mul(tf.math.exp(tf.math.mul(scale, cos)),
                    tf.math.sub(tf.constant(1f), oneHot));
            Operand<TFloat32> b = tf.math.mean(tf.reduceSum(expCos, tf.constant(1)), tf.constant(0));
            // lower median of the target angles: element floor((n - 1) / 2) of the sorted values
            Operand<TFloat32> thetas = tf.reshape(clippedAcos(targetCos), tf.constant(new int[]{-1}));
            Operand<TInt32> lowerMedian = tf.math.floorDiv(tf.math.sub(tf.size(thetas), tf.constant(1)),
                    tf.constant(2));
            Operand<TFloat32> median = tf.nn.nthElement(thetas, lowerMedian);
            Operand<TFloat32> s = tf.math.div(tf.math.log(b),
                    tf.math.cos(tf.math.minimum(median, constant(Math.PI / 4))));
            newScale = tf.stopGradient(tf.reshape(s, tf.constant(new int[]{1})));
        }
        return new Result(tf.math.mul(newScale, cos), cos, t, newScale);
    }

    /** ArcFace's cos(theta + m), falling back to cos - sin(m) * m where theta + m would pass pi. */
    private Operand<TFloat32> arcTarget(Operand<TFloat32> cos, double m) {
        Operand<TFloat32> withMargin = tf.math.sub(tf.math.mul(cos, constant(Math.cos(m))),
                tf.math.mul(sinFromCos(cos), constant(Math.sin(m))));
        Operand<TFloat32> fallback = tf.math.sub(cos, constant(Math.sin(Math.PI - m) * m));
        return tf.select(tf.math.greater(cos, constant(Math.cos(Math.PI - m))), withMargin, fallback);
    }

    private Operand<TFloat32> sinFromCos(Operand<TFloat32> cos) {
        return tf.math.sqrt(tf.math.maximum(tf.math.sub(tf.constant(1f), tf.math.square(cos)),
                tf.constant(SIN_SQUARED_FLOOR)));
    }

    private Operand<TFloat32> clippedAcos(Operand<TFloat32> cos) {
        return tf.math.acos(tf.clipByValue(cos, constant(-1 + HeadMath.ACOS_CLIP), constant(1 - HeadMath.ACOS_CLIP)));
    }

    /** values with the target entry of each row replaced by target [batch, 1]. */
    private Operand<TFloat32> withTarget(Operand<TFloat32> values, Operand<TFloat32> oneHot,
                                         Operand<TFloat32> target) {
        return tf.math.add(tf.math.mul(values, tf.math.sub(tf.constant(1f), oneHot)), tf.math.mul(oneHot, target));
    }

    /** tf.nn.l2_normalize: v / sqrt(max(sum(v^2), 1e-12)) along the axis. */
    private Operand<TFloat32> l2Normalize(Operand<TFloat32> v, int axis) {
        Operand<TFloat32> sumSquares = tf.reduceSum(tf.math.square(v), tf.constant(axis), ReduceSum.keepDims(true));
        return tf.math.mul(v, tf.math.rsqrt(tf.math.maximum(sumSquares, constant(HeadMath.L2_EPSILON))));
    }

    private Operand<TFloat32> rowSum(Operand<TFloat32> v) {
        return tf.reduceSum(v, tf.constant(1), ReduceSum.keepDims(true));
    }

    private Operand<TFloat32> constant(double value) {
        return tf.constant((float) value);
    }
}
