package io.facestream.trainer.tf;

import io.facestream.model.graph.Layer;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.graph.Node;
import io.facestream.model.graph.Padding;
import io.facestream.model.graph.Shape;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link ModelGraph} into TensorFlow ops, batch first (NHWC), with Keras semantics for every
 * {@link Layer}. TRAINING mode normalises with batch statistics and returns the moving-average updates (which the
 * caller must make control dependencies of its train op) and applies dropout; INFERENCE mode uses the moving
 * statistics and no dropout.
 *
 * <p>Nothing on the path from the weights to the output asks for the shape of a computed tensor: dropout masks take
 * the batch size from the graph input, every other shape is static. Graph.addGradients would otherwise have to
 * differentiate through Shape ops.
 */
final class GraphLowering {

    enum Mode { TRAINING, INFERENCE }

    /** The weights' values, and in training the way to update the non-trainable ones (BN moving statistics). */
    interface Weights {
        Operand<TFloat32> read(String qualifiedName);

        Op assign(String qualifiedName, Operand<TFloat32> value);
    }

    /** The graph's output and, in TRAINING mode, the moving-statistics updates. */
    record Lowered(Operand<TFloat32> output, List<Op> updates) {
    }

    private final Ops tf;
    private final Weights weights;
    private final Mode mode;
    private final Operand<TFloat32> input;
    private final Operand<TInt64> dropoutSeed;
    private final List<Op> updates = new ArrayList<>();
    private int dropoutLayers;

    private GraphLowering(Ops tf, Weights weights, Mode mode, Operand<TFloat32> input, Operand<TInt64> dropoutSeed) {
        this.tf = tf;
        this.weights = weights;
        this.mode = mode;
        this.input = input;
        this.dropoutSeed = dropoutSeed;
    }

    /**
     * @param input       the image batch [batch, h, w, c]
     * @param dropoutSeed TRAINING only: a [2] int64 seed for the stateless dropout masks (so a resumed run draws
     *                    the same masks); may be null in INFERENCE mode
     */
    static Lowered lower(Ops tf, ModelGraph graph, Operand<TFloat32> input, Weights weights, Mode mode,
                         Operand<TInt64> dropoutSeed) {
        if (mode == Mode.TRAINING && dropoutSeed == null) {
            throw new IllegalArgumentException("training mode needs a dropout seed");
        }
        GraphLowering lowering = new GraphLowering(tf, weights, mode, input, dropoutSeed);
        Map<String, Shape> shapes = graph.shapes();
        Map<String, Operand<TFloat32>> outputs = new HashMap<>();
        for (Node node : graph.nodes()) {
            List<Operand<TFloat32>> in = new ArrayList<>();
            List<Shape> inShapes = new ArrayList<>();
            for (String name : node.inputs()) {
                in.add(outputs.get(name));
                inShapes.add(shapes.get(name));
            }
            try {
                outputs.put(node.name(), lowering.node(node, in, inShapes, shapes.get(node.name())));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cannot lower node " + node.name() + " (" + node.layer() + "): "
                        + e.getMessage(), e);
            }
        }
        return new Lowered(outputs.get(graph.output()), List.copyOf(lowering.updates));
    }

    private Operand<TFloat32> node(Node node, List<Operand<TFloat32>> in, List<Shape> inShapes, Shape outShape) {
        String n = node.name();
        Layer layer = node.layer();
        Operand<TFloat32> x = in.isEmpty() ? null : in.get(0);
        if (layer instanceof Layer.Input) {
            return input;
        } else if (layer instanceof Layer.Conv2D c) {
            Operand<TFloat32> y = tf.nn.conv2d(x, weight(n, "kernel"), strides(c.strideH(), c.strideW()),
                    padding(c.padding()));
            return c.useBias() ? tf.nn.biasAdd(y, weight(n, "bias")) : y;
        } else if (layer instanceof Layer.DepthwiseConv2D d) {
            Operand<TFloat32> y = tf.nn.depthwiseConv2dNative(x, weight(n, "depthwise_kernel"),
                    strides(d.strideH(), d.strideW()), padding(d.padding()));
            return d.useBias() ? tf.nn.biasAdd(y, weight(n, "bias")) : y;
        } else if (layer instanceof Layer.SeparableConv2D s) {
            Operand<TFloat32> y = tf.nn.depthwiseConv2dNative(x, weight(n, "depthwise_kernel"),
                    strides(s.strideH(), s.strideW()), padding(s.padding()));
            y = tf.nn.conv2d(y, weight(n, "pointwise_kernel"), strides(1, 1), "VALID");
            return s.useBias() ? tf.nn.biasAdd(y, weight(n, "bias")) : y;
        } else if (layer instanceof Layer.BatchNorm bn) {
            return batchNorm(n, bn, x, inShapes.get(0));
        } else if (layer instanceof Layer.Activation a) {
            return activation(a.kind(), x);
        } else if (layer instanceof Layer.PReLU) {
            // Keras: relu(x) - alpha * relu(-x), one slope per channel
            return tf.math.sub(tf.nn.relu(x), tf.math.mul(weight(n, "alpha"), tf.nn.relu(tf.math.neg(x))));
        } else if (layer instanceof Layer.Add) {
            Operand<TFloat32> sum = x;
            for (int i = 1; i < in.size(); i++) {
                sum = tf.math.add(sum, in.get(i));
            }
            return sum;
        } else if (layer instanceof Layer.Multiply) {
            return multiply(in, inShapes, outShape);
        } else if (layer instanceof Layer.Scale s) {
            return tf.math.mul(x, tf.constant((float) s.factor()));
        } else if (layer instanceof Layer.Concatenate) {
            return tf.concat(in, tf.constant(outShape.rank()));
        } else if (layer instanceof Layer.ZeroPadding p) {
            return tf.pad(x, tf.constant(new int[][]{{0, 0}, {p.top(), p.bottom()}, {p.left(), p.right()}, {0, 0}}),
                    tf.constant(0f));
        } else if (layer instanceof Layer.Cropping c) {
            return tf.slice(x, tf.constant(new int[]{0, c.top(), c.left(), 0}),
                    tf.constant(new int[]{-1, outShape.height(), outShape.width(), -1}));
        } else if (layer instanceof Layer.MaxPool p) {
            return tf.nn.maxPool(x, tf.constant(new int[]{1, p.poolH(), p.poolW(), 1}),
                    tf.constant(new int[]{1, p.strideH(), p.strideW(), 1}), padding(p.padding()));
        } else if (layer instanceof Layer.AvgPool p) {
            // TensorFlow's SAME average pooling leaves the padded pixels out of the count, as Keras does
            return tf.nn.avgPool(x, List.of(1L, (long) p.poolH(), (long) p.poolW(), 1L),
                    strides(p.strideH(), p.strideW()), padding(p.padding()));
        } else if (layer instanceof Layer.GlobalAvgPool g) {
            return tf.math.mean(x, tf.constant(new int[]{1, 2}), Mean.keepDims(g.keepDims()));
        } else if (layer instanceof Layer.Dense d) {
            return dense(n, d, x, inShapes.get(0), outShape);
        } else if (layer instanceof Layer.Dropout d) {
            return mode == Mode.TRAINING && d.rate() > 0 ? dropout(x, d.rate(), outShape) : x;
        } else if (layer instanceof Layer.Flatten || layer instanceof Layer.Reshape) {
            return tf.reshape(x, tf.constant(batchShape(outShape)));
        } else if (layer instanceof Layer.L2Normalize l2) {
            // x / max(||x||, eps) == x * rsqrt(max(sum(x^2), eps^2)), without sqrt's infinite slope at 0
            Operand<TFloat32> sumSquares = tf.reduceSum(tf.math.square(x), tf.constant(outShape.rank()),
                    ReduceSum.keepDims(true));
            float floor = (float) (l2.epsilon() * l2.epsilon());
            return tf.math.mul(x, tf.math.rsqrt(tf.math.maximum(sumSquares, tf.constant(floor))));
        }
        throw new IllegalArgumentException("no lowering for layer " + layer.getClass().getSimpleName());
    }

    private Operand<TFloat32> batchNorm(String n, Layer.BatchNorm bn, Operand<TFloat32> x, Shape shape) {
        int channels = shape.channels();
        Operand<TFloat32> gamma = bn.scale() ? weight(n, "gamma") : tf.constant(filled(channels, 1f));
        Operand<TFloat32> beta = bn.center() ? weight(n, "beta") : tf.constant(filled(channels, 0f));
        // FusedBatchNormV3 takes 4-D input: a vector batch [b, c] goes through as [b, 1, 1, c]
        Operand<TFloat32> x4 = shape.rank() == 3 ? x : tf.reshape(x, tf.constant(new int[]{-1, 1, 1, channels}));
        Operand<TFloat32> y;
        if (mode == Mode.TRAINING) {
            FusedBatchNorm<TFloat32, TFloat32> fused = tf.nn.fusedBatchNorm(x4, gamma, beta,
                    tf.constant(new float[0]), tf.constant(new float[0]),
                    FusedBatchNorm.epsilon((float) bn.epsilon()), FusedBatchNorm.isTraining(true));
            y = fused.y();
            // Keras: moving = moving * momentum + batch * (1 - momentum); the batch variance output is the
            // unbiased one, as Keras' fused path uses it
            updates.add(movingAverage(n + "/moving_mean", fused.batchMean(), bn.momentum()));
            updates.add(movingAverage(n + "/moving_variance", fused.batchVariance(), bn.momentum()));
        } else {
            y = tf.nn.fusedBatchNorm(x4, gamma, beta, weight(n, "moving_mean"), weight(n, "moving_variance"),
                    FusedBatchNorm.epsilon((float) bn.epsilon()), FusedBatchNorm.isTraining(false)).y();
        }
        return shape.rank() == 3 ? y : tf.reshape(y, tf.constant(batchShape(shape)));
    }

    private Op movingAverage(String name, Operand<TFloat32> batchValue, double momentum) {
        Operand<TFloat32> moving = weights.read(name);
        Operand<TFloat32> updated = tf.math.add(tf.math.mul(moving, tf.constant((float) momentum)),
                tf.math.mul(batchValue, tf.constant((float) (1 - momentum))));
        return weights.assign(name, updated);
    }

    private Operand<TFloat32> activation(Layer.ActivationKind kind, Operand<TFloat32> x) {
        return switch (kind) {
            case RELU -> tf.nn.relu(x);
            case RELU6 -> tf.nn.relu6(x);
            case SWISH -> tf.math.mul(x, tf.math.sigmoid(x));
            case HARD_SIGMOID -> hardSigmoid(x);
            case HARD_SWISH -> tf.math.mul(x, hardSigmoid(x));
            case SIGMOID -> tf.math.sigmoid(x);
            case TANH -> tf.math.tanh(x);
            case LINEAR -> x;
        };
    }

    /** MobileNetV3's relu6(x + 3) / 6. */
    private Operand<TFloat32> hardSigmoid(Operand<TFloat32> x) {
        return tf.math.mul(tf.nn.relu6(tf.math.add(x, tf.constant(3f))), tf.constant(1f / 6f));
    }

    /** Elementwise product; a (c) vector input is reshaped to (1, 1, c) to broadcast over a (h, w, c) map. */
    private Operand<TFloat32> multiply(List<Operand<TFloat32>> in, List<Shape> shapes, Shape outShape) {
        Operand<TFloat32> product = null;
        for (int i = 0; i < in.size(); i++) {
            Operand<TFloat32> x = in.get(i);
            if (outShape.rank() == 3 && shapes.get(i).rank() == 1) {
                x = tf.reshape(x, tf.constant(new int[]{-1, 1, 1, outShape.channels()}));
            }
            product = product == null ? x : tf.math.mul(product, x);
        }
        return product;
    }

    private Operand<TFloat32> dense(String n, Layer.Dense d, Operand<TFloat32> x, Shape inShape, Shape outShape) {
        Operand<TFloat32> flat = inShape.rank() == 1 ? x
                : tf.reshape(x, tf.constant(new int[]{-1, inShape.channels()}));
        Operand<TFloat32> y = tf.linalg.matMul(flat, weight(n, "kernel"));
        if (d.useBias()) {
            y = tf.nn.biasAdd(y, weight(n, "bias"));
        }
        return inShape.rank() == 1 ? y : tf.reshape(y, tf.constant(batchShape(outShape)));
    }

    /** Keras Dropout: keep with probability 1 - rate and scale the kept values by 1 / (1 - rate). */
    private Operand<TFloat32> dropout(Operand<TFloat32> x, double rate, Shape shape) {
        Operand<TInt32> batch = tf.slice(tf.shape(input), tf.constant(new int[]{0}), tf.constant(new int[]{1}));
        Operand<TInt32> maskShape = tf.concat(List.of(batch, tf.constant(shape.toArray())), tf.constant(0));
        // each dropout layer draws from its own stream: seed (s0 + layer index, s1)
        Operand<TInt64> seed = tf.math.add(dropoutSeed, tf.constant(new long[]{dropoutLayers++, 0}));
        Operand<TFloat32> uniform = tf.random.statelessRandomUniform(maskShape, seed);
        Operand<TFloat32> keep = tf.dtypes.cast(tf.math.greaterEqual(uniform, tf.constant((float) rate)),
                TFloat32.class);
        return tf.math.mul(x, tf.math.mul(keep, tf.constant((float) (1 / (1 - rate)))));
    }

    private Operand<TFloat32> weight(String node, String name) {
        return weights.read(node + "/" + name);
    }

    private static List<Long> strides(int h, int w) {
        return List.of(1L, (long) h, (long) w, 1L);
    }

    private static String padding(Padding padding) {
        return padding == Padding.SAME ? "SAME" : "VALID";
    }

    /** [-1, dims...]: a shape without its batch dimension, as a reshape target. */
    private static int[] batchShape(Shape shape) {
        int[] out = new int[shape.rank() + 1];
        out[0] = -1;
        System.arraycopy(shape.toArray(), 0, out, 1, shape.rank());
        return out;
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        Arrays.fill(a, value);
        return a;
    }
}
