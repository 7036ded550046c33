package io.facestream.tflite.inspect;

import io.facestream.tflite.runtime.TfliteModel;
import io.facestream.tflite.runtime.TfliteModelException;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.OperatorCode;
import org.tensorflow.lite.schema.QuantizationParameters;
import org.tensorflow.lite.schema.SubGraph;
import org.tensorflow.lite.schema.Tensor;
import org.tensorflow.lite.schema.TensorType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Reads a .tflite file's structure with the TFLite schema classes. The bytes first pass TFLite's own FlatBuffer
 * verifier (the Java schema reader trusts every offset it follows), so a damaged file is a clear
 * {@link TfliteModelException}, never an exception from deep inside the reader.
 */
public final class ModelInspector {

    private ModelInspector() {
    }

    public static ModelReport inspect(Path file) throws IOException {
        return inspect(Files.readAllBytes(file), file.toString());
    }

    public static ModelReport inspect(byte[] bytes, String source) {
        TfliteModel.verify(bytes, source);
        Model model = Model.getRootAsModel(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
        if (model.subgraphsLength() < 1) {
            throw new TfliteModelException(source + " has no subgraph");
        }
        SubGraph graph = model.subgraphs(0);
        List<ModelReport.Operator> operators = new ArrayList<>();
        for (int i = 0; i < graph.operatorsLength(); i++) {
            org.tensorflow.lite.schema.Operator op = graph.operators(i);
            OperatorCode code = model.operatorCodes((int) op.opcodeIndex());
            operators.add(new ModelReport.Operator(i, opcodeName(code), code.version(),
                    ints(op.inputsLength(), op::inputs), ints(op.outputsLength(), op::outputs)));
        }
        List<ModelReport.TensorEntry> tensors = new ArrayList<>();
        for (int i = 0; i < graph.tensorsLength(); i++) {
            Tensor t = graph.tensors(i);
            long dataBytes = t.buffer() > 0 ? model.buffers((int) t.buffer()).dataLength() : 0;
            QuantizationParameters q = t.quantization();
            float[] scales = new float[q == null ? 0 : q.scaleLength()];
            long[] zeroPoints = new long[q == null ? 0 : q.zeroPointLength()];
            for (int k = 0; k < scales.length; k++) {
                scales[k] = q.scale(k);
            }
            for (int k = 0; k < zeroPoints.length; k++) {
                zeroPoints[k] = q.zeroPoint(k);
            }
            tensors.add(new ModelReport.TensorEntry(i, t.name(), typeName(t.type()),
                    ints(t.shapeLength(), t::shape), dataBytes, scales, zeroPoints,
                    q == null ? 0 : q.quantizedDimension()));
        }
        return new ModelReport(bytes.length, model.version(), model.description(), operators, tensors,
                ints(graph.inputsLength(), graph::inputs), ints(graph.outputsLength(), graph::outputs));
    }

    /** TFLite's rule: the larger of builtin_code and deprecated_builtin_code is the operator. */
    private static String opcodeName(OperatorCode code) {
        int builtin = Math.max(code.builtinCode(), code.deprecatedBuiltinCode());
        if (builtin == BuiltinOperator.CUSTOM) {
            return "CUSTOM(" + code.customCode() + ")";
        }
        return builtin >= 0 && builtin < BuiltinOperator.names.length ? BuiltinOperator.name(builtin)
                : "BUILTIN_" + builtin;
    }

    private static String typeName(byte type) {
        return type >= 0 && type < TensorType.names.length ? TensorType.name(type) : "TYPE_" + type;
    }

    private static int[] ints(int length, IntUnaryOperator get) {
        int[] r = new int[length];
        for (int i = 0; i < length; i++) {
            r[i] = get.applyAsInt(i);
        }
        return r;
    }
}
