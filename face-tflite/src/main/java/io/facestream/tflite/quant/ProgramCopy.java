package io.facestream.tflite.quant;

import io.facestream.tflite.lower.Op;
import io.facestream.tflite.lower.TfliteProgram;

/** Copies a program's operators, inputs and outputs through a tensor index mapping. */
final class ProgramCopy {

    private ProgramCopy() {
    }

    static void copyOps(TfliteProgram from, TfliteProgram to, int[] mapped) {
        for (Op op : from.ops()) {
            to.addOp(op.opcode(), map(op.inputs(), mapped), map(op.outputs(), mapped), op.options());
        }
        for (int i : from.inputs()) {
            to.addInput(mapped[i]);
        }
        for (int o : from.outputs()) {
            to.addOutput(mapped[o]);
        }
    }

    private static int[] map(int[] tensors, int[] mapped) {
        int[] r = new int[tensors.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = mapped[tensors[i]];
        }
        return r;
    }
}
