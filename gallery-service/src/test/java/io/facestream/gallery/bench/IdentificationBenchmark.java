package io.facestream.gallery.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.gallery.domain.ThresholdPolicy;
import io.facestream.gallery.service.DotProduct;
import io.facestream.gallery.service.VersionGallery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Identification latency of one probe against galleries of 1k to 1M centroids of 512 floats: the gallery's own
 * matching ({@link VersionGallery#best2}) with SIMD and with the plain loop, and FAISS IndexFlatIP (exact inner
 * product, Debian's python3-faiss under /usr/bin/python3) on the same data in the same run. One thread each, one
 * probe per search (as probes arrive in the stream). Run on demand with bench/identification-bench.sh; never part
 * of the tests.
 */
public final class IdentificationBenchmark {

    static final int DIM = 512;
    static final String PYTHON = "/usr/bin/python3";
    static final Path FAISS_SCRIPT = Path.of("bench/faiss_flatip.py");
    static final Path WORK = Path.of("target/bench");

    record Timing(double medianMs) {
        static Timing of(double[] ms) {
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            return new Timing(sorted[sorted.length / 2]);
        }
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length > 0 ? Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[]{1_000, 10_000, 100_000, 1_000_000};
        if (!DotProduct.simdAvailable()) {
            System.err.println("start the JVM with --add-modules jdk.incubator.vector: SIMD is needed for the comparison");
            System.exit(2);
        }
        String faiss = faissVersion();
        System.out.printf("CPU: %s, %d cores; Java %s; %s; FAISS: %s%n", cpu(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                DotProduct.simd().name(), faiss == null ? "not available" : faiss + " (IndexFlatIP, 1 thread)");
        System.out.println();
        System.out.println("| gallery | probes | SIMD median ms | plain loop median ms | FAISS median ms "
                + "| plain / SIMD | FAISS / SIMD | same top-1 |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---|");
        Files.createDirectories(WORK);
        for (int n : sizes) {
            run(n, faiss != null);
        }
    }

    static void run(int n, boolean withFaiss) throws Exception {
        int probes = n <= 10_000 ? 1_000 : n <= 100_000 ? 200 : 30;
        SplittableRandom random = new SplittableRandom(n);
        float[] matrix = unitRows(random, n);
        float[] queries = new float[probes * DIM];
        int[] targets = new int[probes];
        for (int q = 0; q < probes; q++) { // a noisy view of one enrolled person
            targets[q] = random.nextInt(n);
            double norm = 0;
            for (int d = 0; d < DIM; d++) {
                float v = matrix[targets[q] * DIM + d] + 0.04f * (float) (random.nextDouble() * 2 - 1);
                queries[q * DIM + d] = v;
                norm += (double) v * v;
            }
            for (int d = 0; d < DIM; d++) {
                queries[q * DIM + d] /= (float) Math.sqrt(norm);
            }
        }
        String[] persons = new String[n];
        long[] counts = new long[n];
        for (int i = 0; i < n; i++) {
            persons[i] = "p" + i;
            counts[i] = 1;
        }
        ThresholdPolicy policy = ThresholdPolicy.fixed(0.35); // calibration is not what is measured
        VersionGallery simd = VersionGallery.of("bench", 0, persons, counts, matrix, DIM, policy, DotProduct.simd());
        VersionGallery plain = VersionGallery.of("bench", 0, persons, counts, matrix, DIM, policy, DotProduct.scalar());

        int[] simdTop = new int[probes];
        int[] plainTop = new int[probes];
        Timing simdTime = time(simd, queries, probes, simdTop);
        Timing plainTime = time(plain, queries, probes, plainTop);
        int agree = 0;
        for (int q = 0; q < probes; q++) {
            if (simdTop[q] != plainTop[q] || simdTop[q] != targets[q]) {
                throw new IllegalStateException("probe " + q + ": SIMD " + simdTop[q] + ", plain " + plainTop[q]
                        + ", enrolled as " + targets[q]);
            }
        }
        String faissMedian = "-";
        String faissRatio = "-";
        String same = "SIMD = plain";
        if (withFaiss) {
            JsonNode f = faiss(matrix, queries, n, probes);
            for (int q = 0; q < probes; q++) {
                agree += f.get("top1").get(q).asInt() == simdTop[q] ? 1 : 0;
            }
            double median = f.get("median_ms").asDouble();
            faissMedian = format(median);
            faissRatio = String.format(Locale.ROOT, "%.2f", median / simdTime.medianMs());
            same = "SIMD = plain, FAISS " + agree + "/" + probes;
        }
        System.out.printf(Locale.ROOT, "| %,d | %d | %s | %s | %s | %.2f | %s | %s |%n", n, probes,
                format(simdTime.medianMs()), format(plainTime.medianMs()), faissMedian,
                plainTime.medianMs() / simdTime.medianMs(), faissRatio, same);
    }

    /** Warms the JIT on the first probes, then times every probe on its own. */
    static Timing time(VersionGallery gallery, float[] queries, int probes, int[] top) {
        float[] probe = new float[DIM];
        int warm = Math.min(probes, 100);
        for (int round = 0; round < 3; round++) {
            for (int q = 0; q < warm; q++) {
                System.arraycopy(queries, q * DIM, probe, 0, DIM);
                gallery.best2(probe);
            }
        }
        double[] ms = new double[probes];
        for (int q = 0; q < probes; q++) {
            System.arraycopy(queries, q * DIM, probe, 0, DIM);
            long start = System.nanoTime();
            VersionGallery.Top2 result = gallery.best2(probe);
            ms[q] = (System.nanoTime() - start) / 1e6;
            top[q] = result.best();
        }
        return Timing.of(ms);
    }

    static float[] unitRows(SplittableRandom random, int rows) {
        float[] m = new float[Math.multiplyExact(rows, DIM)];
        for (int r = 0; r < rows; r++) {
            double norm = 0;
            for (int d = 0; d < DIM; d++) {
                float v = (float) (random.nextDouble() * 2 - 1);
                m[r * DIM + d] = v;
                norm += (double) v * v;
            }
            float scale = (float) (1 / Math.sqrt(norm));
            for (int d = 0; d < DIM; d++) {
                m[r * DIM + d] *= scale;
            }
        }
        return m;
    }

    static JsonNode faiss(float[] matrix, float[] queries, int n, int probes) throws IOException, InterruptedException {
        Path gallery = WORK.resolve("gallery.f32");
        Path probeFile = WORK.resolve("probes.f32");
        try {
            write(gallery, matrix);
            write(probeFile, queries);
            Process p = new ProcessBuilder(PYTHON, FAISS_SCRIPT.toString(), gallery.toString(), probeFile.toString(),
                    String.valueOf(n), String.valueOf(DIM)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("FAISS run failed (exit " + p.exitValue() + "): " + out);
            }
            JsonNode result = new ObjectMapper().readTree(out);
            if (result.get("top1").size() != probes) {
                throw new IllegalStateException("FAISS answered " + result.get("top1").size() + " probes of " + probes);
            }
            return result;
        } finally {
            Files.deleteIfExists(gallery);
            Files.deleteIfExists(probeFile);
        }
    }

    static void write(Path file, float[] values) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < values.length; ) {
                buf.clear();
                int count = Math.min(buf.capacity() / Float.BYTES, values.length - i);
                buf.asFloatBuffer().put(values, i, count);
                buf.limit(count * Float.BYTES);
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
                i += count;
            }
        }
    }

    /** FAISS's version, or null (with the reason on stderr) when it cannot be imported. */
    static String faissVersion() throws InterruptedException {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import faiss; print(faiss.__version__)")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() == 0) {
                return out;
            }
            System.err.println("FAISS skipped: " + PYTHON + " cannot import faiss (apt-get install -y python3-faiss): "
                    + out.lines().reduce((a, b) -> b).orElse(""));
        } catch (IOException e) {
            System.err.println("FAISS skipped: " + PYTHON + " cannot be run: " + e.getMessage());
        }
        return null;
    }

    static String cpu() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String format(double ms) {
        return ms < 1 ? String.format(Locale.ROOT, "%.3f", ms) : String.format(Locale.ROOT, "%.1f", ms);
    }

    private IdentificationBenchmark() {
    }
}
