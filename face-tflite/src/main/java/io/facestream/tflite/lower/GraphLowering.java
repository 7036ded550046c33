package io.facestream.tflite.lower;

import io.facestream.model.graph.Layer;
import io.facestream.model.graph.Layer.ActivationKind;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.graph.Node;
import io.facestream.model.graph.Padding;
import io.facestream.model.graph.Shape;
import io.facestream.model.graph.WeightSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers a face-model {@link ModelGraph} with its float weights to a float32 {@link TfliteProgram} that ends in an
 * L2-normalised embedding:
 * <ul>
 *   <li>Dropout and linear activations disappear;</li>
 *   <li>batch normalisation and constant scaling fold into the convolution or dense layer before them when that
 *       layer feeds nothing else; any other batch normalisation becomes a 1x1 DEPTHWISE_CONV_2D on a feature map
 *       (per-channel int8 scales keep it exact), MUL + ADD on a vector. Nothing folds forwards into a following
 *       layer: that would spread the layer's weights along its input axis, which per-output-channel int8 scales
 *       cannot follow;</li>
 *   <li>ReLU and ReLU6 fuse into the operator before them when possible;</li>
 *   <li>separable convolutions become DEPTHWISE_CONV_2D + 1x1 CONV_2D;</li>
 *   <li>an L2_NORMALIZATION is appended unless the graph already ends with one.</li>
 * </ul>
 * Shapes gain a leading batch dimension of 1; reshapes write -1 there so batched inference stays possible.
 * TFLite's SAME padding is TensorFlow's (and Keras') own: the odd pixel goes bottom/right, and SAME average pooling
 * leaves the padding out of the average.
 *
 * <p>L2_NORMALIZATION computes x / sqrt(max(sum(x^2), 1e-6)); the graph's L2Normalize says x / max(|x|, 1e-10).
 * They differ only for embeddings of norm below 1e-3, which no trained model produces.
 */
public final class GraphLowering {

    /** Name of the appended output tensor. */
    public static final String OUTPUT_TENSOR = "normalized_embedding";

    private final ModelGraph graph;
    private final Map<String, float[]> weights;
    private final Map<String, Shape> shapes;
    private final TfliteProgram program;
    /** Nodes that are their input at inference (Dropout, linear activations), resolved to a real node. */
    private final Map<String, String> alias = new HashMap<>();
    private final Map<String, List<String>> consumers = new HashMap<>();
    private final Map<String, Group> groupOf = new HashMap<>();
    private final Map<String, Integer> tensorOf = new HashMap<>();
    private String output;

    /** A node with the batch normalisations, scalings and one ReLU/ReLU6 that it absorbs. */
    private static final class Group {
        final Node head;
        final List<Node> absorbed = new ArrayList<>();
        FusedActivation activation = FusedActivation.NONE;

        Group(Node head) {
            this.head = head;
        }

        String outputName() {
            return absorbed.isEmpty() ? head.name() : absorbed.get(absorbed.size() - 1).name();
        }
    }

    private GraphLowering(ModelGraph graph, Map<String, float[]> weights) {
        this.graph = graph;
        this.weights = weights;
        this.shapes = graph.shapes();
        this.program = new TfliteProgram("facestream " + graph.name());
    }

    /**
     * The float32 program. weights holds every weight of the graph by {@link WeightSpec#qualifiedName()} in the
     * WeightSpec layouts (others, such as a training head's, are ignored). The graph must end in a vector.
     */
    public static TfliteProgram lower(ModelGraph graph, Map<String, float[]> weights) {
        requireLowerable(graph);
        GraphLowering l = new GraphLowering(graph, weights);
        l.checkWeights();
        l.resolveAliases();
        l.planFusion();
        l.emit();
        return l.program;
    }

    /**
     * Throws IllegalArgumentException, saying why, when the graph cannot become an embedding model: its shapes do
     * not work out (an input too small for the net, for instance) or it does not end in a vector.
     */
    public static void requireLowerable(ModelGraph graph) {
        Shape out = graph.outputShape();
        if (out.rank() != 1) {
            throw new IllegalArgumentException("an embedding graph must end in a vector; " + graph.name()
                    + " ends in " + out);
        }
    }

    private void checkWeights() {
        List<String> problems = new ArrayList<>();
        for (WeightSpec w : graph.weights()) {
            float[] data = weights.get(w.qualifiedName());
            if (data == null) {
                problems.add("missing " + w.qualifiedName() + " " + w.shape());
            } else if (data.length != w.shape().elementCount()) {
                problems.add(w.qualifiedName() + " has " + data.length + " values, " + w.shape() + " needs "
                        + w.shape().elementCount());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("weights do not fit graph " + graph.name() + ": "
                    + String.join("; ", problems.subList(0, Math.min(10, problems.size())))
                    + (problems.size() > 10 ? " (and " + (problems.size() - 10) + " more)" : ""));
        }
    }

    // ---- analysis ------------------------------------------------------------------------------------------

    private void resolveAliases() {
        for (Node n : graph.nodes()) {
            boolean identity = n.layer() instanceof Layer.Dropout
                    || (n.layer() instanceof Layer.Activation a && a.kind() == ActivationKind.LINEAR);
            if (identity) {
                alias.put(n.name(), resolve(n.inputs().get(0)));
            }
        }
        for (Node n : graph.nodes()) {
            if (!alias.containsKey(n.name())) {
                for (String in : inputsOf(n)) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n.name());
                }
            }
        }
        output = resolve(graph.output());
    }

    private String resolve(String name) {
        return alias.getOrDefault(name, name);
    }

    private List<String> inputsOf(Node n) {
        return n.inputs().stream().map(this::resolve).toList();
    }

    /** The node that alone reads this node's output, or null (several readers, none, or the graph output). */
    private Node soleConsumer(String name) {
        List<String> c = consumers.getOrDefault(name, List.of());
        if (c.size() != 1 || name.equals(output)) {
            return null;
        }
        return graph.node(c.get(0));
    }

    private void planFusion() {
        for (Node n : graph.nodes()) {
            if (alias.containsKey(n.name()) || groupOf.containsKey(n.name())) {
                continue;
            }
            Layer layer = n.layer();
            boolean linear = layer instanceof Layer.Conv2D || layer instanceof Layer.DepthwiseConv2D
                    || layer instanceof Layer.SeparableConv2D || layer instanceof Layer.Dense;
            if (linear) {
                absorbChain(new Group(n), true);
            } else if (layer instanceof Layer.Add || layer instanceof Layer.BatchNorm) {
                absorbChain(new Group(n), false); // a ReLU can still fuse into the (last) ADD
            }
        }
    }

    /** Extends the group while its output feeds only a foldable layer; registers it under all its nodes. */
    private void absorbChain(Group g, boolean foldsAffine) {
        groupOf.put(g.head.name(), g);
        while (true) {
            Node next = soleConsumer(g.outputName());
            if (next == null) {
                return;
            }
            Layer l = next.layer();
            boolean affine = l instanceof Layer.BatchNorm || l instanceof Layer.Scale;
            FusedActivation act = fusable(l);
            if (foldsAffine && affine && g.activation == FusedActivation.NONE) {
                g.absorbed.add(next);
            } else if (act != FusedActivation.NONE && g.activation == FusedActivation.NONE) {
                g.absorbed.add(next);
                g.activation = act;
            } else {
                return;
            }
            groupOf.put(next.name(), g);
        }
    }

    private static FusedActivation fusable(Layer l) {
        if (l instanceof Layer.Activation a) {
            if (a.kind() == ActivationKind.RELU) {
                return FusedActivation.RELU;
            }
            if (a.kind() == ActivationKind.RELU6) {
                return FusedActivation.RELU6;
            }
        }
        return FusedActivation.NONE;
    }

    // ---- emission ------------------------------------------------------------------------------------------

    private void emit() {
        for (Node n : graph.nodes()) {
            if (alias.containsKey(n.name())) {
                continue;
            }
            Group g = groupOf.get(n.name());
            if (g != null && g.head != n) {
                continue; // emitted with its group's head
            }
            emitNode(n, g);
        }
        int last = tensorOf.get(output);
        if (graph.node(output).layer() instanceof Layer.L2Normalize) {
            program.addOutput(last);
        } else {
            int normalized = program.addActivation(OUTPUT_TENSOR, ElementType.FLOAT32,
                    program.tensor(last).shape(), null);
            program.addOp(Opcode.L2_NORMALIZATION, new int[] {last}, new int[] {normalized},
                    new OpOptions.Activation(FusedActivation.NONE));
            program.addOutput(normalized);
        }
    }

    private void emitNode(Node n, Group g) {
        Layer layer = n.layer();
        String name = g != null ? g.outputName() : n.name();
        Shape shape = shapes.get(name);
        FusedActivation act = g != null ? g.activation : FusedActivation.NONE;
        int out;
        if (layer instanceof Layer.Input) {
            out = program.addActivation(n.name(), ElementType.FLOAT32, tfShape(shape), null);
            program.addInput(out);
        } else if (layer instanceof Layer.Conv2D c) {
            out = conv(n, c, g, name, shape, act);
        } else if (layer instanceof Layer.DepthwiseConv2D d) {
            out = depthwise(n, d, g, name, shape, act);
        } else if (layer instanceof Layer.SeparableConv2D s) {
            out = separable(n, s, g, name, shape, act);
        } else if (layer instanceof Layer.Dense d) {
            out = dense(n, d, g, name, shape, act);
        } else if (layer instanceof Layer.BatchNorm bn) {
            out = batchNormUnfolded(n, bn, name, shape, act);
        } else if (layer instanceof Layer.Activation a) {
            out = activation(n, a.kind(), name, shape);
        } else if (layer instanceof Layer.PReLU) {
            float[] alpha = weight(n.name(), "alpha");
            int alphaT = program.addFloatConstant(name + "/alpha", TensorRole.OPERAND,
                    shapes.get(n.inputs().get(0)).rank() == 3 ? new int[] {1, 1, alpha.length}
                            : new int[] {alpha.length}, alpha);
            out = op(Opcode.PRELU, name, shape, OpOptions.NONE, in(n, 0), alphaT);
        } else if (layer instanceof Layer.Add) {
            out = addChain(n, name, shape, act);
        } else if (layer instanceof Layer.Multiply) {
            out = multiply(n, name, shape);
        } else if (layer instanceof Layer.Scale s) {
            int factor = scalar(name + "/factor", (float) s.factor());
            out = op(Opcode.MUL, name, shape, new OpOptions.Activation(FusedActivation.NONE), in(n, 0), factor);
        } else if (layer instanceof Layer.Concatenate) {
            int[] ins = new int[n.inputs().size()];
            for (int i = 0; i < ins.length; i++) {
                ins[i] = in(n, i);
            }
            out = op(Opcode.CONCATENATION, name, shape, new OpOptions.Concat(shape.rank()), ins);
        } else if (layer instanceof Layer.ZeroPadding p) {
            int pads = program.addIndexConstant(name + "/paddings", new int[] {4, 2},
                    new int[] {0, 0, p.top(), p.bottom(), p.left(), p.right(), 0, 0});
            out = op(Opcode.PAD, name, shape, OpOptions.NONE, in(n, 0), pads);
        } else if (layer instanceof Layer.Cropping c) {
            // the batch axis (mask bit 0) is taken whole, so batched inference keeps working
            int begin = program.addIndexConstant(name + "/begin", new int[] {4},
                    new int[] {0, c.top(), c.left(), 0});
            int end = program.addIndexConstant(name + "/end", new int[] {4},
                    new int[] {0, c.top() + shape.height(), c.left() + shape.width(), shape.channels()});
            int strides = program.addIndexConstant(name + "/strides", new int[] {4}, new int[] {1, 1, 1, 1});
            out = op(Opcode.STRIDED_SLICE, name, shape, new OpOptions.StridedSlice(1, 1), in(n, 0), begin, end,
                    strides);
        } else if (layer instanceof Layer.MaxPool p) {
            out = op(Opcode.MAX_POOL_2D, name, shape, new OpOptions.Pool(p.padding() == Padding.SAME, p.strideH(),
                    p.strideW(), p.poolH(), p.poolW()), in(n, 0));
        } else if (layer instanceof Layer.AvgPool p) {
            out = op(Opcode.AVERAGE_POOL_2D, name, shape, new OpOptions.Pool(p.padding() == Padding.SAME,
                    p.strideH(), p.strideW(), p.poolH(), p.poolW()), in(n, 0));
        } else if (layer instanceof Layer.GlobalAvgPool p) {
            int axes = program.addIndexConstant(name + "/axes", new int[] {2}, new int[] {1, 2});
            out = op(Opcode.MEAN, name, shape, new OpOptions.Mean(p.keepDims()), in(n, 0), axes);
        } else if (layer instanceof Layer.Flatten || layer instanceof Layer.Reshape) {
            int[] target = tfShape(shape);
            target[0] = -1;
            int shapeT = program.addIndexConstant(name + "/shape", new int[] {target.length}, target);
            out = op(Opcode.RESHAPE, name, shape, new OpOptions.Reshape(target), in(n, 0), shapeT);
        } else if (layer instanceof Layer.L2Normalize) {
            out = op(Opcode.L2_NORMALIZATION, name, shape, new OpOptions.Activation(FusedActivation.NONE),
                    in(n, 0));
        } else {
            throw new IllegalArgumentException("node " + n.name() + ": no lowering for " + layer);
        }
        tensorOf.put(n.name(), out);
        if (g != null) {
            for (Node a : g.absorbed) {
                tensorOf.put(a.name(), out);
            }
        }
    }

    private int conv(Node n, Layer.Conv2D c, Group g, String name, Shape shape, FusedActivation act) {
        float[] k = weight(n.name(), "kernel");
        int inC = shapes.get(n.inputs().get(0)).channels();
        int o = c.filters();
        int kh = c.kernelH();
        int kw = c.kernelW();
        // Keras [kh, kw, in, out] -> TFLite [out, kh, kw, in]
        float[] w = new float[k.length];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int i = 0; i < inC; i++) {
                    int src = ((y * kw + x) * inC + i) * o;
                    for (int f = 0; f < o; f++) {
                        w[((f * kh + y) * kw + x) * inC + i] = k[src + f];
                    }
                }
            }
        }
        Linear lin = new Linear(w, bias(n, c.useBias(), o), o, false);
        foldAbsorbed(g, lin);
        int wT = program.addFloatConstant(name + "/weights", TensorRole.FILTER, new int[] {o, kh, kw, inC}, lin.w);
        int bT = program.addFloatConstant(name + "/bias", TensorRole.BIAS, new int[] {o}, lin.b);
        return op(Opcode.CONV_2D, name, shape, new OpOptions.Conv(c.padding() == Padding.SAME, c.strideH(),
                c.strideW(), act), in(n, 0), wT, bT);
    }

    private int depthwise(Node n, Layer.DepthwiseConv2D d, Group g, String name, Shape shape,
                          FusedActivation act) {
        int outC = shape.channels();
        // Keras [kh, kw, c, m] is already TFLite's [1, kh, kw, c * m] in memory: output channel c * m + j
        Linear lin = new Linear(weight(n.name(), "depthwise_kernel").clone(), bias(n, d.useBias(), outC), outC,
                true);
        foldAbsorbed(g, lin);
        int wT = program.addFloatConstant(name + "/weights", TensorRole.FILTER,
                new int[] {1, d.kernelH(), d.kernelW(), outC}, lin.w);
        int bT = program.addFloatConstant(name + "/bias", TensorRole.BIAS, new int[] {outC}, lin.b);
        return op(Opcode.DEPTHWISE_CONV_2D, name, shape, new OpOptions.Depthwise(d.padding() == Padding.SAME,
                d.strideH(), d.strideW(), d.depthMultiplier(), act), in(n, 0), wT, bT);
    }

    private int separable(Node n, Layer.SeparableConv2D s, Group g, String name, Shape shape,
                          FusedActivation act) {
        int inC = shapes.get(n.inputs().get(0)).channels();
        int f = s.filters();
        String dwName = name + "/depthwise";
        int dwW = program.addFloatConstant(dwName + "/weights", TensorRole.FILTER,
                new int[] {1, s.kernelH(), s.kernelW(), inC}, weight(n.name(), "depthwise_kernel").clone());
        int dwB = program.addFloatConstant(dwName + "/bias", TensorRole.BIAS, new int[] {inC}, new float[inC]);
        int dwOut = op(Opcode.DEPTHWISE_CONV_2D, dwName, Shape.of(shape.height(), shape.width(), inC),
                new OpOptions.Depthwise(s.padding() == Padding.SAME, s.strideH(), s.strideW(), 1,
                        FusedActivation.NONE), in(n, 0), dwW, dwB);
        float[] p = weight(n.name(), "pointwise_kernel"); // [1, 1, in, out] -> [out, 1, 1, in]
        float[] w = new float[p.length];
        for (int i = 0; i < inC; i++) {
            for (int o = 0; o < f; o++) {
                w[o * inC + i] = p[i * f + o];
            }
        }
        Linear lin = new Linear(w, bias(n, s.useBias(), f), f, false);
        foldAbsorbed(g, lin);
        int wT = program.addFloatConstant(name + "/weights", TensorRole.FILTER, new int[] {f, 1, 1, inC}, lin.w);
        int bT = program.addFloatConstant(name + "/bias", TensorRole.BIAS, new int[] {f}, lin.b);
        return op(Opcode.CONV_2D, name, shape, new OpOptions.Conv(false, 1, 1, act), dwOut, wT, bT);
    }

    private int dense(Node n, Layer.Dense d, Group g, String name, Shape shape, FusedActivation act) {
        float[] k = weight(n.name(), "kernel");
        int inN = shapes.get(n.inputs().get(0)).channels();
        int u = d.units();
        float[] w = new float[k.length]; // Keras [in, units] -> TFLite [units, in]
        for (int i = 0; i < inN; i++) {
            for (int j = 0; j < u; j++) {
                w[j * inN + i] = k[i * u + j];
            }
        }
        Linear lin = new Linear(w, bias(n, d.useBias(), u), u, false);
        foldAbsorbed(g, lin);
        int wT = program.addFloatConstant(name + "/weights", TensorRole.FILTER, new int[] {u, inN}, lin.w);
        int bT = program.addFloatConstant(name + "/bias", TensorRole.BIAS, new int[] {u}, lin.b);
        boolean keepDims = shapes.get(n.inputs().get(0)).rank() > 1;
        return op(Opcode.FULLY_CONNECTED, name, shape, new OpOptions.FullyConnected(act, keepDims), in(n, 0), wT,
                bT);
    }

    /**
     * A batch normalisation that folds nowhere. On a feature map it becomes a 1x1 DEPTHWISE_CONV_2D (weights s,
     * bias t): the same arithmetic as MUL + ADD in one operator, and in int8 its per-channel weight scales keep
     * every channel's factor exact where MUL's one per-tensor scale would round the small ones away. On a vector
     * it is MUL + ADD.
     */
    private int batchNormUnfolded(Node n, Layer.BatchNorm bn, String name, Shape shape, FusedActivation act) {
        double[][] st = batchNormAffine(n, bn);
        int c = shape.channels();
        if (shape.rank() == 3) {
            int w = program.addFloatConstant(name + "/weights", TensorRole.FILTER, new int[] {1, 1, 1, c},
                    toFloats(st[0]));
            int b = program.addFloatConstant(name + "/bias", TensorRole.BIAS, new int[] {c}, toFloats(st[1]));
            return op(Opcode.DEPTHWISE_CONV_2D, name, shape, new OpOptions.Depthwise(false, 1, 1, 1, act), in(n, 0),
                    w, b);
        }
        int s = program.addFloatConstant(name + "/bn_scale", TensorRole.OPERAND, new int[] {c}, toFloats(st[0]));
        int t = program.addFloatConstant(name + "/bn_offset", TensorRole.OPERAND, new int[] {c}, toFloats(st[1]));
        int scaled = op(Opcode.MUL, name + "/scaled", shape, new OpOptions.Activation(FusedActivation.NONE),
                in(n, 0), s);
        return op(Opcode.ADD, name, shape, new OpOptions.Activation(act), scaled, t);
    }

    private int activation(Node n, ActivationKind kind, String name, Shape shape) {
        int x = in(n, 0);
        return switch (kind) {
            case RELU -> op(Opcode.RELU, name, shape, OpOptions.NONE, x);
            case RELU6 -> op(Opcode.RELU6, name, shape, OpOptions.NONE, x);
            case SIGMOID -> op(Opcode.LOGISTIC, name, shape, OpOptions.NONE, x);
            case TANH -> op(Opcode.TANH, name, shape, OpOptions.NONE, x);
            case HARD_SWISH -> op(Opcode.HARD_SWISH, name, shape, OpOptions.NONE, x);
            case SWISH -> {
                int sig = op(Opcode.LOGISTIC, name + "/sigmoid", shape, OpOptions.NONE, x);
                yield op(Opcode.MUL, name, shape, new OpOptions.Activation(FusedActivation.NONE), x, sig);
            }
            case HARD_SIGMOID -> { // relu6(x + 3) / 6
                int shifted = op(Opcode.ADD, name + "/relu6", shape, new OpOptions.Activation(FusedActivation.RELU6),
                        x, scalar(name + "/three", 3f));
                yield op(Opcode.MUL, name, shape, new OpOptions.Activation(FusedActivation.NONE), shifted,
                        scalar(name + "/one_sixth", 1f / 6f));
            }
            case LINEAR -> throw new IllegalStateException("linear activations are aliases");
        };
    }

    /** ADD over two or more inputs, as a chain of binary operators; the activation goes on the last. */
    private int addChain(Node n, String name, Shape shape, FusedActivation act) {
        int acc = in(n, 0);
        int count = n.inputs().size();
        for (int i = 1; i < count; i++) {
            boolean last = i == count - 1;
            acc = op(Opcode.ADD, last ? name : name + "/partial_" + i, shape,
                    new OpOptions.Activation(last ? act : FusedActivation.NONE), acc, in(n, i));
        }
        return acc;
    }

    /**
     * MUL over the inputs. A vector (c) gating a (h, w, c) map is first reshaped to [-1, 1, 1, c]: broadcasting
     * [n, c] against [n, h, w, c] would align its batch with the width once the batch exceeds 1.
     */
    private int multiply(Node n, String name, Shape shape) {
        int[] ins = new int[n.inputs().size()];
        for (int i = 0; i < ins.length; i++) {
            ins[i] = in(n, i);
            Shape s = shapes.get(resolve(n.inputs().get(i)));
            if (s.rank() == 1 && shape.rank() == 3) {
                int[] target = {-1, 1, 1, s.channels()};
                int shapeT = program.addIndexConstant(name + "/gate_shape_" + i, new int[] {4}, target);
                ins[i] = op(Opcode.RESHAPE, name + "/gate_" + i, Shape.of(1, 1, s.channels()),
                        new OpOptions.Reshape(target), ins[i], shapeT);
            }
        }
        int acc = ins[0];
        for (int i = 1; i < ins.length; i++) {
            acc = op(Opcode.MUL, i == ins.length - 1 ? name : name + "/partial_" + i, shape,
                    new OpOptions.Activation(FusedActivation.NONE), acc, ins[i]);
        }
        return acc;
    }

    private int op(Opcode opcode, String name, Shape shape, OpOptions options, int... inputs) {
        int out = program.addActivation(name, ElementType.FLOAT32, tfShape(shape), null);
        program.addOp(opcode, inputs, new int[] {out}, options);
        return out;
    }

    private int scalar(String name, float value) {
        return program.addFloatConstant(name, TensorRole.OPERAND, new int[] {1}, new float[] {value});
    }

    private int in(Node n, int i) {
        Integer t = tensorOf.get(resolve(n.inputs().get(i)));
        if (t == null) {
            throw new IllegalStateException("node " + n.name() + " reads " + n.inputs().get(i) + " before it exists");
        }
        return t;
    }

    private float[] weight(String node, String name) {
        return weights.get(node + "/" + name);
    }

    private float[] bias(Node n, boolean useBias, int units) {
        return useBias ? weight(n.name(), "bias").clone() : new float[units];
    }

    private void foldAbsorbed(Group g, Linear lin) {
        if (g == null) {
            return;
        }
        for (Node a : g.absorbed) {
            if (a.layer() instanceof Layer.BatchNorm bn) {
                double[][] st = batchNormAffine(a, bn);
                lin.foldIntoOutput(st[0], st[1]);
            } else if (a.layer() instanceof Layer.Scale s) {
                double[] scale = new double[lin.channels];
                Arrays.fill(scale, s.factor());
                lin.foldIntoOutput(scale, new double[lin.channels]);
            }
        }
    }

    /** Inference batch normalisation as y = x * s + t per channel: {s, t}. */
    private double[][] batchNormAffine(Node n, Layer.BatchNorm bn) {
        float[] mean = weight(n.name(), "moving_mean");
        float[] var = weight(n.name(), "moving_variance");
        float[] gamma = bn.scale() ? weight(n.name(), "gamma") : null;
        float[] beta = bn.center() ? weight(n.name(), "beta") : null;
        double[] s = new double[mean.length];
        double[] t = new double[mean.length];
        for (int c = 0; c < mean.length; c++) {
            s[c] = (gamma != null ? gamma[c] : 1.0) / Math.sqrt(var[c] + bn.epsilon());
            t[c] = (beta != null ? beta[c] : 0.0) - mean[c] * s[c];
        }
        return new double[][] {s, t};
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static int[] tfShape(Shape s) {
        int[] t = new int[s.rank() + 1];
        t[0] = 1;
        for (int i = 0; i < s.rank(); i++) {
            t[i + 1] = s.dim(i);
        }
        return t;
    }

    /**
     * Weights and bias of a convolution or dense layer in TFLite layout. Output channel of weight i: i / (size /
     * channels) when the output channel is the first axis (CONV_2D, FULLY_CONNECTED), i % channels when it is the
     * last (DEPTHWISE_CONV_2D).
     */
    private static final class Linear {
        final float[] w;
        final float[] b;
        final int channels;
        final boolean channelLast;

        Linear(float[] w, float[] b, int channels, boolean channelLast) {
            this.w = w;
            this.b = b;
            this.channels = channels;
            this.channelLast = channelLast;
        }

        /** Makes the layer compute y * s + t. */
        void foldIntoOutput(double[] s, double[] t) {
            int per = w.length / channels;
            for (int i = 0; i < w.length; i++) {
                int c = channelLast ? i % channels : i / per;
                w[i] = (float) (w[i] * s[c]);
            }
            for (int c = 0; c < channels; c++) {
                b[c] = (float) (b[c] * s[c] + t[c]);
            }
        }
    }
}
