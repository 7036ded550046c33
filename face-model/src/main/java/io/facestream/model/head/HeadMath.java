package io.facestream.model.head;

import java.util.Arrays;

/**
 * Plain-Java reference of every head's training-time logits and of the softmax cross-entropy loss: the numbers the
 * TensorFlow lowering must reproduce. Inputs are float32 as the model computes them; the arithmetic is in double.
 *
 * <p>Notation, for sample i with label y_i, embedding row x_i and kernel W [embeddingSize, numClasses]:
 * <ul>
 *   <li>l2n(v) = v / sqrt(max(sum(v^2), 1e-12)), tf.nn.l2_normalize's rule.</li>
 *   <li>cos_ij = l2n(x_i) . l2n(W[:, j]) (the embedding per row, the kernel per class column).</li>
 *   <li>The margin goes on the target entry j = y_i only; every other entry keeps cos_ij, except in
 *       CURRICULARFACE.</li>
 * </ul>
 * Per head (s = the scale in force, m = the margin):
 * <ul>
 *   <li>ARCFACE (arcface-tf2 ArcMarginPenaltyLogists): th = cos(pi - m), mm = sin(pi - m) * m (= sin(m) * m);
 *       sin_t = sqrt(1 - cos^2); target = cos > th ? cos * cos(m) - sin_t * sin(m) : cos - mm. The fallback keeps
 *       the logit decreasing in theta where theta + m would pass pi. logits = s * (target or cos).</li>
 *   <li>COSFACE: target = cos - m; logits = s * (target or cos).</li>
 *   <li>SPHEREFACE (JHFace's MulMarginPenaltyLogists): theta = acos(clip(cos, -1 + 1e-7, 1 - 1e-7));
 *       target = cos(m * theta); logits = s * (target or cos).</li>
 *   <li>CURRICULARFACE (Huang et al. 2020, the authors' code): c = clip(cos, -1, 1); tc_i = c_{i,y_i};
 *       ctm_i = tc_i * cos(m) - sqrt(1 - tc_i^2) * sin(m); target = tc_i > th ? ctm_i : tc_i - mm (th, mm as
 *       ArcFace); first t' = momentum * mean_i(tc_i) + (1 - momentum) * t; then every non-target entry with
 *       c_ij > ctm_i (a hard negative) becomes c_ij * (t' + c_ij); logits = s * (those). The new state has t'.</li>
 *   <li>ADACOS (Zhang et al. 2019, fixed-margin-free form): theta_ij = acos(clip(cos, -1 + 1e-7, 1 - 1e-7));
 *       B = (1 / N) * sum_i sum_{j != y_i} exp(s * cos_ij) with the scale before the batch;
 *       theta_med = the lower median of theta_{i,y_i} (element floor((N - 1) / 2) of the sorted values, as
 *       torch.median); s' = ln(B) / cos(min(pi / 4, theta_med)); logits = s' * cos. The new state has s'.</li>
 *   <li>SOFTMAX (JHFace's NormHead, a Dense layer): logits = x_i . W[:, j] + bias_j, nothing normalised.</li>
 * </ul>
 * sqrt(1 - c^2) uses max(0, 1 - c^2): with cosines rounded past 1 it gives 0 where TensorFlow would give NaN.
 * Every call is a training step: CURRICULARFACE's t and ADACOS' scale are updated from the batch.
 */
public final class HeadMath {

    /** tf.nn.l2_normalize's epsilon, on the sum of squares. */
    public static final double L2_EPSILON = 1e-12;
    /** JHFace's K.epsilon() clip before acos, and AdaCos' clip. */
    public static final double ACOS_CLIP = 1e-7;

    private HeadMath() {
    }

    /** The result of one training-mode forward pass: logits [batch, numClasses] and the head state after it. */
    public record Forward(float[][] logits, HeadState state) {
    }

    /**
     * One training step's logits.
     *
     * @param embeddings [batch, embeddingSize], as the model outputs them (not normalised)
     * @param kernel     [embeddingSize, numClasses], as stored in "head/kernel"
     * @param bias       [numClasses] for SOFTMAX ("head/bias"); null for every other head
     * @param labels     class of each sample, in 0..numClasses-1
     */
    public static Forward forward(HeadConfig head, HeadState state, float[][] embeddings, float[][] kernel,
                                  float[] bias, int[] labels) {
        checkInputs(head, state, embeddings, kernel, bias, labels);
        if (head.type() == HeadType.SOFTMAX) {
            return new Forward(toFloat(dense(embeddings, kernel, bias)), state);
        }
        double[][] cos = cosines(embeddings, kernel);
        double m = head.margin();
        double s = state.scale();
        double[][] out = new double[cos.length][];
        HeadState next = state;
        switch (head.type()) {
            case ARCFACE -> {
                for (int i = 0; i < cos.length; i++) {
                    out[i] = cos[i].clone();
                    out[i][labels[i]] = arcTarget(cos[i][labels[i]], m);
                }
            }
            case COSFACE -> {
                for (int i = 0; i < cos.length; i++) {
                    out[i] = cos[i].clone();
                    out[i][labels[i]] = cos[i][labels[i]] - m;
                }
            }
            case SPHEREFACE -> {
                for (int i = 0; i < cos.length; i++) {
                    out[i] = cos[i].clone();
                    out[i][labels[i]] = Math.cos(m * clippedAcos(cos[i][labels[i]]));
                }
            }
            case CURRICULARFACE -> {
                double meanTarget = 0;
                for (int i = 0; i < cos.length; i++) {
                    meanTarget += clip(cos[i][labels[i]], -1, 1);
                }
                meanTarget /= cos.length;
                double t = head.momentum() * meanTarget + (1 - head.momentum()) * state.t();
                for (int i = 0; i < cos.length; i++) {
                    out[i] = new double[cos[i].length];
                    double target = clip(cos[i][labels[i]], -1, 1);
                    double targetWithMargin = target * Math.cos(m) - sinFromCos(target) * Math.sin(m);
                    for (int j = 0; j < cos[i].length; j++) {
                        double c = clip(cos[i][j], -1, 1);
                        out[i][j] = c > targetWithMargin ? c * (t + c) : c;
                    }
                    out[i][labels[i]] = arcTarget(target, m);
                }
                next = new HeadState(t, s);
            }
            case ADACOS -> {
                double sumNonTarget = 0;
                double[] targetThetas = new double[cos.length];
                for (int i = 0; i < cos.length; i++) {
                    for (int j = 0; j < cos[i].length; j++) {
                        if (j != labels[i]) {
                            sumNonTarget += Math.exp(s * cos[i][j]);
                        }
                    }
                    targetThetas[i] = clippedAcos(cos[i][labels[i]]);
                }
                double bAvg = sumNonTarget / cos.length;
                Arrays.sort(targetThetas);
                double thetaMedian = targetThetas[(targetThetas.length - 1) / 2];
                s = Math.log(bAvg) / Math.cos(Math.min(Math.PI / 4, thetaMedian));
                for (int i = 0; i < cos.length; i++) {
                    out[i] = cos[i].clone();
                }
                next = new HeadState(state.t(), s);
            }
            default -> throw new IllegalStateException("unhandled head " + head.type());
        }
        for (double[] row : out) {
            for (int j = 0; j < row.length; j++) {
                row[j] *= s;
            }
        }
        return new Forward(toFloat(out), next);
    }

    /** Logits from the head's initial state (what the first training step computes). */
    public static float[][] logits(HeadConfig head, float[][] embeddings, float[][] kernel, float[] bias,
                                   int[] labels) {
        return forward(head, HeadState.initial(head), embeddings, kernel, bias, labels).logits();
    }

    /**
     * Mean softmax cross-entropy, mean_i(logsumexp(z_i) - z_{i,y_i}), as tf.nn.sparse_softmax_cross_entropy_with_logits
     * followed by reduce_mean (JHFace's softmax_loss). The maximum is subtracted first so large scales do not
     * overflow.
     */
    public static double softmaxCrossEntropy(float[][] logits, int[] labels) {
        if (logits == null || labels == null || logits.length == 0 || logits.length != labels.length) {
            throw new IllegalArgumentException("need one label per logit row and at least one row");
        }
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            float[] z = logits[i];
            if (labels[i] < 0 || labels[i] >= z.length) {
                throw new IllegalArgumentException("label " + labels[i] + " of sample " + i + " is outside 0.."
                        + (z.length - 1));
            }
            double max = Double.NEGATIVE_INFINITY;
            for (float v : z) {
                max = Math.max(max, v);
            }
            double sumExp = 0;
            for (float v : z) {
                sumExp += Math.exp(v - max);
            }
            total += max + Math.log(sumExp) - z[labels[i]];
        }
        return total / logits.length;
    }

    /** ArcFace's target logit before scaling, with the fallback past theta = pi - m. */
    static double arcTarget(double cos, double m) {
        double threshold = Math.cos(Math.PI - m);
        double mm = Math.sin(Math.PI - m) * m;
        return cos > threshold ? cos * Math.cos(m) - sinFromCos(cos) * Math.sin(m) : cos - mm;
    }

    /** cos_ij = l2n(x_i) . l2n(W[:, j]). */
    static double[][] cosines(float[][] embeddings, float[][] kernel) {
        int dims = kernel.length;
        int classes = kernel[0].length;
        double[] columnNorms = new double[classes];
        for (float[] row : kernel) {
            for (int j = 0; j < classes; j++) {
                columnNorms[j] += (double) row[j] * row[j];
            }
        }
        for (int j = 0; j < classes; j++) {
            columnNorms[j] = Math.sqrt(Math.max(columnNorms[j], L2_EPSILON));
        }
        double[][] cos = new double[embeddings.length][classes];
        for (int i = 0; i < embeddings.length; i++) {
            double norm = 0;
            for (float v : embeddings[i]) {
                norm += (double) v * v;
            }
            norm = Math.sqrt(Math.max(norm, L2_EPSILON));
            for (int j = 0; j < classes; j++) {
                double dot = 0;
                for (int k = 0; k < dims; k++) {
                    dot += (embeddings[i][k] / norm) * (kernel[k][j] / columnNorms[j]);
                }
                cos[i][j] = dot;
            }
        }
        return cos;
    }

    private static double[][] dense(float[][] embeddings, float[][] kernel, float[] bias) {
        int classes = kernel[0].length;
        double[][] out = new double[embeddings.length][classes];
        for (int i = 0; i < embeddings.length; i++) {
            for (int j = 0; j < classes; j++) {
                double sum = bias[j];
                for (int k = 0; k < kernel.length; k++) {
                    sum += (double) embeddings[i][k] * kernel[k][j];
                }
                out[i][j] = sum;
            }
        }
        return out;
    }

    private static double sinFromCos(double cos) {
        return Math.sqrt(Math.max(0, 1 - cos * cos));
    }

    private static double clippedAcos(double cos) {
        return Math.acos(clip(cos, -1 + ACOS_CLIP, 1 - ACOS_CLIP));
    }

    private static double clip(double v, double min, double max) {
        return Math.min(max, Math.max(min, v));
    }

    private static float[][] toFloat(double[][] values) {
        float[][] out = new float[values.length][];
        for (int i = 0; i < values.length; i++) {
            out[i] = new float[values[i].length];
            for (int j = 0; j < values[i].length; j++) {
                out[i][j] = (float) values[i][j];
            }
        }
        return out;
    }

    private static void checkInputs(HeadConfig head, HeadState state, float[][] embeddings, float[][] kernel,
                                    float[] bias, int[] labels) {
        if (head == null || state == null) {
            throw new IllegalArgumentException("head config and state are required");
        }
        if (embeddings == null || embeddings.length == 0) {
            throw new IllegalArgumentException("embeddings must hold at least one row");
        }
        if (kernel == null || kernel.length == 0) {
            throw new IllegalArgumentException("kernel must be [embeddingSize, numClasses], got no rows");
        }
        int dims = kernel.length;
        for (int k = 0; k < dims; k++) {
            if (kernel[k] == null || kernel[k].length != head.numClasses()) {
                throw new IllegalArgumentException("kernel row " + k + " must have numClasses = "
                        + head.numClasses() + " columns");
            }
        }
        for (int i = 0; i < embeddings.length; i++) {
            if (embeddings[i] == null || embeddings[i].length != dims) {
                throw new IllegalArgumentException("embedding " + i + " must have " + dims
                        + " values (the kernel's rows)");
            }
        }
        if (labels == null || labels.length != embeddings.length) {
            throw new IllegalArgumentException("need one label per embedding: " + embeddings.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= head.numClasses()) {
                throw new IllegalArgumentException("label " + labels[i] + " of sample " + i + " is outside 0.."
                        + (head.numClasses() - 1));
            }
        }
        if (head.type() == HeadType.SOFTMAX) {
            if (bias == null || bias.length != head.numClasses()) {
                throw new IllegalArgumentException("SOFTMAX needs a bias of numClasses = " + head.numClasses()
                        + " values");
            }
        } else if (bias != null) {
            throw new IllegalArgumentException(head.type() + " has no bias; pass null");
        }
    }
}
