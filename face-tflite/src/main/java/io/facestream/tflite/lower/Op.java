package io.facestream.tflite.lower;

import java.util.Arrays;

/** One operator of a {@link TfliteProgram}: tensor indices in, tensor indices out. */
public record Op(Opcode opcode, int[] inputs, int[] outputs, OpOptions options) {

    public Op {
        inputs = inputs.clone();
        outputs = outputs.clone();
    }

    public int input(int i) {
        return inputs[i];
    }

    public int output() {
        return outputs[0];
    }

    /** The activation applied inside the operator, NONE for operators that cannot fuse one. */
    public FusedActivation activation() {
        if (options instanceof OpOptions.Conv c) {
            return c.activation();
        }
        if (options instanceof OpOptions.Depthwise d) {
            return d.activation();
        }
        if (options instanceof OpOptions.FullyConnected f) {
            return f.activation();
        }
        if (options instanceof OpOptions.Activation a) {
            return a.activation();
        }
        return FusedActivation.NONE;
    }

    @Override
    public String toString() {
        return opcode + Arrays.toString(inputs) + "->" + Arrays.toString(outputs);
    }
}
