package io.facestream.bench;

import io.facestream.tflite.runtime.TfliteEmbedder;
import io.facestream.tflite.runtime.TfliteOptions;
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
 * One TFLite inference (TfliteEmbedder, XNNPACK) of a batch of preprocessed face crops, as the embedder's workers
 * call it. Sample time: JMH records the time of the calls, giving the median and p99; faces/s is batch / mean.
 * Each configuration runs in its own forked JVM, which holds TFLite only.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TfliteInferenceBenchmark {

    @Param({"MobileFaceNet", "MobileNetV2"})
    public String backbone;

    @Param({"int8", "float32"})
    public String precision;

    @Param({"1", "2"})
    public int threads;

    @Param({"1", "16"})
    public int batch;

    private TfliteEmbedder embedder;
    private float[][] batches;
    private int next;

    @Setup(Level.Trial)
    public void load() throws IOException {
        Path dir = BenchModels.runDir();
        float[][] images = BenchModels.readMatrix(BenchModels.inputs(dir));
        // consecutive batches over all the inputs, so that not one image is embedded over and over
        batches = new float[Math.max(1, images.length / batch)][];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = BenchModels.batch(images, i * batch, batch);
        }
        embedder = TfliteEmbedder.load(BenchModels.tflite(dir, backbone, precision), TfliteOptions.threads(threads));
        embedder.embed(batches[0], batch); // the first call at a batch size resizes and plans
        System.out.println("loaded: " + NativeLibraries.requireOnly(NativeLibraries.Runtime.TFLITE));
    }

    @Benchmark
    public float[][] embed() {
        float[] input = batches[next];
        next = (next + 1) % batches.length;
        return embedder.embed(input, batch);
    }

    @TearDown(Level.Trial)
    public void close() {
        embedder.close();
    }
}
