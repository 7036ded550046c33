package io.facestream.tflite.lower;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A single-subgraph TFLite model in memory: tensors, operators in execution order, inputs and outputs. The
 * lowering builds a float program from a model graph; the precision transforms of io.facestream.tflite.quant
 * derive int8, float16 and dynamic-range programs from it; {@link FlatBufferWriter} serialises any of them.
 * Tensor names are unique, so that calibration results (keyed by name) find their tensor.
 */
public final class TfliteProgram {

    private final List<Tensor> tensors = new ArrayList<>();
    private final Map<String, Integer> byName = new HashMap<>();
    private final List<Op> ops = new ArrayList<>();
    private final List<Integer> inputs = new ArrayList<>();
    private final List<Integer> outputs = new ArrayList<>();
    private final String description;

    public TfliteProgram(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    public int addActivation(String name, ElementType type, int[] shape, Quantization quantization) {
        return add(name, type, shape, TensorRole.ACTIVATION, quantization, null, null, null);
    }

    public int addFloatConstant(String name, TensorRole role, int[] shape, float[] data) {
        return add(name, ElementType.FLOAT32, shape, role, null, data, null, null);
    }

    public int addIntConstant(String name, TensorRole role, int[] shape, int[] data, Quantization quantization) {
        return add(name, ElementType.INT32, shape, role, quantization, null, data, null);
    }

    /** An INDEX tensor (paddings, shapes, axes). */
    public int addIndexConstant(String name, int[] shape, int[] data) {
        return addIntConstant(name, TensorRole.INDEX, shape, data, null);
    }

    /** INT8, UINT8 or FLOAT16 constant data, already encoded little-endian. */
    public int addEncodedConstant(String name, ElementType type, TensorRole role, int[] shape, byte[] data,
                                  Quantization quantization) {
        return add(name, type, shape, role, quantization, null, null, data);
    }

    /** A constant with the same type, data and quantization as one of another program. */
    public int copyConstant(Tensor t) {
        if (!t.isConstant()) {
            throw new IllegalArgumentException(t.name() + " is not a constant");
        }
        return switch (t.type()) {
            case FLOAT32 -> add(t.name(), t.type(), t.shape(), t.role(), t.quantization(), t.floats(), null, null);
            case INT32 -> add(t.name(), t.type(), t.shape(), t.role(), t.quantization(), null, t.ints(), null);
            default -> add(t.name(), t.type(), t.shape(), t.role(), t.quantization(), null, null, t.bytes());
        };
    }

    private int add(String name, ElementType type, int[] shape, TensorRole role, Quantization quantization,
                    float[] floats, int[] ints, byte[] bytes) {
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("duplicate tensor name " + name);
        }
        int index = tensors.size();
        tensors.add(new Tensor(index, name, type, shape, role, quantization, floats, ints, bytes));
        byName.put(name, index);
        return index;
    }

    public void addOp(Opcode opcode, int[] in, int[] out, OpOptions options) {
        for (int i : in) {
            requireTensor(i);
        }
        for (int o : out) {
            requireTensor(o);
        }
        ops.add(new Op(opcode, in, out, options));
    }

    public void addInput(int tensor) {
        requireTensor(tensor);
        inputs.add(tensor);
    }

    public void addOutput(int tensor) {
        requireTensor(tensor);
        outputs.add(tensor);
    }

    private void requireTensor(int index) {
        if (index < 0 || index >= tensors.size()) {
            throw new IllegalArgumentException("no tensor " + index);
        }
    }

    public Tensor tensor(int index) {
        return tensors.get(index);
    }

    /** The tensor of that name, or -1. */
    public int indexOf(String name) {
        return byName.getOrDefault(name, -1);
    }

    public List<Tensor> tensors() {
        return Collections.unmodifiableList(tensors);
    }

    public List<Op> ops() {
        return Collections.unmodifiableList(ops);
    }

    public List<Integer> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    public List<Integer> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    /** Bytes of constant data: roughly the file size. */
    public long constantBytes() {
        long n = 0;
        for (Tensor t : tensors) {
            n += t.dataBytes();
        }
        return n;
    }
}
