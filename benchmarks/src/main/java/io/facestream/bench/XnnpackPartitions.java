package io.facestream.bench;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.BuiltinOpResolverWithoutDefaultDelegates;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.bytedeco.tensorflowlite.OpResolver;

import java.nio.file.Path;

/**
 * How many XNNPACK partitions TFLite makes of a model. Applying a delegate adds one node per partition it takes
 * over, so the partitions are the node count with XNNPACK minus the operator count without it. One partition: the
 * whole model runs in XNNPACK. More: some operators stay on TFLite's builtin kernels, between partitions.
 */
final class XnnpackPartitions {

    private XnnpackPartitions() {
    }

    static long count(Path model) {
        return nodes(model, new BuiltinOpResolver()) - nodes(model, new BuiltinOpResolverWithoutDefaultDelegates());
    }

    private static long nodes(Path file, OpResolver resolver) {
        try (FlatBufferModel model = FlatBufferModel.BuildFromFile(file.toString());
             Interpreter interpreter = new Interpreter((Pointer) null);
             InterpreterBuilder builder = new InterpreterBuilder(model, resolver)) {
            if (model.isNull() || builder.apply(interpreter) != 0 || interpreter.AllocateTensors() != 0) {
                throw new IllegalStateException("TFLite cannot build an interpreter for " + file);
            }
            return interpreter.nodes_size();
        } finally {
            resolver.close();
        }
    }
}
