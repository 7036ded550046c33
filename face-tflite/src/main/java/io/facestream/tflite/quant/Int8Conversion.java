package io.facestream.tflite.quant;

import io.facestream.tflite.lower.ElementType;
import io.facestream.tflite.lower.Op;
import io.facestream.tflite.lower.OpOptions;
import io.facestream.tflite.lower.Opcode;
import io.facestream.tflite.lower.Quantization;
import io.facestream.tflite.lower.Tensor;
import io.facestream.tflite.lower.TensorRole;
import io.facestream.tflite.lower.TfliteProgram;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Full-integer quantization of a float program (TFLite's int8 scheme):
 * <ul>
 *   <li>weights: symmetric int8 per output channel (zero points 0; axis 0 for CONV_2D and FULLY_CONNECTED, 3 for
 *       DEPTHWISE_CONV_2D); biases int32 with scale input_scale * weight_scale[c], corrected for the weights'
 *       rounding on the calibrated mean input;</li>
 *   <li>other float constants (PReLU slopes, MUL/ADD operands): symmetric int8 per tensor;</li>
 *   <li>activations: asymmetric int8 from the calibrated range (widened to contain 0, and where needed so that no
 *       operator rescales by more than XNNPACK accepts); LOGISTIC outputs 1/256 and -128, TANH and inner
 *       L2_NORMALIZATION outputs 1/128 and 0, as the kernels require;</li>
 *   <li>operators whose int8 kernels do not rescale (PAD, STRIDED_SLICE, RESHAPE, pooling) share their input's
 *       parameters; CONCATENATION inputs share the output's, and an input that cannot (fixed parameters) is
 *       requantized;</li>
 *   <li>a QUANTIZE takes the float (or uint8) input in; an L2_NORMALIZATION ending the model runs in float after a
 *       DEQUANTIZE, so the embedding keeps float precision; other int8 outputs are dequantized.</li>
 * </ul>
 */
public final class Int8Conversion {

    private static final Quantization LOGISTIC_OUTPUT = Quantization.perTensor(1f / 256, -128);
    private static final Quantization UNIT_OUTPUT = Quantization.perTensor(1f / 128, 0);
    /** Narrowest activation range: a tensor that is always 0 still needs a positive scale. */
    private static final double MIN_RANGE = 1e-6;
    /** Largest accumulator-to-output scale ratio allowed; XNNPACK's limit is 256. */
    private static final double MAX_RESCALE = 128;

    private final TfliteProgram source;
    private final ActivationRanges ranges;
    private final Int8Options options;
    private final TfliteProgram target;
    private final int[] parent;
    private final Quantization[] groupParams;
    private final int[] mapped;
    private final Set<Integer> floatOps = new HashSet<>();
    /** Quantized weights and operands by source tensor, computed once for planning and emission. */
    private final Map<Integer, WeightQuantizer.Int8> quantizedConstants = new HashMap<>();

    private Int8Conversion(TfliteProgram source, ActivationRanges ranges, Int8Options options) {
        this.source = source;
        this.ranges = ranges;
        this.options = options;
        this.target = new TfliteProgram(source.description() + " (int8)");
        int n = source.tensors().size();
        this.parent = new int[n];
        this.groupParams = new Quantization[n];
        this.mapped = new int[n];
        Arrays.fill(mapped, -1);
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
    }

    /** The int8 program for a float program and the ranges calibration measured on it. */
    public static TfliteProgram convert(TfliteProgram floatProgram, ActivationRanges ranges, Int8Options options) {
        if (floatProgram.inputs().size() != 1
                || floatProgram.tensor(floatProgram.inputs().get(0)).type() != ElementType.FLOAT32) {
            throw new IllegalArgumentException("int8 conversion needs a program with one float32 input");
        }
        if (options.uint8Input() != null) {
            int[] shape = floatProgram.tensor(floatProgram.inputs().get(0)).shape();
            int size = options.uint8Input().inputSize();
            if (shape.length != 4 || shape[1] != size || shape[2] != size) {
                throw new IllegalArgumentException("uint8 input preprocessing for " + size + "x" + size
                        + " images, the model takes " + Arrays.toString(shape));
            }
        }
        Int8Conversion c = new Int8Conversion(floatProgram, ranges, options);
        c.planParameters();
        c.emit();
        return c.target;
    }

    // ---- activation parameters -----------------------------------------------------------------------------

    private void planParameters() {
        List<Op> ops = source.ops();
        Quantization[] fixed = new Quantization[parent.length];
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            switch (op.opcode()) {
                case LOGISTIC -> fixed[op.output()] = LOGISTIC_OUTPUT;
                case TANH -> fixed[op.output()] = UNIT_OUTPUT;
                case L2_NORMALIZATION -> {
                    if (source.outputs().contains(op.output())) {
                        floatOps.add(i);
                    } else {
                        fixed[op.output()] = UNIT_OUTPUT;
                    }
                }
                default -> {
                }
            }
        }
        int input = source.inputs().get(0);
        if (options.uint8Input() != null) {
            fixed[input] = Quantization.perTensor(options.uint8Input().scale(), options.uint8ZeroPoint() - 128);
        }
        for (Op op : ops) {
            if (op.opcode().passesQuantizationThrough()) {
                union(op.input(0), op.output());
            }
        }
        Quantization[] fixedOfRoot = new Quantization[parent.length];
        for (int t = 0; t < parent.length; t++) {
            if (fixed[t] != null) {
                fixedOfRoot[find(t)] = fixed[t];
            }
        }
        for (Op op : ops) {
            if (op.opcode() == Opcode.CONCATENATION && fixedOfRoot[find(op.output())] == null) {
                for (int in : op.inputs()) {
                    if (fixedOfRoot[find(in)] == null) {
                        union(in, op.output());
                    }
                }
            }
        }
        double[] lo = new double[parent.length];
        double[] hi = new double[parent.length];
        Arrays.fill(lo, Double.POSITIVE_INFINITY);
        Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (Tensor t : source.tensors()) {
            if (!t.isConstant() && ranges.has(t.name())) {
                int r = find(t.index());
                lo[r] = Math.min(lo[r], ranges.min(t.name()));
                hi[r] = Math.max(hi[r], ranges.max(t.name()));
            }
        }
        for (int t = 0; t < parent.length; t++) {
            int r = find(t);
            if (groupParams[r] == null) {
                Quantization f = fixedOfRoot[r];
                if (f != null) {
                    groupParams[r] = f;
                } else if (lo[r] <= hi[r]) {
                    groupParams[r] = fromRange(lo[r], hi[r]);
                }
            }
        }
        raiseTinyScales(fixedOfRoot, lo, hi);
    }

    /**
     * Widens output ranges so that no operator rescales by more than {@value #MAX_RESCALE}: XNNPACK refuses
     * larger input-to-output scale ratios (a ReLU that never fired in calibration would otherwise get a scale
     * near 0), and so would the builtin kernels' fixed-point multipliers at some point. Widening only costs
     * that tensor some resolution. Outputs are settled in execution order, so inputs are final when read;
     * a second pass covers concatenation groups that later producers widened.
     */
    private void raiseTinyScales(Quantization[] fixedOfRoot, double[] lo, double[] hi) {
        for (int pass = 0; pass < 2; pass++) {
            List<Op> ops = source.ops();
            for (int i = 0; i < ops.size(); i++) {
                Op op = ops.get(i);
                int r = find(op.output());
                if (floatOps.contains(i) || fixedOfRoot[r] != null || groupParams[r] == null) {
                    continue;
                }
                double minScale = largestInputScale(op) / MAX_RESCALE;
                if (groupParams[r].scale() < minScale) {
                    double low = Math.min(lo[r], 0);
                    hi[r] = Math.max(hi[r], low + minScale * 255);
                    groupParams[r] = fromRange(low, hi[r]);
                }
            }
        }
    }

    /** The scale an operator's accumulator has: input times weight (or operand) scale, else the input scale. */
    private double largestInputScale(Op op) {
        double largest = 0;
        Quantization in = groupParams[find(op.input(0))];
        double inScale = in != null ? in.scale() : 0;
        switch (op.opcode()) {
            case CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED -> {
                for (float w : quantized(op, 1).quantization().scales()) {
                    largest = Math.max(largest, inScale * w);
                }
            }
            case MUL -> {
                Tensor b = source.tensor(op.input(1));
                Quantization q = b.isConstant() ? quantized(op, 1).quantization() : groupParams[find(b.index())];
                largest = inScale * (q != null ? q.scale() : 0);
            }
            default -> {
                for (int t : op.inputs()) {
                    Tensor tt = source.tensor(t);
                    Quantization q = tt.isConstant() ? null : groupParams[find(t)];
                    if (q != null) {
                        largest = Math.max(largest, q.scale());
                    }
                }
            }
        }
        return largest;
    }

    /** The int8 form of constant input k of op (filters per channel, other operands per tensor). */
    private WeightQuantizer.Int8 quantized(Op op, int k) {
        Tensor t = source.tensor(op.input(k));
        return quantizedConstants.computeIfAbsent(t.index(), i -> t.role() == TensorRole.FILTER
                ? WeightQuantizer.perChannel(t.floats(), t.shape(), op.opcode() == Opcode.DEPTHWISE_CONV_2D ? 3 : 0)
                : WeightQuantizer.perTensor(t.floats()));
    }

    /** Asymmetric int8 parameters covering [lo, hi] and 0 exactly. */
    static Quantization fromRange(double lo, double hi) {
        lo = Math.min(lo, 0);
        hi = Math.max(hi, 0);
        if (hi - lo < MIN_RANGE) {
            hi = lo + MIN_RANGE;
        }
        double scale = (hi - lo) / 255.0;
        long zeroPoint = Math.round(-128 - lo / scale);
        return Quantization.perTensor((float) scale, Math.max(-128, Math.min(127, zeroPoint)));
    }

    private int find(int t) {
        while (parent[t] != t) {
            parent[t] = parent[parent[t]];
            t = parent[t];
        }
        return t;
    }

    private void union(int a, int b) {
        parent[find(a)] = find(b);
    }

    private Quantization paramsOf(int sourceTensor) {
        Quantization q = groupParams[find(sourceTensor)];
        if (q == null) {
            throw new IllegalArgumentException("no calibration range for tensor " + source.tensor(sourceTensor).name()
                    + ": calibrate with the float32 model of this same program");
        }
        return q;
    }

    // ---- emission ------------------------------------------------------------------------------------------

    private void emit() {
        Tensor in = source.tensor(source.inputs().get(0));
        Quantization inQ = paramsOf(in.index());
        int modelInput = options.uint8Input() != null
                ? target.addActivation(in.name(), ElementType.UINT8, in.shape(),
                Quantization.perTensor(options.uint8Input().scale(), options.uint8ZeroPoint()))
                : target.addActivation(in.name(), ElementType.FLOAT32, in.shape(), null);
        target.addInput(modelInput);
        int quantized = target.addActivation(in.name() + "/int8", ElementType.INT8, in.shape(), inQ);
        target.addOp(Opcode.QUANTIZE, new int[] {modelInput}, new int[] {quantized}, OpOptions.NONE);
        mapped[in.index()] = quantized;

        List<Op> ops = source.ops();
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            Tensor out = source.tensor(op.output());
            if (floatOps.contains(i)) {
                int x = mapped(op.input(0));
                Tensor xt = target.tensor(x);
                int dq = target.addActivation(xt.name() + "/dequantized", ElementType.FLOAT32, xt.shape(), null);
                target.addOp(Opcode.DEQUANTIZE, new int[] {x}, new int[] {dq}, OpOptions.NONE);
                mapped[out.index()] = target.addActivation(out.name(), ElementType.FLOAT32, out.shape(), null);
                target.addOp(op.opcode(), new int[] {dq}, new int[] {mapped[out.index()]}, op.options());
                continue;
            }
            Quantization outQ = paramsOf(out.index());
            int[] ins = new int[op.inputs().length];
            for (int k = 0; k < ins.length; k++) {
                ins[k] = operand(op, k, ins);
            }
            if (op.opcode() == Opcode.CONCATENATION) {
                for (int k = 0; k < ins.length; k++) {
                    ins[k] = requantized(ins[k], outQ, out.name());
                }
            }
            mapped[out.index()] = target.addActivation(out.name(), ElementType.INT8, out.shape(), outQ);
            target.addOp(op.opcode(), ins, new int[] {mapped[out.index()]}, op.options());
        }

        for (int o : source.outputs()) {
            int t = mapped(o);
            Tensor tt = target.tensor(t);
            if (tt.type() == ElementType.INT8) {
                int f = target.addActivation(tt.name() + "/float", ElementType.FLOAT32, tt.shape(), null);
                target.addOp(Opcode.DEQUANTIZE, new int[] {t}, new int[] {f}, OpOptions.NONE);
                t = f;
            }
            target.addOutput(t);
        }
    }

    private int mapped(int sourceTensor) {
        if (mapped[sourceTensor] < 0) {
            throw new IllegalStateException("tensor " + source.tensor(sourceTensor).name() + " used before it is "
                    + "computed");
        }
        return mapped[sourceTensor];
    }

    /** The int8 program's tensor for input k of op; inputs before k are already mapped (bias needs them). */
    private int operand(Op op, int k, int[] mappedInputs) {
        Tensor t = source.tensor(op.input(k));
        if (!t.isConstant()) {
            return mapped(t.index());
        }
        if (mapped[t.index()] >= 0) {
            return mapped[t.index()];
        }
        int result = switch (t.role()) {
            case FILTER, OPERAND -> {
                WeightQuantizer.Int8 q = quantized(op, k);
                yield target.addEncodedConstant(t.name(), ElementType.INT8, t.role(), t.shape(), q.data(),
                        q.quantization());
            }
            case BIAS -> {
                float inputScale = target.tensor(mappedInputs[0]).quantization().scale();
                float[] weightScales = target.tensor(mappedInputs[1]).quantization().scales();
                yield target.addIntConstant(t.name(), t.role(), t.shape(),
                        WeightQuantizer.int32Bias(correctedBias(op, t.floats()), inputScale, weightScales),
                        WeightQuantizer.biasQuantization(inputScale, weightScales, t.channels()));
            }
            case INDEX -> target.copyConstant(t);
            case ACTIVATION -> throw new IllegalStateException("constant " + t.name() + " marked as activation");
        };
        if (t.role() != TensorRole.BIAS) {
            mapped[t.index()] = result; // a bias depends on its operator's input scale: never shared
        }
        return result;
    }

    /**
     * Bias correction: rounding the weights changes each output by sum((w - q(w)) * x), whose expectation over the
     * calibration inputs, sum((w - q(w)) * mean(x)), is added back to the bias. It matters where inputs have large
     * means and the outputs small spread (after a ReLU, before a batch normalisation that was folded in): there the
     * rounding error of the large common part would otherwise swamp the spread. Padding is ignored (a convolution's
     * border sees zeros, not the mean), so the correction is exact inside and approximate at the border.
     */
    private float[] correctedBias(Op op, float[] bias) {
        float[] means = ranges.channelMeans(source.tensor(op.input(0)).name());
        if (means == null) {
            return bias;
        }
        Tensor filter = source.tensor(op.input(1));
        float[] w = filter.floats();
        WeightQuantizer.Int8 q = quantized(op, 1);
        float[] scales = q.quantization().scales();
        byte[] qw = q.data();
        int outChannels = bias.length;
        double[] correction = new double[outChannels];
        int inChannels = filter.dim(filter.rank() - 1);
        int perOut = w.length / outChannels;
        boolean depthwise = op.opcode() == Opcode.DEPTHWISE_CONV_2D;
        int multiplier = depthwise ? outChannels / means.length : 1;
        for (int i = 0; i < w.length; i++) {
            int o = depthwise ? i % outChannels : i / perOut;
            int in = depthwise ? o / multiplier : i % inChannels;
            double rounded = qw[i] * (double) scales[scales.length == 1 ? 0 : o];
            correction[o] += (w[i] - rounded) * means[in];
        }
        float[] corrected = bias.clone();
        for (int o = 0; o < outChannels; o++) {
            corrected[o] += (float) correction[o];
        }
        return corrected;
    }

    /** The tensor itself when it already has these parameters, else a QUANTIZE (int8 to int8) of it. */
    private int requantized(int tensor, Quantization q, String consumer) {
        Tensor t = target.tensor(tensor);
        if (q.sameParams(t.quantization())) {
            return tensor;
        }
        int r = target.addActivation(t.name() + "/requantized_for_" + consumer, ElementType.INT8, t.shape(), q);
        target.addOp(Opcode.QUANTIZE, new int[] {tensor}, new int[] {r}, OpOptions.NONE);
        return r;
    }
}
