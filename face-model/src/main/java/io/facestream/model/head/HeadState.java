package io.facestream.model.head;

/**
 * What a head carries from one training batch to the next: CURRICULARFACE's t and ADACOS' current scale. The
 * other heads never change it. Checkpoints keep it as "head/t" and "head/scale" (see {@link HeadConfig#weights}).
 *
 * @param t     CURRICULARFACE's running mean of the target cosines, 0 at the start
 * @param scale the logit scale in force: the configured one, which only ADACOS updates
 */
public record HeadState(double t, double scale) {

    public HeadState {
        if (!Double.isFinite(t) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("head state must be finite, got t=" + t + " scale=" + scale);
        }
    }

    public static HeadState initial(HeadConfig head) {
        return new HeadState(0, head.scale());
    }
}
