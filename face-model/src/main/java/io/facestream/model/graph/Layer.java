package io.facestream.model.graph;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * The operations a face model is made of. Each layer knows its output shape and its weights from its input shapes,
 * so shape inference and parameter counting need no TensorFlow. Semantics follow Keras (tf.keras 2.x); the
 * TensorFlow Java lowering (trainer) and the TFLite lowering (converter) both read these records.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Layer.Input.class, name = "input"),
        @JsonSubTypes.Type(value = Layer.Conv2D.class, name = "conv2d"),
        @JsonSubTypes.Type(value = Layer.DepthwiseConv2D.class, name = "depthwise_conv2d"),
        @JsonSubTypes.Type(value = Layer.SeparableConv2D.class, name = "separable_conv2d"),
        @JsonSubTypes.Type(value = Layer.BatchNorm.class, name = "batch_norm"),
        @JsonSubTypes.Type(value = Layer.Activation.class, name = "activation"),
        @JsonSubTypes.Type(value = Layer.PReLU.class, name = "prelu"),
        @JsonSubTypes.Type(value = Layer.Add.class, name = "add"),
        @JsonSubTypes.Type(value = Layer.Multiply.class, name = "multiply"),
        @JsonSubTypes.Type(value = Layer.Scale.class, name = "scale"),
        @JsonSubTypes.Type(value = Layer.Concatenate.class, name = "concatenate"),
        @JsonSubTypes.Type(value = Layer.ZeroPadding.class, name = "zero_padding"),
        @JsonSubTypes.Type(value = Layer.Cropping.class, name = "cropping"),
        @JsonSubTypes.Type(value = Layer.MaxPool.class, name = "max_pool"),
        @JsonSubTypes.Type(value = Layer.AvgPool.class, name = "avg_pool"),
        @JsonSubTypes.Type(value = Layer.GlobalAvgPool.class, name = "global_avg_pool"),
        @JsonSubTypes.Type(value = Layer.Dense.class, name = "dense"),
        @JsonSubTypes.Type(value = Layer.Dropout.class, name = "dropout"),
        @JsonSubTypes.Type(value = Layer.Flatten.class, name = "flatten"),
        @JsonSubTypes.Type(value = Layer.Reshape.class, name = "reshape"),
        @JsonSubTypes.Type(value = Layer.L2Normalize.class, name = "l2_normalize"),
})
public sealed interface Layer {

    /** Output shape for these input shapes; throws IllegalArgumentException when they do not fit. */
    Shape outputShape(List<Shape> inputs);

    /** Weight tensors for these input shapes (empty for parameter-free layers). */
    default List<WeightSpec> weights(String node, List<Shape> inputs) {
        return List.of();
    }

    /** Number of inputs the layer takes; -1 for two or more. */
    default int arity() {
        return 1;
    }

    // ---- sources -------------------------------------------------------------------------------------------

    /** The image input, (height, width, channels). */
    record Input(Shape shape) implements Layer {
        public Shape outputShape(List<Shape> inputs) {
            return shape;
        }

        public int arity() {
            return 0;
        }
    }

    // ---- convolutions --------------------------------------------------------------------------------------

    record Conv2D(int filters, int kernelH, int kernelW, int strideH, int strideW, Padding padding, boolean useBias)
            implements Layer {
        public Shape outputShape(List<Shape> in) {
            Shape x = in.get(0).requireRank(3);
            return Shape.of(padding.outputSize(x.height(), kernelH, strideH),
                    padding.outputSize(x.width(), kernelW, strideW), filters);
        }

        public List<WeightSpec> weights(String node, List<Shape> in) {
            List<WeightSpec> w = new ArrayList<>();
            w.add(new WeightSpec(node, "kernel", Shape.of(kernelH, kernelW, in.get(0).channels(), filters), true));
            if (useBias) {
                w.add(new WeightSpec(node, "bias", Shape.of(filters), true));
            }
            return w;
        }
    }

    record DepthwiseConv2D(int kernelH, int kernelW, int strideH, int strideW, Padding padding, int depthMultiplier,
                           boolean useBias) implements Layer {
        public Shape outputShape(List<Shape> in) {
            Shape x = in.get(0).requireRank(3);
            return Shape.of(padding.outputSize(x.height(), kernelH, strideH),
                    padding.outputSize(x.width(), kernelW, strideW), x.channels() * depthMultiplier);
        }

        public List<WeightSpec> weights(String node, List<Shape> in) {
            int c = in.get(0).channels();
            List<WeightSpec> w = new ArrayList<>();
            w.add(new WeightSpec(node, "depthwise_kernel", Shape.of(kernelH, kernelW, c, depthMultiplier), true));
            if (useBias) {
                w.add(new WeightSpec(node, "bias", Shape.of(c * depthMultiplier), true));
            }
            return w;
        }
    }

    /** Keras SeparableConv2D: depthwise (multiplier 1) then 1x1 pointwise; the bias, if any, after the pointwise. */
    record SeparableConv2D(int filters, int kernelH, int kernelW, int strideH, int strideW, Padding padding,
                           boolean useBias) implements Layer {
        public Shape outputShape(List<Shape> in) {
            Shape x = in.get(0).requireRank(3);
            return Shape.of(padding.outputSize(x.height(), kernelH, strideH),
                    padding.outputSize(x.width(), kernelW, strideW), filters);
        }

        public List<WeightSpec> weights(String node, List<Shape> in) {
            int c = in.get(0).channels();
            List<WeightSpec> w = new ArrayList<>();
            w.add(new WeightSpec(node, "depthwise_kernel", Shape.of(kernelH, kernelW, c, 1), true));
            w.add(new WeightSpec(node, "pointwise_kernel", Shape.of(1, 1, c, filters), true));
            if (useBias) {
                w.add(new WeightSpec(node, "bias", Shape.of(filters), true));
            }
            return w;
        }
    }

    // ---- normalisation and activations ---------------------------------------------------------------------

    /** Batch normalisation over the last axis. center adds beta, scale adds gamma (InceptionV3 uses scale=false). */
    record BatchNorm(double epsilon, double momentum, boolean center, boolean scale) implements Layer {
        public Shape outputShape(List<Shape> in) {
            return in.get(0);
        }

        public List<WeightSpec> weights(String node, List<Shape> in) {
            Shape c = Shape.of(in.get(0).channels());
            List<WeightSpec> w = new ArrayList<>();
            if (scale) {
                w.add(new WeightSpec(node, "gamma", c, true));
            }
            if (center) {
                w.add(new WeightSpec(node, "beta", c, true));
            }
            w.add(new WeightSpec(node, "moving_mean", c, false));
            w.add(new WeightSpec(node, "moving_variance", c, false));
            return w;
        }
    }

    /**
     * HARD_SIGMOID is MobileNetV3's relu6(x + 3) / 6 (not Keras 2's 0.2x + 0.5 hard_sigmoid); HARD_SWISH is
     * x * relu6(x + 3) / 6; SWISH is x * sigmoid(x).
     */
    enum ActivationKind { RELU, RELU6, SWISH, HARD_SWISH, HARD_SIGMOID, SIGMOID, TANH, LINEAR }

    record Activation(ActivationKind kind) implements Layer {
        public Shape outputShape(List<Shape> in) {
            return in.get(0);
        }
    }

    /** Parametric ReLU with one slope per channel (Keras PReLU with shared_axes=[1, 2]). */
    record PReLU() implements Layer {
        public Shape outputShape(List<Shape> in) {
            return in.get(0);
        }

        public List<WeightSpec> weights(String node, List<Shape> in) {
            Shape x = in.get(0);
            Shape alpha = x.rank() == 3 ? Shape.of(1, 1, x.channels()) : Shape.of(x.channels());
            return List.of(new WeightSpec(node, "alpha", alpha, true));
        }
    }

    // ---- combining -----------------------------------------------------------------------------------------

    record Add() implements Layer {
        public Shape outputShape(List<Shape> in) {
            return sameShapes("add", in);
        }

        public int arity() {
            return -1;
        }
    }

    /**
     * Elementwise product with broadcasting of a (1, 1, c) or (c) input over a (h, w, c) one, as squeeze-and-excite
     * needs.
     */
    record Multiply() implements Layer {
        public Shape outputShape(List<Shape> in) {
            Shape widest = in.get(0);
            for (Shape s : in) {
                if (s.elementCount() > widest.elementCount()) {
                    widest = s;
                }
            }
            for (Shape s : in) {
                boolean broadcastable = s.equals(widest) || (s.channels() == widest.channels()
                        && s.elementCount() == s.channels());
                if (!broadcastable) {
                    throw new IllegalArgumentException("multiply: cannot broadcast " + s + " to " + widest);
                }
            }
            return widest;
        }

        public int arity() {
            return -1;
        }
    }

    /** Multiplication by a constant (InceptionResNetV2's residual scaling). */
    record Scale(double factor) implements Layer {
        public Shape outputShape(List<Shape> in) {
            return in.get(0);
        }
    }

    /** Concatenation along the channel (last) axis. */
    record Concatenate() implements Layer {
        public Shape outputShape(List<Shape> in) {
            Shape first = in.get(0);
            int channels = 0;
            for (Shape s : in) {
                if (s.rank() != first.rank()
                        || !s.dims().subList(0, s.rank() - 1).equals(first.dims().subList(0, first.rank() - 1))) {
                    throw new IllegalArgumentException("concatenate: incompatible shapes " + in);
                }
                channels += s.channels();
            }
            List<Integer> out = new ArrayList<>(first.dims().subList(0, first.rank() - 1));
            out.add(channels);
            return new Shape(out);
        }

        public int arity() {
            return -1;
        }
    }

    // ---- spatial -------------------------------------------------------------------------------------------

    record ZeroPadding(int top, int bottom, int left, int right) implements Layer {
        public Shape outputShape(List<Shape> in) {
            Shape x = in.get(0).requireRank(3);
            return Shape.of(x.height() + top + bottom, x.width() + left + right, x.channels());
        }
    }

    record Cropping(int top, int bottom, int left, int right) implements Layer {
        public Shape outputShape(List<Shape> in) {
            Shape x = in.get(0).requireRank(3);
            return Shape.of(x.height() - top - bottom, x.width() - left - right, x.channels());
        }
    }

    record MaxPool(int poolH, int poolW, int strideH, int strideW, Padding padding) implements Layer {
        public Shape outputShape(List<Shape> in) {
            Shape x = in.get(0).requireRank(3);
            return Shape.of(padding.outputSize(x.height(), poolH, strideH),
                    padding.outputSize(x.width(), poolW, strideW), x.channels());
        }
    }

    /** Average pooling; with SAME padding the padded pixels are not counted (TensorFlow's rule). */
    record AvgPool(int poolH, int poolW, int strideH, int strideW, Padding padding) implements Layer {
        public Shape outputShape(List<Shape> in) {
            Shape x = in.get(0).requireRank(3);
            return Shape.of(padding.outputSize(x.height(), poolH, strideH),
                    padding.outputSize(x.width(), poolW, strideW), x.channels());
        }
    }

    /** Mean over height and width; keepDims gives (1, 1, c) instead of (c). */
    record GlobalAvgPool(boolean keepDims) implements Layer {
        public Shape outputShape(List<Shape> in) {
            Shape x = in.get(0).requireRank(3);
            return keepDims ? Shape.of(1, 1, x.channels()) : Shape.of(x.channels());
        }
    }

    // ---- dense part ----------------------------------------------------------------------------------------

    /** Fully connected over the last axis. */
    record Dense(int units, boolean useBias) implements Layer {
        public Shape outputShape(List<Shape> in) {
            List<Integer> out = new ArrayList<>(in.get(0).dims());
            out.set(out.size() - 1, units);
            return new Shape(out);
        }

        public List<WeightSpec> weights(String node, List<Shape> in) {
            List<WeightSpec> w = new ArrayList<>();
            w.add(new WeightSpec(node, "kernel", Shape.of(in.get(0).channels(), units), true));
            if (useBias) {
                w.add(new WeightSpec(node, "bias", Shape.of(units), true));
            }
            return w;
        }
    }

    /** Dropout while training, identity at inference. */
    record Dropout(double rate) implements Layer {
        public Shape outputShape(List<Shape> in) {
            return in.get(0);
        }
    }

    /** Row-major (h, w, c) flattening, as Keras does on NHWC. */
    record Flatten() implements Layer {
        public Shape outputShape(List<Shape> in) {
            return Shape.of(Math.toIntExact(in.get(0).elementCount()));
        }
    }

    record Reshape(Shape target) implements Layer {
        public Shape outputShape(List<Shape> in) {
            if (in.get(0).elementCount() != target.elementCount()) {
                throw new IllegalArgumentException("reshape: " + in.get(0) + " has a different size than " + target);
            }
            return target;
        }
    }

    /** x / max(||x||, epsilon) along the last axis. */
    record L2Normalize(double epsilon) implements Layer {
        public Shape outputShape(List<Shape> in) {
            return in.get(0);
        }
    }

    private static Shape sameShapes(String op, List<Shape> in) {
        for (Shape s : in) {
            if (!s.equals(in.get(0))) {
                throw new IllegalArgumentException(op + ": input shapes differ " + in);
            }
        }
        return in.get(0);
    }
}
