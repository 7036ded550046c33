package io.facestream.tflite.runtime;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.Allocation;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.BuiltinOpResolverWithoutDefaultDelegates;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.bytedeco.tensorflowlite.InterpreterOptions;
import org.bytedeco.tensorflowlite.TfLiteIntArray;
import org.bytedeco.tensorflowlite.TfLiteTensor;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.OperatorCode;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteMmapRo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A TFLite model with its interpreter (TFLite 2.21 through org.bytedeco's bindings): verified on load, tensors
 * allocated, XNNPACK applied unless the options say otherwise.
 *
 * <p>Not thread-safe: an interpreter runs one inference at a time and its tensors are shared state. Use one
 * instance per worker thread. {@link #close()} frees the native interpreter, model and buffer; using the instance
 * afterwards throws IllegalStateException.
 */
public final class TfliteModel implements AutoCloseable {

    private static final int HEADER_BYTES = 8;

    private final String source;
    /** The model bytes for a model built from memory: TFLite reads them in place for the model's whole life. */
    private final BytePointer buffer;
    private final FlatBufferModel model;
    private final BuiltinOpResolver resolver;
    private final InterpreterOptions interpreterOptions;
    private final Interpreter interpreter;
    private boolean closed;

    private TfliteModel(String source, BytePointer buffer, FlatBufferModel model, TfliteOptions options) {
        this.source = source;
        this.buffer = buffer;
        this.model = model;
        this.resolver = options.xnnpack() ? new BuiltinOpResolver() : new BuiltinOpResolverWithoutDefaultDelegates();
        this.interpreterOptions = new InterpreterOptions();
        interpreterOptions.SetPreserveAllTensors(options.preserveAllTensors());
        this.interpreter = new Interpreter((Pointer) null);
        try (InterpreterBuilder builder = new InterpreterBuilder(model, resolver, interpreterOptions)) {
            builder.SetNumThreads(options.threads());
            if (builder.apply(interpreter) != 0 || interpreter.isNull()) {
                throw new TfliteModelException(source + ": TFLite cannot build an interpreter"
                        + lacking(model, "(an operator or operator version this runtime does not have? details on "
                        + "stderr)"));
            }
        } catch (RuntimeException e) {
            releaseNative();
            throw e;
        }
        if (interpreter.AllocateTensors() != 0) {
            String why = lacking(model, "(inconsistent shapes or types? details on stderr)");
            releaseNative();
            throw new TfliteModelException(source + ": TFLite cannot allocate the model's tensors" + why);
        }
    }

    /**
     * Why a verified model does not build or allocate: the custom operators it names, which TFLite's builtin
     * resolver never has (an unresolved custom operator only fails when tensors are allocated), else the guess.
     */
    private static String lacking(FlatBufferModel model, String otherwise) {
        List<String> custom = new ArrayList<>();
        try {
            Allocation a = model.allocation();
            ByteBuffer bytes = new BytePointer(a.base()).capacity(a.bytes()).asByteBuffer()
                    .order(ByteOrder.LITTLE_ENDIAN);
            Model m = Model.getRootAsModel(bytes);
            for (int i = 0; i < m.operatorCodesLength(); i++) {
                OperatorCode code = m.operatorCodes(i);
                if (code.builtinCode() == BuiltinOperator.CUSTOM
                        || code.deprecatedBuiltinCode() == BuiltinOperator.CUSTOM) {
                    custom.add(code.customCode());
                }
            }
        } catch (RuntimeException e) {
            return " " + otherwise;
        }
        return custom.isEmpty() ? " " + otherwise
                : ": it uses custom operators this runtime does not have: " + custom;
    }

    /** Verifies and loads a model from memory (the bytes are copied to native memory). */
    public static TfliteModel load(byte[] model, TfliteOptions options) {
        String source = "model buffer (" + model.length + " bytes)";
        checkHeader(Arrays.copyOf(model, Math.min(model.length, HEADER_BYTES)), model.length, source);
        BytePointer buffer = new BytePointer(model.length);
        buffer.put(model);
        FlatBufferModel m = FlatBufferModel.VerifyAndBuildFromBuffer(buffer, model.length);
        if (m == null || m.isNull()) {
            buffer.close();
            throw verificationFailed(source);
        }
        return new TfliteModel(source, buffer, m, options);
    }

    /** Verifies and loads a .tflite file (memory-mapped by TFLite). */
    public static TfliteModel load(Path file, TfliteOptions options) throws IOException {
        String source = file.toString();
        long size = Files.size(file);
        byte[] header = new byte[(int) Math.min(size, HEADER_BYTES)];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(header, 0, header.length);
            header = Arrays.copyOf(header, n);
        }
        checkHeader(header, size, source);
        FlatBufferModel m = FlatBufferModel.VerifyAndBuildFromFile(file.toAbsolutePath().toString());
        if (m == null || m.isNull()) {
            throw verificationFailed(source);
        }
        return new TfliteModel(source, null, m, options);
    }

    /**
     * Runs TFLite's FlatBuffer verifier on model bytes without building an interpreter; throws
     * TfliteModelException when they are not a well-formed TFLite model.
     */
    public static void verify(byte[] model, String source) {
        checkHeader(Arrays.copyOf(model, Math.min(model.length, HEADER_BYTES)), model.length, source);
        try (BytePointer buffer = new BytePointer(model.length)) {
            buffer.put(model);
            FlatBufferModel m = FlatBufferModel.VerifyAndBuildFromBuffer(buffer, model.length);
            if (m == null || m.isNull()) {
                throw verificationFailed(source);
            }
            m.close();
        }
    }

    /** A TFLite FlatBuffer carries the file identifier "TFL3" at bytes 4..7. */
    private static void checkHeader(byte[] header, long size, String source) {
        if (size < HEADER_BYTES) {
            throw new TfliteModelException(source + " is not a TFLite model: only " + size + " bytes");
        }
        String id = new String(header, 4, 4, StandardCharsets.ISO_8859_1);
        if (!id.equals("TFL3")) {
            throw new TfliteModelException(source + " is not a TFLite model: file identifier '"
                    + id.replaceAll("\\p{Cntrl}", "?") + "' instead of 'TFL3'");
        }
    }

    private static TfliteModelException verificationFailed(String source) {
        return new TfliteModelException(source + " failed TFLite FlatBuffer verification: the file is truncated, "
                + "corrupted or not a TFLite model");
    }

    public String source() {
        return source;
    }

    public int inputCount() {
        return (int) vectorSize(interpreter().inputs());
    }

    public int outputCount() {
        return (int) vectorSize(interpreter().outputs());
    }

    public TensorInfo input(int i) {
        return tensor(tensorIndex(interpreter().inputs(), i, "input"));
    }

    public TensorInfo output(int i) {
        return tensor(tensorIndex(interpreter().outputs(), i, "output"));
    }

    public int tensorCount() {
        return (int) interpreter().tensors_size();
    }

    public TensorInfo tensor(int index) {
        if (index < 0 || index >= tensorCount()) {
            throw new IndexOutOfBoundsException("tensor " + index + " of " + tensorCount());
        }
        TfLiteTensor t = interpreter().tensor(index);
        TfLiteIntArray dims = t.dims();
        int[] shape = new int[dims == null || dims.isNull() ? 0 : dims.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = dims.data(i);
        }
        BytePointer name = t.name();
        return new TensorInfo(index, name == null || name.isNull() ? "" : name.getString(), t.type(), shape,
                t.params().scale(), t.params().zero_point());
    }

    /** True for tensors whose data lives in the model file (weights, constants). */
    public boolean isConstant(int index) {
        return interpreter().tensor(index).allocation_type() == kTfLiteMmapRo;
    }

    /** Gives input i a new shape (a batch size, typically) and reallocates the tensors. */
    public void resizeInput(int i, int[] shape) {
        int index = tensorIndex(interpreter().inputs(), i, "input");
        if (interpreter.ResizeInputTensor(index, shape) != 0 || interpreter.AllocateTensors() != 0) {
            throw new IllegalArgumentException(source + ": cannot resize input " + i + " to "
                    + Arrays.toString(shape));
        }
    }

    /** Copies float32 values into input i (length must match the input's current element count). */
    public void writeInput(int i, float[] values, int offset, int length) {
        TensorInfo t = requireInput(i, TensorInfo.FLOAT32, length);
        FloatPointer p = interpreter.typed_tensor_float(t.index());
        p.put(values, offset, length);
    }

    /** Copies raw bytes (uint8 or int8 values) into input i. */
    public void writeInput(int i, byte[] values, int offset, int length) {
        TensorInfo t = input(i);
        if (t.type() != TensorInfo.UINT8 && t.type() != TensorInfo.INT8) {
            throw new IllegalArgumentException(source + ": input " + i + " is " + t.typeName()
                    + ", not an 8-bit tensor");
        }
        requireInput(i, t.type(), length);
        rawData(t).put(values, offset, length);
    }

    private TensorInfo requireInput(int i, int type, int length) {
        TensorInfo t = input(i);
        if (t.type() != type) {
            throw new IllegalArgumentException(source + ": input " + i + " is " + t.typeName());
        }
        if (t.elementCount() != length) {
            throw new IllegalArgumentException(source + ": input " + i + " " + Arrays.toString(t.shape())
                    + " takes " + t.elementCount() + " values, got " + length);
        }
        return t;
    }

    public void invoke() {
        if (interpreter().Invoke() != 0) {
            throw new IllegalStateException(source + ": inference failed (details on stderr)");
        }
    }

    /** The current values of a float32 tensor (an output, or any tensor when all tensors are preserved). */
    public float[] readFloats(int index) {
        TensorInfo t = tensor(index);
        if (t.type() != TensorInfo.FLOAT32) {
            throw new IllegalArgumentException(source + ": tensor " + t + " is not float32");
        }
        float[] values = new float[Math.toIntExact(t.elementCount())];
        FloatPointer p = interpreter.typed_tensor_float(index);
        if (p == null || p.isNull()) {
            throw new IllegalStateException(source + ": tensor " + t + " holds no data");
        }
        p.get(values, 0, values.length);
        return values;
    }

    /** The current raw bytes of a tensor (quantized values of an int8 or uint8 tensor, for instance). */
    public byte[] readBytes(int index) {
        TensorInfo t = tensor(index);
        byte[] values = new byte[Math.toIntExact(interpreter.tensor(index).bytes())];
        rawData(t).get(values, 0, values.length);
        return values;
    }

    /** A tensor's data as bytes whatever its type (typed_tensor_byte answers only for int8 tensors). */
    private BytePointer rawData(TensorInfo t) {
        BytePointer p = interpreter.tensor(t.index()).data().raw();
        if (p == null || p.isNull()) {
            throw new IllegalStateException(source + ": tensor " + t + " holds no data");
        }
        return p;
    }

    private Interpreter interpreter() {
        if (closed) {
            throw new IllegalStateException(source + " is closed");
        }
        return interpreter;
    }

    private int tensorIndex(IntPointer vector, int i, String what) {
        long n = vectorSize(vector);
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException(what + " " + i + " of " + n);
        }
        return vector.get(i);
    }

    /** The std::vector<int> TFLite returns arrives as an IntPointer sized to the vector. */
    private static long vectorSize(IntPointer vector) {
        return vector == null || vector.isNull() ? 0 : vector.limit() - vector.position();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            releaseNative();
        }
    }

    /** The interpreter first: it refers to the model, the resolver's kernels and (built from memory) the buffer. */
    private void releaseNative() {
        interpreter.close();
        interpreterOptions.close();
        resolver.close();
        model.close();
        if (buffer != null) {
            buffer.close();
        }
    }
}
