package io.facestream.tflite.quant;

import io.facestream.model.graph.ModelGraph;
import io.facestream.model.image.Preprocessing;
import io.facestream.tflite.EveryLayerGraph;
import io.facestream.tflite.SmallModel;
import io.facestream.tflite.SyntheticFaces;
import io.facestream.tflite.SyntheticWeights;
import io.facestream.tflite.lower.ElementType;
import io.facestream.tflite.lower.LoweredModel;
import io.facestream.tflite.lower.Op;
import io.facestream.tflite.lower.OpOptions;
import io.facestream.tflite.lower.Opcode;
import io.facestream.tflite.lower.Quantization;
import io.facestream.tflite.lower.Tensor;
import io.facestream.tflite.lower.TensorRole;
import io.facestream.tflite.lower.TfliteConverter;
import io.facestream.tflite.lower.TfliteProgram;
import io.facestream.tflite.lower.FusedActivation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules the TFLite runtime enforces on, or silently assumes of, an int8 model, checked on the int8 program of
 * a graph with every layer type ({@link EveryLayerGraph}).
 */
class Int8ConversionTest {

    private static TfliteProgram floatProgram;
    private static ActivationRanges ranges;
    private static TfliteProgram int8;

    @BeforeAll
    static void convert() {
        ModelGraph graph = EveryLayerGraph.build();
        LoweredModel lowered = TfliteConverter.lower(graph,
                SyntheticWeights.create(graph, 7, SyntheticFaces.create(8, 13, 1)));
        floatProgram = lowered.floatProgram();
        ranges = lowered.calibrate(SyntheticFaces.create(16, 13, 3), 1);
        int8 = Int8Conversion.convert(floatProgram, ranges, Int8Options.floatInput());
    }

    @Test
    void everyInt8ActivationHasParametersCoveringItsCalibratedRange() {
        for (Tensor t : int8.tensors()) {
            if (t.type() == ElementType.INT8 && !t.isConstant()) {
                Quantization q = t.quantization();
                assertNotNull(q, t.name());
                if (ranges.has(t.name())) {
                    double lo = (-128 - q.zeroPoint()) * (double) q.scale();
                    double hi = (127 - q.zeroPoint()) * (double) q.scale();
                    assertTrue(lo <= Math.min(0, ranges.min(t.name())) + q.scale()
                            && hi >= ranges.max(t.name()) - q.scale(), t.toString());
                }
            }
        }
    }

    @Test
    void operatorsThatDoNotRescaleKeepTheirInputParameters() {
        int passThrough = 0;
        int concatenations = 0;
        for (Op op : int8.ops()) {
            Quantization out = int8.tensor(op.output()).quantization();
            if (op.opcode().passesQuantizationThrough()) {
                assertTrue(out.sameParams(int8.tensor(op.input(0)).quantization()), op.toString());
                passThrough++;
            }
            if (op.opcode() == Opcode.CONCATENATION) {
                for (int in : op.inputs()) {
                    assertTrue(out.sameParams(int8.tensor(in).quantization()), op + " input " + in);
                }
                concatenations++;
            }
        }
        assertEquals(8, passThrough); // pad, crop, maxpool, two avgpools, three reshapes
        assertEquals(1, concatenations);
    }

    @Test
    void fixedOutputParametersAndFloatEnds() {
        for (Op op : int8.ops()) {
            Quantization out = int8.tensor(op.output()).quantization();
            if (op.opcode() == Opcode.LOGISTIC) {
                assertEquals(Quantization.perTensor(1f / 256, -128), out);
            }
            if (op.opcode() == Opcode.TANH) {
                assertEquals(Quantization.perTensor(1f / 128, 0), out);
            }
        }
        List<Op> ops = int8.ops();
        assertEquals(Opcode.QUANTIZE, ops.get(0).opcode());
        assertEquals(ElementType.FLOAT32, int8.tensor(int8.inputs().get(0)).type());
        assertEquals(Opcode.DEQUANTIZE, ops.get(ops.size() - 2).opcode());
        assertEquals(Opcode.L2_NORMALIZATION, ops.get(ops.size() - 1).opcode());
        assertEquals(ElementType.FLOAT32, int8.tensor(int8.outputs().get(0)).type());
    }

    @Test
    void weightsAreSymmetricPerChannelAndBiasesScaleWithInputAndWeights() {
        int checked = 0;
        for (Op op : int8.ops()) {
            if (op.opcode() != Opcode.CONV_2D && op.opcode() != Opcode.DEPTHWISE_CONV_2D
                    && op.opcode() != Opcode.FULLY_CONNECTED) {
                continue;
            }
            Tensor w = int8.tensor(op.input(1));
            Tensor b = int8.tensor(op.input(2));
            int axis = op.opcode() == Opcode.DEPTHWISE_CONV_2D ? 3 : 0;
            assertEquals(ElementType.INT8, w.type());
            assertEquals(axis, w.quantization().axis());
            assertEquals(w.dim(axis), w.quantization().scales().length);
            for (long z : w.quantization().zeroPoints()) {
                assertEquals(0, z);
            }
            assertEquals(ElementType.INT32, b.type());
            float in = int8.tensor(op.input(0)).quantization().scale();
            for (int c = 0; c < b.channels(); c++) {
                assertEquals(in * w.quantization().scales()[c], b.quantization().scales()[c], 1e-12, op.toString());
            }
            checked++;
        }
        assertEquals(12, checked); // 5 CONV_2D, 4 DEPTHWISE_CONV_2D, 3 FULLY_CONNECTED
    }

    @Test
    void uint8InputIsRequantizedByAnOffsetOf128() {
        SmallModel small = SmallModel.get();
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> Int8Conversion.convert(
                small.lowered.floatProgram(), small.ranges, Int8Options.uint8Input(Preprocessing.zeroToOne(64))));
        assertTrue(x.getMessage().contains("64x64 images, the model takes [1, 40, 40, 3]"), x.getMessage());
        TfliteProgram p = Int8Conversion.convert(small.lowered.floatProgram(), small.ranges,
                Int8Options.uint8Input(Preprocessing.zeroToOne(SmallModel.SIZE)));
        Tensor in = p.tensor(p.inputs().get(0));
        assertEquals(ElementType.UINT8, in.type());
        assertEquals(Quantization.perTensor(1f / 255, 0), in.quantization());
        Op first = p.ops().get(0);
        assertEquals(Opcode.QUANTIZE, first.opcode());
        assertEquals(Quantization.perTensor(1f / 255, -128), p.tensor(first.output()).quantization());
    }

    /** A ReLU that never fired during calibration still gets a scale XNNPACK accepts (it refused 4e-9). */
    @Test
    void deadActivationsGetAUsableScale() {
        TfliteProgram p = new TfliteProgram("dead relu");
        int x = p.addActivation("x", ElementType.FLOAT32, new int[] {1, 2}, null);
        int w = p.addFloatConstant("w", TensorRole.FILTER, new int[] {2, 2}, new float[] {0.5f, -0.5f, 1f, 1f});
        int b = p.addFloatConstant("b", TensorRole.BIAS, new int[] {2}, new float[] {-10f, -10f});
        int y = p.addActivation("y", ElementType.FLOAT32, new int[] {1, 2}, null);
        p.addOp(Opcode.FULLY_CONNECTED, new int[] {x, w, b}, new int[] {y},
                new OpOptions.FullyConnected(FusedActivation.RELU, false));
        p.addInput(x);
        p.addOutput(y);
        ActivationRanges r = new ActivationRanges();
        r.observe("x", new float[] {-1f, 1f});
        r.observe("y", new float[] {0f, 0f});
        TfliteProgram q = Int8Conversion.convert(p, r, Int8Options.floatInput());
        float inScale = q.tensor(q.indexOf("x/int8")).quantization().scale();
        float outScale = q.tensor(q.indexOf("y")).quantization().scale();
        float weightScale = 1f / 127;
        assertTrue(outScale >= inScale * weightScale / 128 * 0.999, "output scale " + outScale);
    }
}
