package io.facestream.model.zoo;

/**
 * Options a backbone family may honour. alpha is the width multiplier (Keras' alpha for MobileNets, a width
 * coefficient multiplier elsewhere); families without one accept only 1.0 and say so.
 */
public record BackboneOptions(double alpha) {

    public static final BackboneOptions DEFAULT = new BackboneOptions(1.0);

    public BackboneOptions {
        if (!(alpha > 0) || alpha > 4) {
            throw new IllegalArgumentException("alpha must be in (0, 4], got " + alpha);
        }
    }

    /** For families without a width multiplier. */
    public void requireDefaultAlpha(String backbone) {
        if (alpha != 1.0) {
            throw new IllegalArgumentException(backbone + " has no width multiplier; alpha must be 1.0, got " + alpha);
        }
    }
}
