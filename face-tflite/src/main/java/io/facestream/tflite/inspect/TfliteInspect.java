package io.facestream.tflite.inspect;

import io.facestream.tflite.runtime.TfliteModelException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Prints what a .tflite file contains: size, inputs and outputs, operators with versions, tensors with types,
 * shapes and quantization. From the repository root:
 * <pre>
 * mvn -q -pl face-tflite exec:java -Dexec.mainClass=io.facestream.tflite.inspect.TfliteInspect \
 *     -Dexec.args="path/to/model.tflite"
 * </pre>
 * Exit status 1 when the file cannot be read or is not a valid TFLite model.
 */
public final class TfliteInspect {

    private TfliteInspect() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: TfliteInspect <model.tflite>");
            System.exit(2);
        }
        try {
            System.out.print(ModelInspector.inspect(Path.of(args[0])).toText());
        } catch (IOException | TfliteModelException e) {
            System.err.println("cannot inspect " + args[0] + ": " + e.getMessage());
            System.exit(1);
        }
    }
}
