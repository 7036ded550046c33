package io.facestream.trainer.tf;

import java.util.List;

/**
 * The optimizer a training graph applies: SGD with momentum (TensorFlow's ApplyMomentum: accum = momentum * accum +
 * grad, var -= lr * accum; Nesterov: var -= lr * (grad + momentum * accum)) or Adam (ApplyAdam with Keras'
 * defaults). The learning rate is fed every step, so schedules live outside the graph.
 *
 * @param kind     SGD or ADAM
 * @param momentum SGD's momentum (JHFace: 0.9); unused by Adam
 * @param nesterov SGD's Nesterov variant (JHFace: true); unused by Adam
 * @param beta1    Adam's first-moment decay (0.9)
 * @param beta2    Adam's second-moment decay (0.999)
 * @param epsilon  Adam's epsilon (Keras: 1e-7)
 */
public record OptimizerSettings(Kind kind, double momentum, boolean nesterov, double beta1, double beta2,
                                double epsilon) {

    public enum Kind { SGD, ADAM }

    public OptimizerSettings {
        if (kind == null) {
            throw new IllegalArgumentException("optimizer kind is required");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam's betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be positive, got " + epsilon);
        }
    }

    public static OptimizerSettings sgd(double momentum, boolean nesterov) {
        return new OptimizerSettings(Kind.SGD, momentum, nesterov, 0.9, 0.999, 1e-7);
    }

    public static OptimizerSettings adam() {
        return new OptimizerSettings(Kind.ADAM, 0, false, 0.9, 0.999, 1e-7);
    }

    /** Names of the per-variable slots this optimizer keeps ("optimizer/&lt;weight&gt;/&lt;slot&gt;" in checkpoints).
     */
    public List<String> slotNames() {
        return kind == Kind.SGD ? List.of("momentum") : List.of("m", "v");
    }
}
