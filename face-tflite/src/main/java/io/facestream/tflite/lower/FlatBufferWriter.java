package io.facestream.tflite.lower;

import com.google.flatbuffers.FlatBufferBuilder;
import org.tensorflow.lite.schema.AddOptionsT;
import org.tensorflow.lite.schema.Buffer;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.BuiltinOptionsUnion;
import org.tensorflow.lite.schema.ConcatenationOptionsT;
import org.tensorflow.lite.schema.Conv2DOptionsT;
import org.tensorflow.lite.schema.DepthwiseConv2DOptionsT;
import org.tensorflow.lite.schema.FullyConnectedOptionsT;
import org.tensorflow.lite.schema.L2NormOptionsT;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.MulOptionsT;
import org.tensorflow.lite.schema.OperatorCode;
import org.tensorflow.lite.schema.OperatorCodeT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.Padding;
import org.tensorflow.lite.schema.Pool2DOptionsT;
import org.tensorflow.lite.schema.QuantizationParametersT;
import org.tensorflow.lite.schema.ReducerOptionsT;
import org.tensorflow.lite.schema.ReshapeOptionsT;
import org.tensorflow.lite.schema.StridedSliceOptionsT;
import org.tensorflow.lite.schema.SubGraph;
import org.tensorflow.lite.schema.SubGraphT;
import org.tensorflow.lite.schema.TensorT;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serialises a {@link TfliteProgram} to the .tflite FlatBuffer with the TFLite schema classes. Tensors, operators
 * and operator codes go through the schema's object API; the constant buffers are written straight into the
 * builder (the object API keeps every byte as a Java int, four times the model size), 16-byte aligned as TFLite's
 * own converter aligns them.
 *
 * <p>What the runtime enforces or silently relies on: Model.version 3, buffer 0 empty, every operator code with
 * both builtin_code and deprecated_builtin_code (min(code, 127)), versions within the registered range.
 */
public final class FlatBufferWriter {

    /** The schema version TFLite reads. */
    public static final int SCHEMA_VERSION = 3;
    private static final int BUFFER_ALIGNMENT = 16;
    private static final String FILE_IDENTIFIER = "TFL3";

    private FlatBufferWriter() {
    }

    public static byte[] write(TfliteProgram program) {
        List<Tensor> tensors = program.tensors();
        long dataBytes = program.constantBytes();
        long estimate = dataBytes + (long) BUFFER_ALIGNMENT * tensors.size() + 256L * (tensors.size()
                + program.ops().size()) + (1 << 16);
        if (estimate > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("model of " + dataBytes + " constant bytes does not fit one "
                    + "FlatBuffer (2 GB)");
        }
        // sized up front: growing the builder would copy the whole model at every doubling
        FlatBufferBuilder fbb = new FlatBufferBuilder((int) estimate);

        int[] bufferOf = new int[tensors.size()];
        List<Integer> buffers = new ArrayList<>();
        Buffer.startBuffer(fbb);
        buffers.add(Buffer.endBuffer(fbb)); // buffer 0: the empty sentinel activations point at
        for (Tensor t : tensors) {
            if (t.isConstant()) {
                bufferOf[t.index()] = buffers.size();
                buffers.add(Buffer.createBuffer(fbb, writeData(fbb, t)));
            }
        }
        int buffersVector = Model.createBuffersVector(fbb, buffers.stream().mapToInt(Integer::intValue).toArray());

        Map<Long, Integer> opcodeIndex = new LinkedHashMap<>();
        OperatorT[] operators = new OperatorT[program.ops().size()];
        for (int i = 0; i < operators.length; i++) {
            Op op = program.ops().get(i);
            int version = OpVersions.of(op, program);
            long key = ((long) op.opcode().builtinCode() << 32) | version;
            Integer index = opcodeIndex.get(key);
            if (index == null) {
                index = opcodeIndex.size();
                opcodeIndex.put(key, index);
            }
            OperatorT o = new OperatorT();
            o.setOpcodeIndex(index);
            o.setInputs(op.inputs());
            o.setOutputs(op.outputs());
            o.setBuiltinOptions(options(op));
            operators[i] = o;
        }

        TensorT[] tensorTs = new TensorT[tensors.size()];
        for (Tensor t : tensors) {
            TensorT tt = new TensorT();
            tt.setName(t.name());
            tt.setShape(t.shape());
            tt.setType(t.type().schemaCode());
            tt.setBuffer(bufferOf[t.index()]);
            tt.setQuantization(quantization(t.quantization()));
            tensorTs[t.index()] = tt;
        }
        SubGraphT subgraph = new SubGraphT();
        subgraph.setName("main");
        subgraph.setTensors(tensorTs);
        subgraph.setOperators(operators);
        subgraph.setInputs(program.inputs().stream().mapToInt(Integer::intValue).toArray());
        subgraph.setOutputs(program.outputs().stream().mapToInt(Integer::intValue).toArray());
        int subgraphsVector = Model.createSubgraphsVector(fbb, new int[] {SubGraph.pack(fbb, subgraph)});

        int[] codes = new int[opcodeIndex.size()];
        for (Map.Entry<Long, Integer> e : opcodeIndex.entrySet()) {
            int builtin = (int) (e.getKey() >>> 32);
            OperatorCodeT code = new OperatorCodeT();
            code.setBuiltinCode(builtin);
            code.setDeprecatedBuiltinCode((byte) Math.min(builtin, 127));
            code.setVersion((int) (long) e.getKey());
            codes[e.getValue()] = OperatorCode.pack(fbb, code);
        }
        int codesVector = Model.createOperatorCodesVector(fbb, codes);
        int description = fbb.createString(program.description());

        int model = Model.createModel(fbb, SCHEMA_VERSION, codesVector, subgraphsVector, description,
                buffersVector, 0, 0, 0);
        fbb.finish(model, FILE_IDENTIFIER);
        return fbb.sizedByteArray();
    }

    private static int writeData(FlatBufferBuilder fbb, Tensor t) {
        int length = Math.toIntExact(t.dataBytes());
        ByteBuffer target = fbb.createUnintializedVector(1, length, BUFFER_ALIGNMENT);
        switch (t.type()) {
            case FLOAT32 -> target.asFloatBuffer().put(t.floats());
            case INT32 -> target.asIntBuffer().put(t.ints());
            default -> target.put(t.bytes());
        }
        return fbb.endVector();
    }

    private static QuantizationParametersT quantization(Quantization q) {
        if (q == null) {
            return null;
        }
        QuantizationParametersT p = new QuantizationParametersT();
        p.setScale(q.scales());
        p.setZeroPoint(q.zeroPoints());
        p.setQuantizedDimension(q.axis());
        return p;
    }

    private static BuiltinOptionsUnion options(Op op) {
        OpOptions options = op.options();
        BuiltinOptionsUnion u = new BuiltinOptionsUnion();
        if (options instanceof OpOptions.Conv c) {
            Conv2DOptionsT o = new Conv2DOptionsT();
            o.setPadding(padding(c.samePadding()));
            o.setStrideH(c.strideH());
            o.setStrideW(c.strideW());
            o.setFusedActivationFunction(c.activation().schemaCode());
            return union(u, BuiltinOptions.Conv2DOptions, o);
        }
        if (options instanceof OpOptions.Depthwise d) {
            DepthwiseConv2DOptionsT o = new DepthwiseConv2DOptionsT();
            o.setPadding(padding(d.samePadding()));
            o.setStrideH(d.strideH());
            o.setStrideW(d.strideW());
            o.setDepthMultiplier(d.multiplier());
            o.setFusedActivationFunction(d.activation().schemaCode());
            return union(u, BuiltinOptions.DepthwiseConv2DOptions, o);
        }
        if (options instanceof OpOptions.Pool p) {
            Pool2DOptionsT o = new Pool2DOptionsT();
            o.setPadding(padding(p.samePadding()));
            o.setStrideH(p.strideH());
            o.setStrideW(p.strideW());
            o.setFilterHeight(p.filterH());
            o.setFilterWidth(p.filterW());
            return union(u, BuiltinOptions.Pool2DOptions, o);
        }
        if (options instanceof OpOptions.FullyConnected f) {
            FullyConnectedOptionsT o = new FullyConnectedOptionsT();
            o.setFusedActivationFunction(f.activation().schemaCode());
            o.setKeepNumDims(f.keepNumDims());
            return union(u, BuiltinOptions.FullyConnectedOptions, o);
        }
        if (options instanceof OpOptions.Activation a) {
            return switch (op.opcode()) {
                case ADD -> {
                    AddOptionsT o = new AddOptionsT();
                    o.setFusedActivationFunction(a.activation().schemaCode());
                    yield union(u, BuiltinOptions.AddOptions, o);
                }
                case MUL -> {
                    MulOptionsT o = new MulOptionsT();
                    o.setFusedActivationFunction(a.activation().schemaCode());
                    yield union(u, BuiltinOptions.MulOptions, o);
                }
                case L2_NORMALIZATION -> {
                    L2NormOptionsT o = new L2NormOptionsT();
                    o.setFusedActivationFunction(a.activation().schemaCode());
                    yield union(u, BuiltinOptions.L2NormOptions, o);
                }
                default -> throw new IllegalArgumentException(op.opcode() + " has no activation option");
            };
        }
        if (options instanceof OpOptions.Concat c) {
            ConcatenationOptionsT o = new ConcatenationOptionsT();
            o.setAxis(c.axis());
            return union(u, BuiltinOptions.ConcatenationOptions, o);
        }
        if (options instanceof OpOptions.Reshape r) {
            ReshapeOptionsT o = new ReshapeOptionsT();
            o.setNewShape(r.newShape());
            return union(u, BuiltinOptions.ReshapeOptions, o);
        }
        if (options instanceof OpOptions.StridedSlice ss) {
            StridedSliceOptionsT o = new StridedSliceOptionsT();
            o.setBeginMask(ss.beginMask());
            o.setEndMask(ss.endMask());
            return union(u, BuiltinOptions.StridedSliceOptions, o);
        }
        if (options instanceof OpOptions.Mean m) {
            ReducerOptionsT o = new ReducerOptionsT();
            o.setKeepDims(m.keepDims());
            return union(u, BuiltinOptions.ReducerOptions, o);
        }
        return null;
    }

    private static BuiltinOptionsUnion union(BuiltinOptionsUnion u, byte type, Object value) {
        u.setType(type);
        u.setValue(value);
        return u;
    }

    private static byte padding(boolean same) {
        return same ? Padding.SAME : Padding.VALID;
    }
}
