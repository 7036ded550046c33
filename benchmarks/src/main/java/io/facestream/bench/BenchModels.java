package io.facestream.bench;

import io.facestream.model.FaceModelSpec;
import io.facestream.model.head.HeadConfig;
import io.facestream.model.head.HeadType;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The models every part of the benchmark measures and the files of one run: {@link PrepareModels} writes them, the
 * TFLite and TensorFlow Java JVMs read them. Only face-model types here: both JVMs load this class.
 */
final class BenchModels {

    static final List<String> BACKBONES = List.of("MobileFaceNet", "MobileNetV2");
    static final int INPUT_SIZE = 112;
    static final int EMBEDDING_SIZE = 512;
    /** A checkpoint holds a head; inference never reads it, so a small one will do. */
    static final int HEAD_CLASSES = 10;
    /** Images whose embeddings each runtime writes, to check that every runtime runs the same model. */
    static final int CHECK_IMAGES = 8;
    /** The system property that names the run directory in every JVM of a run (JMH forks included). */
    static final String DIR_PROPERTY = "bench.dir";

    private BenchModels() {
    }

    /** JHFace's face model: alpha 1, 112x112, the 512-d output layer. */
    static FaceModelSpec spec(String backbone) {
        return new FaceModelSpec(backbone, 1.0, INPUT_SIZE, EMBEDDING_SIZE, FaceModelSpec.DEFAULT_DROPOUT,
                FaceModelSpec.DEFAULT_WEIGHT_DECAY, HeadConfig.defaults(HeadType.ARCFACE, HEAD_CLASSES), null);
    }

    static Path runDir() {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir == null) {
            throw new IllegalStateException("-D" + DIR_PROPERTY + "=<run directory> is not set");
        }
        return Path.of(dir);
    }

    static Path tflite(Path dir, String backbone, String precision) {
        return dir.resolve(backbone + "." + precision + ".tflite");
    }

    /** The weights of every runtime: a portable checkpoint (TensorFlow Java reads it; TFLite is converted from it). */
    static Path checkpoint(Path dir, String backbone) {
        return dir.resolve(backbone + ".checkpoint.zip");
    }

    /** Preprocessed input images, the same for every runtime. */
    static Path inputs(Path dir) {
        return dir.resolve("inputs.f32");
    }

    /** L2-normalised embeddings of the first inputs by one runtime, to check that all runtimes run the same model. */
    static Path embeddings(Path dir, String backbone, String runtime) {
        return dir.resolve(backbone + "." + runtime + ".embeddings");
    }

    static void writeMatrix(Path file, List<float[]> rows) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(rows.size());
            out.writeInt(rows.get(0).length);
            for (float[] row : rows) {
                for (float v : row) {
                    out.writeFloat(v);
                }
            }
        }
    }

    static float[][] readMatrix(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            float[][] rows = new float[in.readInt()][in.readInt()];
            for (float[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = in.readFloat();
                }
            }
            return rows;
        }
    }

    /** count images one after the other from the inputs, starting at image first (wrapping around). */
    static float[] batch(float[][] images, int first, int count) {
        int length = images[0].length;
        float[] batch = new float[count * length];
        for (int i = 0; i < count; i++) {
            System.arraycopy(images[(first + i) % images.length], 0, batch, i * length, length);
        }
        return batch;
    }

    static float[] normalized(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        float inv = (float) (1 / Math.max(Math.sqrt(sum), 1e-12));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * inv;
        }
        return out;
    }
}
