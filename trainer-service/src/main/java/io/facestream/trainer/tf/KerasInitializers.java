package io.facestream.trainer.tf;

import io.facestream.model.graph.Shape;
import io.facestream.model.graph.WeightSpec;

import java.util.Arrays;
import java.util.Random;

/**
 * Keras' default initial values, by weight name: kernels (Conv2D, DepthwiseConv2D, SeparableConv2D's two, Dense,
 * the margin heads' weights) glorot uniform; biases, beta, moving means and PReLU slopes zeros; gamma and moving
 * variances ones. Values come from a seeded java.util.Random, so a seed gives the same model every time.
 */
final class KerasInitializers {

    private KerasInitializers() {
    }

    static float[] initialValue(WeightSpec weight, Random random) {
        Shape shape = weight.shape();
        float[] values = new float[Math.toIntExact(shape.elementCount())];
        switch (weight.name()) {
            case "kernel", "depthwise_kernel", "pointwise_kernel" -> glorotUniform(shape, values, random);
            case "gamma", "moving_variance" -> Arrays.fill(values, 1f);
            case "bias", "beta", "moving_mean", "alpha" -> {
                // zeros
            }
            default -> throw new IllegalArgumentException("no Keras initialiser for weight " + weight.qualifiedName());
        }
        return values;
    }

    /** U(-limit, limit) with limit = sqrt(6 / (fan_in + fan_out)), fans as Keras computes them. */
    private static void glorotUniform(Shape shape, float[] values, Random random) {
        long fanIn;
        long fanOut;
        int rank = shape.rank();
        if (rank == 1) {
            fanIn = fanOut = shape.dim(0);
        } else {
            // the receptive field (kernel height x width) multiplies both fans
            long receptiveField = 1;
            for (int i = 0; i < rank - 2; i++) {
                receptiveField *= shape.dim(i);
            }
            fanIn = receptiveField * shape.dim(rank - 2);
            fanOut = receptiveField * shape.dim(rank - 1);
        }
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
        }
    }
}
