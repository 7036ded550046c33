package io.facestream.converter;

import io.facestream.converter.service.FolderCalibrationSource;
import io.facestream.model.FaceModelSpec;
import io.facestream.model.checkpoint.CheckpointWriter;
import io.facestream.model.head.HeadConfig;
import io.facestream.model.head.HeadType;
import io.facestream.model.image.ImagePreprocessor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a checkpoint with synthetic (untrained) weights of a full-size face model, for measuring conversion size
 * and int8 agreement where no trained checkpoint exists. Batch-norm statistics come from 8 face crops of the image
 * folder. Not a test; from the repository root:
 * <pre>
 * mvn -q -pl converter-service test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.facestream.converter.SyntheticCheckpoint \
 *   -Dexec.args="MobileFaceNet 112 512 ../shared/data/lfw112/train target/MobileFaceNet-synthetic.ckpt"
 * </pre>
 */
public final class SyntheticCheckpoint {

    private SyntheticCheckpoint() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            System.err.println("usage: SyntheticCheckpoint <backbone> <input size> <embedding size> <image folder> "
                    + "<out.ckpt>");
            System.exit(2);
        }
        int size = Integer.parseInt(args[1]);
        FaceModelSpec spec = new FaceModelSpec(args[0], 1.0, size, Integer.parseInt(args[2]), 0.5, 5e-4,
                HeadConfig.defaults(HeadType.ARCFACE, 10), null);
        ImagePreprocessor preprocessor = new ImagePreprocessor(spec.preprocessing());
        List<float[]> init = new FolderCalibrationSource(Path.of(args[3]), 1 << 24).images(8).stream()
                .map(preprocessor::toTensor).toList();
        Path out = Path.of(args[4]);
        CheckpointWriter.write(TestCheckpoints.checkpoint(spec, 17, init), out);
        System.out.println("wrote " + out + " (" + spec.backboneType() + " " + size + "x" + size + ", "
                + spec.embeddingSize() + "-d, synthetic weights)");
    }
}
