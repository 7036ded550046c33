package io.facestream.bench;

import io.facestream.model.checkpoint.CheckpointReader;
import io.facestream.trainer.tf.TfFaceModel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The float baseline: the same weights in TensorFlow Java (trainer-service's TfFaceModel inference graph, intra- and
 * inter-op threads as given). Runs only on trainer-service's class path (JavaCPP 1.5.11): never in a JVM that holds
 * TFLite. Same inputs, batches and measurement as {@link TfliteInferenceBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TfJavaInferenceBenchmark {

    @Param({"MobileFaceNet", "MobileNetV2"})
    public String backbone;

    @Param({"1", "2"})
    public int threads;

    @Param({"1", "16"})
    public int batch;

    private TfFaceModel model;
    private float[][] batches;
    private int next;

    @Setup(Level.Trial)
    public void load() throws IOException {
        Path dir = BenchModels.runDir();
        float[][] images = BenchModels.readMatrix(BenchModels.inputs(dir));
        batches = new float[Math.max(1, images.length / batch)][];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = BenchModels.batch(images, i * batch, batch);
        }
        model = TfFaceModel.inference(CheckpointReader.read(BenchModels.checkpoint(dir, backbone)), threads);
        model.embed(batches[0], batch); // TensorFlow optimises the graph on the first run
        System.out.println("loaded: " + NativeLibraries.requireOnly(NativeLibraries.Runtime.TENSORFLOW));
    }

    @Benchmark
    public float[][] embed() {
        float[] input = batches[next];
        next = (next + 1) % batches.length;
        return model.embed(input, batch);
    }

    @TearDown(Level.Trial)
    public void close() {
        model.close();
    }
}
