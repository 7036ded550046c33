package io.facestream.bench;

import io.facestream.model.checkpoint.CheckpointReader;
import io.facestream.trainer.tf.TfFaceModel;

import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The second step of a run (TensorFlow Java JVM, trainer-service's class path): embeds the check images with every
 * backbone's checkpoint, so the report can show that TensorFlow Java and TFLite run the same model, and records
 * what this JVM loaded (tfjava.properties).
 */
public final class TfJavaCheck {

    private TfJavaCheck() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = BenchModels.runDir();
        float[][] images = BenchModels.readMatrix(BenchModels.inputs(dir));
        for (String backbone : BenchModels.BACKBONES) {
            try (TfFaceModel model = TfFaceModel.inference(
                    CheckpointReader.read(BenchModels.checkpoint(dir, backbone)), 1)) {
                List<float[]> out = new ArrayList<>();
                for (int i = 0; i < BenchModels.CHECK_IMAGES; i++) {
                    // TfFaceModel gives the output layer's values; serving L2-normalises them
                    out.add(BenchModels.normalized(model.embed(images[i], 1)[0]));
                }
                BenchModels.writeMatrix(BenchModels.embeddings(dir, backbone, "tfjava"), out);
            }
        }
        Properties p = new Properties();
        p.setProperty("natives.tensorflow", NativeLibraries.requireOnly(NativeLibraries.Runtime.TENSORFLOW));
        System.out.println("TensorFlow Java JVM loaded: " + p.getProperty("natives.tensorflow"));
        try (Writer w = Files.newBufferedWriter(dir.resolve("tfjava.properties"))) {
            p.store(w, "written by TfJavaCheck");
        }
    }
}
