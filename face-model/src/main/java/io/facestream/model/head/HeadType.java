package io.facestream.model.head;

/**
 * The classification heads a face model trains with. Only training uses them: serving keeps the embedding.
 * {@link HeadMath} documents each one's formula.
 */
public enum HeadType {
    /** Additive angular margin, cos(theta + m) (Deng et al. 2019; arcface-tf2's ArcMarginPenaltyLogists). */
    ARCFACE,
    /** Additive cosine margin, cos(theta) - m (Wang et al. 2018; JHFace's AddMarginPenaltyLogists). */
    COSFACE,
    /** Multiplicative angular margin in JHFace's normalised form, cos(m * theta) (MulMarginPenaltyLogists). */
    SPHEREFACE,
    /** ArcFace's target logit plus adaptive re-weighting of hard negatives (Huang et al. 2020). */
    CURRICULARFACE,
    /** No margin, a scale adapted to the batch (Zhang et al. 2019). */
    ADACOS,
    /** A plain dense layer with bias (JHFace's NormHead). */
    SOFTMAX
}
