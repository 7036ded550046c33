package io.facestream.tflite;

import io.facestream.model.graph.Layer;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.graph.Node;
import io.facestream.model.graph.Padding;
import io.facestream.model.graph.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A plain-Java executor of a {@link ModelGraph}, written from Layer.java's semantics alone (Keras NHWC, SAME
 * padding with the odd pixel bottom/right, SAME average pooling over valid pixels only) and sharing no code with
 * the TFLite lowering: the independent reference the converted models are checked against. Slow but simple:
 * direct loops, float arithmetic, samples of a batch in parallel.
 */
public final class ReferenceExecutor {

    /** Called with a batch's first inputs of each node just before it runs (data-dependent initialisation). */
    public interface NodeHook {
        void before(Node node, List<float[]> inputs);
    }

    private final ModelGraph graph;
    private final Map<String, float[]> weights;
    private final Map<String, Shape> shapes;

    public ReferenceExecutor(ModelGraph graph, Map<String, float[]> weights) {
        this.graph = graph;
        this.weights = weights;
        this.shapes = graph.shapes();
    }

    /** The graph output for each input (H * W * C floats, NHWC). */
    public List<float[]> run(List<float[]> inputs) {
        return run(inputs, null);
    }

    public List<float[]> run(List<float[]> inputs, NodeHook hook) {
        long length = graph.inputShape().elementCount();
        for (float[] in : inputs) {
            if (in.length != length) {
                throw new IllegalArgumentException("input of " + in.length + " values, " + graph.inputShape()
                        + " needs " + length);
            }
        }
        Map<String, Integer> lastUse = new HashMap<>();
        List<Node> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs()) {
                lastUse.put(in, i);
            }
        }
        Map<String, List<float[]>> values = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            List<List<float[]>> ins = new ArrayList<>();
            for (String in : n.inputs()) {
                ins.add(values.get(in));
            }
            if (hook != null && !ins.isEmpty()) {
                hook.before(n, ins.get(0));
            }
            List<float[]> out;
            if (n.layer() instanceof Layer.Input) {
                out = inputs;
            } else {
                float[][] results = new float[inputs.size()][];
                IntStream.range(0, inputs.size()).parallel().forEach(s -> {
                    List<float[]> sample = new ArrayList<>();
                    for (List<float[]> in : ins) {
                        sample.add(in.get(s));
                    }
                    results[s] = apply(n, sample);
                });
                out = List.of(results);
            }
            values.put(n.name(), out);
            for (String in : n.inputs()) {
                if (lastUse.get(in) == i && !in.equals(graph.output())) {
                    values.remove(in);
                }
            }
        }
        return values.get(graph.output());
    }

    private float[] w(Node n, String name) {
        float[] v = weights.get(n.name() + "/" + name);
        if (v == null) {
            throw new IllegalArgumentException("missing weight " + n.name() + "/" + name);
        }
        return v;
    }

    private float[] apply(Node n, List<float[]> in) {
        Layer layer = n.layer();
        Shape inShape = n.inputs().isEmpty() ? null : shapes.get(n.inputs().get(0));
        Shape outShape = shapes.get(n.name());
        float[] x = in.isEmpty() ? null : in.get(0);
        if (layer instanceof Layer.Conv2D c) {
            float[] y = conv(x, inShape, outShape, w(n, "kernel"), c.kernelH(), c.kernelW(), c.strideH(),
                    c.strideW(), c.padding());
            return c.useBias() ? addBias(y, w(n, "bias")) : y;
        }
        if (layer instanceof Layer.DepthwiseConv2D d) {
            float[] y = depthwise(x, inShape, outShape, w(n, "depthwise_kernel"), d.kernelH(), d.kernelW(),
                    d.strideH(), d.strideW(), d.padding(), d.depthMultiplier());
            return d.useBias() ? addBias(y, w(n, "bias")) : y;
        }
        if (layer instanceof Layer.SeparableConv2D s) {
            Shape mid = Shape.of(outShape.height(), outShape.width(), inShape.channels());
            float[] dw = depthwise(x, inShape, mid, w(n, "depthwise_kernel"), s.kernelH(), s.kernelW(), s.strideH(),
                    s.strideW(), s.padding(), 1);
            float[] y = conv(dw, mid, outShape, w(n, "pointwise_kernel"), 1, 1, 1, 1, Padding.VALID);
            return s.useBias() ? addBias(y, w(n, "bias")) : y;
        }
        if (layer instanceof Layer.BatchNorm bn) {
            int c = outShape.channels();
            float[] mean = w(n, "moving_mean");
            float[] var = w(n, "moving_variance");
            float[] gamma = bn.scale() ? w(n, "gamma") : null;
            float[] beta = bn.center() ? w(n, "beta") : null;
            float[] y = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                int ch = i % c;
                float g = gamma != null ? gamma[ch] : 1f;
                float b = beta != null ? beta[ch] : 0f;
                y[i] = (float) (g * (x[i] - mean[ch]) / Math.sqrt(var[ch] + bn.epsilon()) + b);
            }
            return y;
        }
        if (layer instanceof Layer.Activation a) {
            float[] y = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = activation(a.kind(), x[i]);
            }
            return y;
        }
        if (layer instanceof Layer.PReLU) {
            float[] alpha = w(n, "alpha");
            float[] y = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = x[i] >= 0 ? x[i] : alpha[i % alpha.length] * x[i];
            }
            return y;
        }
        if (layer instanceof Layer.Add) {
            float[] y = x.clone();
            for (int k = 1; k < in.size(); k++) {
                float[] o = in.get(k);
                for (int i = 0; i < y.length; i++) {
                    y[i] += o[i];
                }
            }
            return y;
        }
        if (layer instanceof Layer.Multiply) {
            float[] y = new float[Math.toIntExact(outShape.elementCount())];
            Arrays.fill(y, 1f);
            for (float[] o : in) {
                for (int i = 0; i < y.length; i++) {
                    y[i] *= o.length == y.length ? o[i] : o[i % o.length];
                }
            }
            return y;
        }
        if (layer instanceof Layer.Scale s) {
            float[] y = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = (float) (x[i] * s.factor());
            }
            return y;
        }
        if (layer instanceof Layer.Concatenate) {
            int total = outShape.channels();
            float[] y = new float[Math.toIntExact(outShape.elementCount())];
            int positions = y.length / total;
            int offset = 0;
            for (int k = 0; k < in.size(); k++) {
                int c = shapes.get(n.inputs().get(k)).channels();
                float[] o = in.get(k);
                for (int p = 0; p < positions; p++) {
                    System.arraycopy(o, p * c, y, p * total + offset, c);
                }
                offset += c;
            }
            return y;
        }
        if (layer instanceof Layer.ZeroPadding p) {
            return window(x, inShape, outShape, -p.top(), -p.left());
        }
        if (layer instanceof Layer.Cropping c) {
            return window(x, inShape, outShape, c.top(), c.left());
        }
        if (layer instanceof Layer.MaxPool p) {
            return pool(x, inShape, outShape, p.poolH(), p.poolW(), p.strideH(), p.strideW(), p.padding(), true);
        }
        if (layer instanceof Layer.AvgPool p) {
            return pool(x, inShape, outShape, p.poolH(), p.poolW(), p.strideH(), p.strideW(), p.padding(), false);
        }
        if (layer instanceof Layer.GlobalAvgPool) {
            int c = inShape.channels();
            int positions = x.length / c;
            float[] y = new float[c];
            for (int i = 0; i < x.length; i++) {
                y[i % c] += x[i];
            }
            for (int k = 0; k < c; k++) {
                y[k] /= positions;
            }
            return y;
        }
        if (layer instanceof Layer.Dense d) {
            int inN = inShape.channels();
            int u = d.units();
            float[] k = w(n, "kernel");
            float[] b = d.useBias() ? w(n, "bias") : new float[u];
            int positions = x.length / inN;
            float[] y = new float[positions * u];
            for (int p = 0; p < positions; p++) {
                for (int j = 0; j < u; j++) {
                    y[p * u + j] = b[j];
                }
                for (int i = 0; i < inN; i++) {
                    float xv = x[p * inN + i];
                    for (int j = 0; j < u; j++) {
                        y[p * u + j] += xv * k[i * u + j];
                    }
                }
            }
            return y;
        }
        if (layer instanceof Layer.Dropout || layer instanceof Layer.Flatten || layer instanceof Layer.Reshape) {
            return x;
        }
        if (layer instanceof Layer.L2Normalize l2) {
            int c = outShape.channels();
            float[] y = new float[x.length];
            for (int p = 0; p < x.length / c; p++) {
                double sum = 0;
                for (int i = 0; i < c; i++) {
                    sum += (double) x[p * c + i] * x[p * c + i];
                }
                double norm = Math.max(Math.sqrt(sum), l2.epsilon());
                for (int i = 0; i < c; i++) {
                    y[p * c + i] = (float) (x[p * c + i] / norm);
                }
            }
            return y;
        }
        throw new IllegalArgumentException("no reference for " + layer);
    }

    static float activation(Layer.ActivationKind kind, float v) {
        return switch (kind) {
            case RELU -> Math.max(v, 0f);
            case RELU6 -> Math.min(Math.max(v, 0f), 6f);
            case SWISH -> (float) (v / (1 + Math.exp(-v)));
            case HARD_SWISH -> v * Math.min(Math.max(v + 3f, 0f), 6f) / 6f;
            case HARD_SIGMOID -> Math.min(Math.max(v + 3f, 0f), 6f) / 6f;
            case SIGMOID -> (float) (1 / (1 + Math.exp(-v)));
            case TANH -> (float) Math.tanh(v);
            case LINEAR -> v;
        };
    }

    /** Padding before the first row/column: SAME puts the smaller half first. */
    private static int padBefore(Padding p, int in, int kernel, int stride) {
        return p.totalPadding(in, kernel, stride) / 2;
    }

    private static float[] conv(float[] x, Shape in, Shape out, float[] k, int kh, int kw, int sh, int sw,
                                Padding padding) {
        int h = in.height();
        int wd = in.width();
        int c = in.channels();
        int oh = out.height();
        int ow = out.width();
        int o = out.channels();
        int top = padBefore(padding, h, kh, sh);
        int left = padBefore(padding, wd, kw, sw);
        float[] y = new float[oh * ow * o];
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int yb = (oy * ow + ox) * o;
                for (int ky = 0; ky < kh; ky++) {
                    int iy = oy * sh + ky - top;
                    if (iy < 0 || iy >= h) {
                        continue;
                    }
                    for (int kx = 0; kx < kw; kx++) {
                        int ix = ox * sw + kx - left;
                        if (ix < 0 || ix >= wd) {
                            continue;
                        }
                        int xb = (iy * wd + ix) * c;
                        int kb = (ky * kw + kx) * c * o;
                        for (int ci = 0; ci < c; ci++) {
                            float xv = x[xb + ci];
                            int kk = kb + ci * o;
                            for (int f = 0; f < o; f++) {
                                y[yb + f] += xv * k[kk + f];
                            }
                        }
                    }
                }
            }
        }
        return y;
    }

    private static float[] depthwise(float[] x, Shape in, Shape out, float[] k, int kh, int kw, int sh, int sw,
                                     Padding padding, int m) {
        int h = in.height();
        int wd = in.width();
        int c = in.channels();
        int oh = out.height();
        int ow = out.width();
        int top = padBefore(padding, h, kh, sh);
        int left = padBefore(padding, wd, kw, sw);
        float[] y = new float[oh * ow * c * m];
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int yb = (oy * ow + ox) * c * m;
                for (int ky = 0; ky < kh; ky++) {
                    int iy = oy * sh + ky - top;
                    if (iy < 0 || iy >= h) {
                        continue;
                    }
                    for (int kx = 0; kx < kw; kx++) {
                        int ix = ox * sw + kx - left;
                        if (ix < 0 || ix >= wd) {
                            continue;
                        }
                        int xb = (iy * wd + ix) * c;
                        int kb = (ky * kw + kx) * c * m;
                        for (int ci = 0; ci < c; ci++) {
                            for (int j = 0; j < m; j++) {
                                y[yb + ci * m + j] += x[xb + ci] * k[kb + ci * m + j];
                            }
                        }
                    }
                }
            }
        }
        return y;
    }

    /** out[y, x] = in[y + top, x + left], zero outside the input (padding has negative offsets). */
    private static float[] window(float[] x, Shape in, Shape out, int top, int left) {
        int c = in.channels();
        float[] y = new float[Math.toIntExact(out.elementCount())];
        for (int oy = 0; oy < out.height(); oy++) {
            int iy = oy + top;
            if (iy < 0 || iy >= in.height()) {
                continue;
            }
            for (int ox = 0; ox < out.width(); ox++) {
                int ix = ox + left;
                if (ix >= 0 && ix < in.width()) {
                    System.arraycopy(x, (iy * in.width() + ix) * c, y, (oy * out.width() + ox) * c, c);
                }
            }
        }
        return y;
    }

    private static float[] pool(float[] x, Shape in, Shape out, int ph, int pw, int sh, int sw, Padding padding,
                                boolean max) {
        int c = in.channels();
        int top = padBefore(padding, in.height(), ph, sh);
        int left = padBefore(padding, in.width(), pw, sw);
        float[] y = new float[Math.toIntExact(out.elementCount())];
        for (int oy = 0; oy < out.height(); oy++) {
            for (int ox = 0; ox < out.width(); ox++) {
                for (int ch = 0; ch < c; ch++) {
                    float acc = max ? Float.NEGATIVE_INFINITY : 0f;
                    int count = 0;
                    for (int ky = 0; ky < ph; ky++) {
                        int iy = oy * sh + ky - top;
                        for (int kx = 0; kx < pw; kx++) {
                            int ix = ox * sw + kx - left;
                            if (iy < 0 || iy >= in.height() || ix < 0 || ix >= in.width()) {
                                continue; // padded pixels take no part, in max or average
                            }
                            float v = x[(iy * in.width() + ix) * c + ch];
                            acc = max ? Math.max(acc, v) : acc + v;
                            count++;
                        }
                    }
                    y[(oy * out.width() + ox) * c + ch] = max ? acc : acc / count;
                }
            }
        }
        return y;
    }

    private static float[] addBias(float[] y, float[] b) {
        for (int i = 0; i < y.length; i++) {
            y[i] += b[i % b.length];
        }
        return y;
    }
}
