package io.facestream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Last step of a run: reads what the other steps wrote in the run directory (run.properties, tfjava.properties,
 * the JMH results tflite.json and tfjava.json, peak.txt from the int8 kernel, e2e.properties) and prints the
 * tables as Markdown (also written to report.md).
 *
 * <p>Usage: BenchReport --dir RUN_DIR
 */
public final class BenchReport {

    private static final List<String> CPU_FEATURES = List.of("avx2", "avx_vnni", "avx512f", "avx512_vnni",
            "avx512_bf16", "amx_int8");

    /** One JMH configuration's figures. */
    record Measured(String backbone, String runtime, int threads, int batch, double meanMs, double medianMs,
                    double p99Ms, long samples) {
        double facesPerSecond() {
            return batch * 1000 / meanMs;
        }
    }

    /** The int8 kernel's output: best and median rate per thread count, the measured clock. */
    record Peak(String kernel, int macsPerInstruction, double clockGhz, Map<Integer, double[]> gmacsByThreads) {
    }

    private final StringBuilder out = new StringBuilder();

    private BenchReport() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(Args.one(Args.parse(args, List.of("dir")), "dir", null));
        BenchReport report = new BenchReport();
        report.write(dir);
        System.out.print(report.out);
        Files.writeString(dir.resolve("report.md"), report.out);
    }

    private void write(Path dir) throws IOException {
        Properties run = properties(dir.resolve("run.properties"));
        Properties tf = properties(dir.resolve("tfjava.properties"));
        List<Measured> measured = new ArrayList<>(jmh(dir.resolve("tflite.json")));
        measured.addAll(jmh(dir.resolve("tfjava.json")));
        Peak peak = peak(dir.resolve("peak.txt"));

        line("Machine: %s (family %s model %s), %d cores seen by the JVM, %s; int8 SIMD: %s. Java %s.",
                cpu("model name"),
                cpu("cpu family"), cpu("model"), Runtime.getRuntime().availableProcessors(), hypervisor(),
                String.join(", ", cpuFeatures()), System.getProperty("java.version"));
        line("Load average (1, 5, 15 min) as each step began: %s. The machine is shared (2 cores): other builds run "
                + "beside the benchmark, so every figure carries their noise.", loadAverages(dir));
        line("Images: %s.", run.getProperty("images"));
        for (String backbone : BenchModels.BACKBONES) {
            line("Weights of %s: %s.", backbone, run.getProperty("weights." + backbone));
        }
        line("Runtimes loaded (checked in every JVM from /proc/self/maps): TFLite JVMs: %s. TensorFlow Java JVMs: %s.",
                run.getProperty("natives.tflite"), tf.getProperty("natives.tensorflow"));
        line("");
        inferenceTable(measured, run);
        sameModel(dir);
        endToEnd(dir);
        multiplyAdds(measured, run, peak);
    }

    // ---- 1. inference --------------------------------------------------------------------------------------

    private void inferenceTable(List<Measured> measured, Properties run) {
        line("**Inference** (JMH 1.37 sample time, one forked JVM per row, 3 x 2 s warm-up, 5 x 2 s measured; "
                + "a face's latency is its call's: in a batch every face waits for the whole batch):");
        line("");
        line("| model | threads | batch | runtime | faces/s | latency median ms | latency p99 ms | "
                + "x TF Java float | x TFLite float32 | calls timed |");
        line("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|");
        for (String backbone : BenchModels.BACKBONES) {
            for (int threads : new int[] {1, 2}) {
                for (int batch : new int[] {1, 16}) {
                    Measured base = find(measured, backbone, "tfjava", threads, batch);
                    Measured float32 = find(measured, backbone, "tflite-float32", threads, batch);
                    for (String runtime : List.of("tflite-int8", "tflite-float32", "tfjava")) {
                        Measured m = find(measured, backbone, runtime, threads, batch);
                        if (m == null) {
                            continue;
                        }
                        line("| %s | %d | %d | %s | %.1f | %.2f | %.2f | %s | %s | %d |", backbone, threads, batch,
                                label(runtime), m.facesPerSecond(), m.medianMs(), m.p99Ms(), ratio(m, base),
                                runtime.equals("tflite-int8") ? ratio(m, float32) : "", m.samples());
                    }
                }
            }
        }
        line("");
        line("Calls timed: p99 of fewer than 100 calls is close to their maximum. XNNPACK partitions (1: the whole "
                + "model runs in XNNPACK; n: operators XNNPACK does not take run on TFLite's builtin kernels between "
                + "n partitions): %s.", String.join(", ", BenchModels.BACKBONES.stream().map(b -> b + " float32 "
                + run.getProperty("xnnpack_partitions." + b + ".float32") + ", int8 "
                + run.getProperty("xnnpack_partitions." + b + ".int8")).toList()));
        line("");
        line("Multiply-adds per face (`ModelGraph.multiplyAdds()`): %s.", String.join(", ",
                BenchModels.BACKBONES.stream().map(b -> String.format(Locale.ROOT, "%s %.1f M (float32 %.1f MB, "
                        + "int8 %.1f MB)", b, Long.parseLong(run.getProperty("macs." + b)) / 1e6,
                        Long.parseLong(run.getProperty("bytes." + b + ".float32")) / 1e6,
                        Long.parseLong(run.getProperty("bytes." + b + ".int8")) / 1e6)).toList()));
        line("");
    }

    private static String label(String runtime) {
        return switch (runtime) {
            case "tflite-int8" -> "TFLite int8";
            case "tflite-float32" -> "TFLite float32";
            default -> "TF Java float32";
        };
    }

    private static String ratio(Measured m, Measured base) {
        return base == null ? "-" : String.format(Locale.ROOT, "%.2f", m.facesPerSecond() / base.facesPerSecond());
    }

    private static Measured find(List<Measured> all, String backbone, String runtime, int threads, int batch) {
        return all.stream().filter(m -> m.backbone().equals(backbone) && m.runtime().equals(runtime)
                && m.threads() == threads && m.batch() == batch).findFirst().orElse(null);
    }

    /** Cosine of each runtime's embeddings with TensorFlow Java's on the same images: the same model runs. */
    private void sameModel(Path dir) throws IOException {
        List<String> parts = new ArrayList<>();
        for (String backbone : BenchModels.BACKBONES) {
            float[][] reference = BenchModels.readMatrix(BenchModels.embeddings(dir, backbone, "tfjava"));
            for (String precision : List.of("float32", "int8")) {
                float[][] e = BenchModels.readMatrix(BenchModels.embeddings(dir, backbone, "tflite-" + precision));
                double min = 1;
                double sum = 0;
                for (int i = 0; i < e.length; i++) {
                    double c = 0;
                    for (int k = 0; k < e[i].length; k++) {
                        c += (double) e[i][k] * reference[i][k];
                    }
                    min = Math.min(min, c);
                    sum += c / e.length;
                }
                parts.add(String.format(Locale.ROOT, "%s TFLite %s mean %.4f (min %.4f)", backbone, precision, sum,
                        min));
            }
        }
        line("Same model in every runtime: cosine with TF Java's embedding of the same %d images: %s.",
                BenchModels.CHECK_IMAGES, String.join("; ", parts));
        line("");
    }

    // ---- 2. end to end -------------------------------------------------------------------------------------

    private void endToEnd(Path dir) throws IOException {
        Path file = dir.resolve("e2e.properties");
        if (!Files.exists(file)) {
            line("**End to end**: not run (no e2e.properties).");
            line("");
            return;
        }
        Properties e = properties(file);
        double before = number(e, "raw.before.faces_per_s");
        double after = number(e, "raw.after.faces_per_s");
        double raw = (before + after) / 2;
        double decode = (number(e, "decode_raw.before.faces_per_s") + number(e, "decode_raw.after.faces_per_s")) / 2;
        double service = number(e, "e2e.faces_per_s");
        line("**End to end** (%s int8, %s frames after %s warm-up frames; %s; broker: %s in the benchmark JVM; "
                + "embedder-service's packaged jar as a child process with 1 worker, 1 interpreter thread, batches of "
                + "up to %s; raw loops in the benchmark JVM on the same images, 1 thread, batches of %s, before and "
                + "after the service run):", e.getProperty("backbone"), e.getProperty("frames"),
                e.getProperty("warmup_frames"), e.getProperty("images"), e.getProperty("broker"),
                e.getProperty("max_batch"), e.getProperty("max_batch"));
        line("");
        line("| path | faces/s | x raw interpreter loop |");
        line("|---|---:|---:|");
        line("| raw interpreter loop (preprocessed tensors; before %.1f, after %.1f) | %.1f | 1.00 |", before, after,
                raw);
        line("| JPEG decode + preprocessing + interpreter, in process | %.1f | %.2f |", decode, decode / raw);
        line("| embedder-service: frames -> Kafka -> embeddings (all %s arrived, %s s) | %.1f | %.2f |",
                e.getProperty("frames"), e.getProperty("e2e.seconds"), service, service / raw);
        line("");
    }

    // ---- 3. fraction of the peak ---------------------------------------------------------------------------

    private void multiplyAdds(List<Measured> measured, Properties run, Peak peak) {
        if (peak == null) {
            line("**Fraction of the peak**: not measured (no peak.txt: the int8 kernel needs a C compiler and AVX2).");
            return;
        }
        double[] one = peak.gmacsByThreads().get(1);
        line("**Fraction of the CPU's int8 peak.** Peak measured with a tight int8 dot-product kernel "
                + "(benchmarks/src/main/c/int8_peak.c, `%s`, %d multiply-adds an instruction, 12 independent register "
                + "accumulators, best of 40 trials; median in brackets): 1 core %.0f GMAC/s (%.0f), at a measured "
                + "%.2f GHz (a dependent add chain) that is %.0f multiply-adds a cycle per core.",
                peak.kernel(), peak.macsPerInstruction(), one[0], one[1], peak.clockGhz(), one[0] / peak.clockGhz());
        line("");
        line("| model | multiply-adds / face | threads | batch | int8 faces/s | GMAC/s reached | peak GMAC/s (cores) "
                + "| fraction of peak |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (String backbone : BenchModels.BACKBONES) {
            long macs = Long.parseLong(run.getProperty("macs." + backbone));
            for (int threads : new int[] {1, 2}) {
                double[] p = peak.gmacsByThreads().get(threads);
                for (int batch : new int[] {1, 16}) {
                    Measured m = find(measured, backbone, "tflite-int8", threads, batch);
                    if (m == null || p == null) {
                        continue;
                    }
                    double reached = m.facesPerSecond() * macs / 1e9;
                    line("| %s | %,d | %d | %d | %.1f | %.1f | %.0f | %.1f %% |", backbone, macs, threads, batch,
                            m.facesPerSecond(), reached, p[0], 100 * reached / p[0]);
                }
            }
        }
        line("");
    }

    // ---- reading -------------------------------------------------------------------------------------------

    private static List<Measured> jmh(Path file) throws IOException {
        List<Measured> all = new ArrayList<>();
        if (!Files.exists(file)) {
            return all;
        }
        for (JsonNode r : new ObjectMapper().readTree(file.toFile())) {
            JsonNode params = r.get("params");
            JsonNode metric = r.get("primaryMetric");
            if (!"ms/op".equals(metric.get("scoreUnit").asText())) {
                throw new IllegalStateException(file + ": expected ms/op, got " + metric.get("scoreUnit"));
            }
            String runtime = r.get("benchmark").asText().contains("TfJava") ? "tfjava"
                    : "tflite-" + params.get("precision").asText();
            long samples = 0;
            for (JsonNode iteration : metric.path("rawDataHistogram")) {
                for (JsonNode fork : iteration) {
                    for (JsonNode bucket : fork) {
                        samples += bucket.get(1).asLong();
                    }
                }
            }
            all.add(new Measured(params.get("backbone").asText(), runtime, params.get("threads").asInt(),
                    params.get("batch").asInt(), metric.get("score").asDouble(),
                    metric.get("scorePercentiles").get("50.0").asDouble(),
                    metric.get("scorePercentiles").get("99.0").asDouble(), samples));
        }
        return all;
    }

    private static Peak peak(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        String kernel = null;
        int macs = 0;
        double clock = 0;
        Map<Integer, double[]> byThreads = new LinkedHashMap<>();
        for (String l : Files.readAllLines(file)) {
            String[] f = l.trim().split("\\s+");
            switch (f[0]) {
                case "kernel" -> {
                    kernel = f[1];
                    macs = Integer.parseInt(f[2]);
                }
                case "clock_ghz" -> clock = Double.parseDouble(f[1]);
                case "threads" -> byThreads.put(Integer.parseInt(f[1]),
                        new double[] {Double.parseDouble(f[3]), Double.parseDouble(f[4])});
                default -> throw new IllegalStateException(file + ": unexpected line " + l);
            }
        }
        return new Peak(kernel, macs, clock, byThreads);
    }

    private static Properties properties(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    private static double number(Properties p, String key) {
        return Double.parseDouble(p.getProperty(key));
    }

    private static String loadAverages(Path dir) throws IOException {
        Path file = dir.resolve("loadavg.log");
        if (!Files.exists(file)) {
            return "not recorded";
        }
        return String.join("; ", Files.readAllLines(file).stream().map(l -> l.replace("|", ": ")).toList());
    }

    private static String cpu(String field) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            int colon = l.indexOf(':');
            if (colon > 0 && l.substring(0, colon).trim().equals(field)) {
                return l.substring(colon + 1).trim();
            }
        }
        return "unknown";
    }

    private static List<String> cpuFeatures() throws IOException {
        List<String> flags = List.of(cpu("flags").split(" "));
        return CPU_FEATURES.stream().filter(flags::contains).toList();
    }

    private static String hypervisor() throws IOException {
        return List.of(cpu("flags").split(" ")).contains("hypervisor") ? "a virtual machine" : "bare metal";
    }

    private void line(String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
