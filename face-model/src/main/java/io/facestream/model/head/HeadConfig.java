package io.facestream.model.head;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.facestream.model.graph.Shape;
import io.facestream.model.graph.WeightSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * A classification head: its type, how many identities it separates and its hyperparameters. The defaults are
 * JHFace's (ArcFace m 0.5 s 64, CosFace m 0.35 s 64, SphereFace m 1.35 s 30) and the CurricularFace and AdaCos
 * papers' (CurricularFace m 0.5 s 64 with t's momentum 0.01; AdaCos' initial scale sqrt(2) ln(numClasses - 1)).
 *
 * @param type       which head
 * @param numClasses number of identities (columns of the kernel)
 * @param margin     the angular or cosine margin; 0 for ADACOS and SOFTMAX, which have none
 * @param scale      the logit scale; for ADACOS the initial scale, which training then adapts; 1 for SOFTMAX
 * @param momentum   CURRICULARFACE's momentum for t (t = momentum * batch mean + (1 - momentum) * t); 0 otherwise
 */
public record HeadConfig(HeadType type, int numClasses, double margin, double scale, double momentum) {

    /** Node name of the head's weights in checkpoints ("head/kernel", ...). */
    public static final String NODE = "head";

    public static final double ARCFACE_MARGIN = 0.5;
    public static final double ARCFACE_SCALE = 64;
    public static final double COSFACE_MARGIN = 0.35;
    public static final double COSFACE_SCALE = 64;
    public static final double SPHEREFACE_MARGIN = 1.35;
    public static final double SPHEREFACE_SCALE = 30;
    public static final double CURRICULARFACE_MARGIN = 0.5;
    public static final double CURRICULARFACE_SCALE = 64;
    public static final double CURRICULARFACE_MOMENTUM = 0.01;

    public HeadConfig {
        requireType(type);
        int minClasses = type == HeadType.ADACOS ? 3 : 2;
        if (numClasses < minClasses) {
            throw new IllegalArgumentException(type + " needs numClasses >= " + minClasses + ", got " + numClasses);
        }
        switch (type) {
            case ARCFACE, CURRICULARFACE -> requireRange(type, "margin", margin, 0, Math.PI / 2);
            case COSFACE -> requireRange(type, "margin", margin, 0, 1);
            case SPHEREFACE -> requireRange(type, "margin", margin, 1, 8);
            case ADACOS, SOFTMAX -> requireExactly(type, "margin", margin, 0);
        }
        if (type == HeadType.SOFTMAX) {
            requireExactly(type, "scale", scale, 1);
        } else if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException(type + " scale must be finite and positive, got " + scale);
        }
        if (type == HeadType.CURRICULARFACE) {
            if (!(momentum > 0 && momentum <= 1)) {
                throw new IllegalArgumentException("CURRICULARFACE momentum must be in (0, 1], got " + momentum);
            }
        } else {
            requireExactly(type, "momentum", momentum, 0);
        }
    }

    /** The head with its default hyperparameters. */
    public static HeadConfig defaults(HeadType type, int numClasses) {
        return new HeadConfig(type, numClasses, defaultMargin(type), defaultScale(type, numClasses),
                defaultMomentum(type));
    }

    /** JSON form: any of margin, scale and momentum left out takes the type's default. */
    @JsonCreator
    static HeadConfig fromJson(@JsonProperty("type") HeadType type,
                               @JsonProperty("numClasses") Integer numClasses,
                               @JsonProperty("margin") Double margin,
                               @JsonProperty("scale") Double scale,
                               @JsonProperty("momentum") Double momentum) {
        if (numClasses == null) {
            throw new IllegalArgumentException("head numClasses is required");
        }
        return new HeadConfig(type, numClasses,
                margin != null ? margin : defaultMargin(type),
                scale != null ? scale : defaultScale(type, numClasses),
                momentum != null ? momentum : defaultMomentum(type));
    }

    private static double defaultMargin(HeadType type) {
        return switch (requireType(type)) {
            case ARCFACE -> ARCFACE_MARGIN;
            case COSFACE -> COSFACE_MARGIN;
            case SPHEREFACE -> SPHEREFACE_MARGIN;
            case CURRICULARFACE -> CURRICULARFACE_MARGIN;
            case ADACOS, SOFTMAX -> 0;
        };
    }

    private static double defaultScale(HeadType type, int numClasses) {
        return switch (requireType(type)) {
            case ARCFACE -> ARCFACE_SCALE;
            case COSFACE -> COSFACE_SCALE;
            case SPHEREFACE -> SPHEREFACE_SCALE;
            case CURRICULARFACE -> CURRICULARFACE_SCALE;
            case ADACOS -> adaCosInitialScale(numClasses);
            case SOFTMAX -> 1;
        };
    }

    private static double defaultMomentum(HeadType type) {
        return requireType(type) == HeadType.CURRICULARFACE ? CURRICULARFACE_MOMENTUM : 0;
    }

    private static HeadType requireType(HeadType type) {
        if (type == null) {
            throw new IllegalArgumentException("head type is required, one of " + List.of(HeadType.values()));
        }
        return type;
    }

    /** AdaCos' fixed-scale choice, sqrt(2) ln(C - 1), which it starts from. */
    public static double adaCosInitialScale(int numClasses) {
        if (numClasses < 3) {
            throw new IllegalArgumentException("ADACOS needs numClasses >= 3, got " + numClasses);
        }
        return Math.sqrt(2) * Math.log(numClasses - 1);
    }

    /**
     * The head's tensors for this embedding size, under node {@value #NODE}: "kernel" [embeddingSize, numClasses];
     * SOFTMAX adds "bias" [numClasses]; CURRICULARFACE keeps "t" [1] and ADACOS "scale" [1], the training state
     * that resuming needs (not trainable: they change by their update rules, not by gradients).
     */
    public List<WeightSpec> weights(int embeddingSize) {
        List<WeightSpec> w = new ArrayList<>();
        w.add(new WeightSpec(NODE, "kernel", Shape.of(embeddingSize, numClasses), true));
        switch (type) {
            case SOFTMAX -> w.add(new WeightSpec(NODE, "bias", Shape.of(numClasses), true));
            case CURRICULARFACE -> w.add(new WeightSpec(NODE, "t", Shape.of(1), false));
            case ADACOS -> w.add(new WeightSpec(NODE, "scale", Shape.of(1), false));
            default -> {
            }
        }
        return w;
    }

    private static void requireRange(HeadType type, String what, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(type + " " + what + " must be in [" + min + ", " + max + "], got "
                    + value);
        }
    }

    private static void requireExactly(HeadType type, String what, double value, double expected) {
        if (value != expected) {
            throw new IllegalArgumentException(type + " has no " + what + " to set: it must be " + expected + ", got "
                    + value);
        }
    }
}
