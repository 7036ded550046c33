package io.facestream.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.deploy.ServiceLauncher.Service;
import io.facestream.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Sustained load, on demand (not a test): frames at a fixed rate for a number of minutes per step, the rate
 * multiplied at each step, against the local system (started here, with a small trained model, or already running
 * with a model served: {@code --attach}). Per step it measures the identities' throughput, the end-to-end latency
 * from a frame's send (its capturedAtMs) to its identity record's arrival here (p50, p99, max) and to the gallery's
 * match (the record's matchedAtMs, before the gallery's transaction commits: p50, p99), the consumer lag of
 * the embedder (faces.frames) and the gallery (faces.embeddings) as committed offsets against the read_committed end
 * offsets, sampled every 5 s, and each service's memory (RSS from /proc, heap in use from /q/metrics). A step is
 * sustained when every frame was answered, the p99 stayed within {@code --p99-bound-ms} and the lag at the step's
 * end was below two seconds' worth of frames; stepping stops after the first step that is not.
 * <pre>
 * LoadHarness [--home DIR] [--data DIR] [--kafka-port 9092] [--http-port-base 8081] [--attach] [--faces DIR]
 *             [--train-steps 200] [--rate 10] [--factor 2] [--steps 5] [--minutes 1] [--p99-bound-ms 2000]
 *             [--out FILE]
 * </pre>
 */
final class LoadHarness {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final String EMBEDDER_GROUP = "facestream-embedder";
    private static final String GALLERY_GROUP = "facestream-gallery";

    /** One step's figures. */
    record StepResult(double rate, int frames, double throughput, long p50, long p99, long max, long matchedP50,
                      long matchedP99, long embedderLagMax,
                      long embedderLagEnd, long galleryLagMax, long galleryLagEnd, int unanswered, int duplicates,
                      Map<String, String> memory, String loadAverage, boolean sustained) {
    }

    private final Map<String, String> options;
    private final int httpBase;

    private LoadHarness(Map<String, String> options) {
        this.options = options;
        this.httpBase = Integer.parseInt(options.getOrDefault("http-port-base", "8081"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--attach")) {
                options.put("attach", "true");
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                options.put(args[i].substring(2), args[++i]);
            } else {
                System.err.println("unknown argument " + args[i] + "; see LoadHarness's usage (deploy/load-test.sh)");
                System.exit(2);
            }
        }
        new LoadHarness(options).run();
        System.exit(0);
    }

    private void run() throws Exception {
        int kafkaPort = Integer.parseInt(options.getOrDefault("kafka-port", "9092"));
        double rate = Double.parseDouble(options.getOrDefault("rate", "10"));
        double factor = Double.parseDouble(options.getOrDefault("factor", "2"));
        int steps = Integer.parseInt(options.getOrDefault("steps", "5"));
        double minutes = Double.parseDouble(options.getOrDefault("minutes", "1"));
        long p99Bound = Long.parseLong(options.getOrDefault("p99-bound-ms", "2000"));
        Path faces = options.containsKey("faces") ? Path.of(options.get("faces")) : null;
        DemoData.Split data = faces != null ? DemoData.fromFolder(faces, 10, 3, 8, 2, 14)
                : DemoData.synthetic(10, 3, 10, 2, 42);

        LocalSystem system = null;
        if (!options.containsKey("attach")) {
            List<String> args = new ArrayList<>(List.of("--no-job", "--kafka-port", String.valueOf(kafkaPort),
                    "--http-port-base", String.valueOf(httpBase)));
            for (String o : List.of("home", "data")) {
                if (options.containsKey(o)) {
                    args.addAll(List.of("--" + o, options.get(o)));
                }
            }
            system = new LocalSystem(LocalSystem.Options.parse(args.toArray(String[]::new)));
            LocalSystem started = system;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "facestream-stop"));
            system.start();
            EndToEndJob job = new EndToEndJob(system.bootstrapServers(), url(Service.TRAINER, ""),
                    url(Service.EMBEDDER, ""), system.token());
            job.run(new EndToEndJob.Settings(data, "MobileFaceNet", 1.0, 64,
                    Integer.parseInt(options.getOrDefault("train-steps", "200")), "facestream-load"));
        }
        String bootstrap = "localhost:" + kafkaPort;
        HttpResponse<String> active = HTTP.send(HttpRequest.newBuilder(URI.create(url(Service.EMBEDDER,
                "/models/active"))).build(), HttpResponse.BodyHandlers.ofString());
        if (active.statusCode() != 200) {
            throw new IllegalStateException("the embedder serves no model (" + active.statusCode() + "): run the "
                    + "end-to-end job first");
        }
        String model = JSON.readTree(active.body()).path("version").asText();
        List<DemoData.Image> images = new ArrayList<>(data.probes());
        images.addAll(data.enrollments());
        log(String.format(Locale.ROOT, "load: model %s, %d distinct images (%s), steps of %.1f min from %.1f frames/s"
                + " times %.1f, p99 bound %d ms; load average %s", model, images.size(), data.description(), minutes,
                rate, factor, p99Bound, loadAverage()));

        List<StepResult> results = new ArrayList<>();
        try (FrameStream stream = new FrameStream(bootstrap, images);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (int step = 0; step < steps; step++, rate *= factor) {
                StepResult r = step(stream, admin, "load-" + step + "-", rate, (long) (minutes * 60_000), p99Bound);
                results.add(r);
                log(row(r));
                if (!r.sustained()) {
                    break;
                }
            }
        }
        String report = report(results, model, images.size(), p99Bound);
        System.out.println(report);
        if (options.containsKey("out")) {
            Files.writeString(Path.of(options.get("out")), report);
        }
        if (system != null) {
            system.stop();
        }
    }

    private StepResult step(FrameStream stream, Admin admin, String prefix, double rate, long durationMs,
                            long p99Bound) throws Exception {
        log(String.format(Locale.ROOT, "step: %.1f frames/s for %.1f min", rate, durationMs / 60_000.0));
        long start = System.currentTimeMillis();
        long recordsBefore = stream.identityRecords();
        stream.startPublishing(prefix, rate);
        long embedderMax = 0, galleryMax = 0, embedderEnd = 0, galleryEnd = 0;
        while (System.currentTimeMillis() - start < durationMs) {
            Thread.sleep(Math.min(5000, Math.max(1, durationMs - (System.currentTimeMillis() - start))));
            embedderEnd = lag(admin, EMBEDDER_GROUP, Topics.FRAMES.name());
            galleryEnd = lag(admin, GALLERY_GROUP, Topics.EMBEDDINGS.name());
            embedderMax = Math.max(embedderMax, embedderEnd);
            galleryMax = Math.max(galleryMax, galleryEnd);
        }
        long end = System.currentTimeMillis();
        long recordsInWindow = stream.identityRecords() - recordsBefore;
        Map<String, String> memory = memory();
        stream.stopPublishing();
        // what the window left in flight: up to a minute to drain before the next step
        FrameStream.await(() -> stream.unanswered().stream().noneMatch(id -> id.startsWith(prefix)), 60_000);

        List<Long> latencies = new ArrayList<>();
        List<Long> toMatch = new ArrayList<>();
        int frames = 0, unanswered = 0, duplicates = 0;
        for (Map.Entry<String, FrameStream.Sent> e : stream.sent().entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                continue;
            }
            frames++;
            FrameStream.Answer a = stream.answers().get(e.getKey());
            if (a == null) {
                unanswered++;
                continue;
            }
            duplicates += a.matches().size() - 1;
            latencies.add(a.firstArrivalMs() - e.getValue().sentAtMs);
            toMatch.add(a.matches().get(0).matchedAtMs() - e.getValue().sentAtMs);
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        long p50 = percentile(sorted, 0.50), p99 = percentile(sorted, 0.99);
        long max = sorted.length == 0 ? -1 : sorted[sorted.length - 1];
        long[] matched = toMatch.stream().mapToLong(Long::longValue).sorted().toArray();
        boolean sustained = unanswered == 0 && sorted.length > 0 && p99 <= p99Bound && embedderEnd + galleryEnd
                <= Math.max(2 * rate, 1);
        return new StepResult(rate, frames, recordsInWindow / ((end - start) / 1000.0), p50, p99, max,
                percentile(matched, 0.50), percentile(matched, 0.99), embedderMax,
                embedderEnd, galleryMax, galleryEnd, unanswered, duplicates, memory, loadAverage().split(" ")[0],
                sustained);
    }

    private static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    /** Records of the topic not yet committed by the group: read_committed end offsets minus committed offsets. */
    private static long lag(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> request = committed.keySet().stream()
                .filter(tp -> tp.topic().equals(topic))
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        if (request.isEmpty()) {
            return 0;
        }
        var ends = admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(10, TimeUnit.SECONDS);
        long lag = 0;
        for (TopicPartition tp : request.keySet()) {
            OffsetAndMetadata c = committed.get(tp);
            lag += Math.max(0, ends.get(tp).offset() - (c == null ? 0 : c.offset()));
        }
        return lag;
    }

    /** Per service: "RSS MB / heap MB" (RSS from /proc when the process is found on this machine, heap from /q/metrics). */
    private Map<String, String> memory() {
        Map<String, String> memory = new LinkedHashMap<>();
        for (Service s : Service.values()) {
            String rss = servicePid(s).map(LoadHarness::rssMb).map(mb -> String.format(Locale.ROOT, "%.0f", mb))
                    .orElse("?");
            String heap = heapMb(s).map(mb -> String.format(Locale.ROOT, "%.0f", mb)).orElse("?");
            memory.put(s.module.replace("-service", ""), rss + " / " + heap);
        }
        // the broker: known only when this harness started it
        ProcessHandle.current().descendants()
                .filter(p -> procFile(p.pid(), "cmdline").contains(BrokerMain.class.getName()))
                .findFirst().ifPresent(p -> memory.put("kafka", String.format(Locale.ROOT, "%.0f", rssMb(p.pid()))
                        + " / -"));
        return memory;
    }

    /** The service's JVM: the quarkus-run.jar of its module started with its port in the environment. */
    private Optional<Long> servicePid(Service s) {
        String jar = s.module + "/target/quarkus-app/quarkus-run.jar";
        String portEntry = s.portVariable + "=" + (httpBase + s.portOffset);
        return ProcessHandle.allProcesses()
                .filter(p -> procFile(p.pid(), "cmdline").stream().anyMatch(a -> a.endsWith(jar)))
                .filter(p -> procFile(p.pid(), "environ").contains(portEntry))
                .map(ProcessHandle::pid).findFirst();
    }

    /** The NUL-separated entries of /proc/PID/cmdline or environ (empty when unreadable). */
    private static List<String> procFile(long pid, String name) {
        try {
            return Arrays.asList(new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), name)),
                    StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static double rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        return Double.NaN;
    }

    /** Heap in use: the sum of the jvm_memory_used_bytes series with area="heap" on /q/metrics. */
    private Optional<Double> heapMb(Service s) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url(s, "/q/metrics")))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return Optional.empty();
            }
            double bytes = r.body().lines().filter(l -> l.startsWith("jvm_memory_used_bytes{")
                            && l.contains("area=\"heap\""))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            return bytes > 0 ? Optional.of(bytes / (1024 * 1024)) : Optional.empty();
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private String url(Service s, String path) {
        return "http://localhost:" + (httpBase + s.portOffset) + path;
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String row(StepResult r) {
        return String.format(Locale.ROOT, "| %.1f | %d | %.1f | %d | %d | %d | %d / %d | %d / %d | %d / %d | %d | %s | %s "
                        + "| %s |", r.rate(), r.frames(), r.throughput(), r.p50(), r.p99(), r.max(), r.matchedP50(),
                r.matchedP99(), r.embedderLagMax(),
                r.embedderLagEnd(), r.galleryLagMax(), r.galleryLagEnd(), r.unanswered(),
                r.memory().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", ")), r.loadAverage(), r.sustained() ? "yes" : "no");
    }

    private static String report(List<StepResult> results, String model, int images, long p99Bound) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Load run %s, model %s, %d distinct images, load average at the end %s%n%n",
                Instant.now(), model, images, loadAverage()));
        b.append("| offered frames/s | frames | identities/s | p50 ms | p99 ms | max ms | matched p50 / p99 ms "
                + "| embedder lag max / end "
                + "| gallery lag max / end | unanswered | memory MB, RSS / heap used | load average | sustained |\n");
        b.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|\n");
        results.forEach(r -> b.append(row(r)).append('\n'));
        StepResult best = null;
        for (StepResult r : results) {
            if (r.sustained()) {
                best = r;
            }
        }
        int duplicates = results.stream().mapToInt(StepResult::duplicates).sum();
        b.append(String.format(Locale.ROOT, "%nHighest sustained rate: %s (every frame answered, p99 <= %d ms, lag at "
                        + "the step's end under two seconds of frames). Frames with more than one identity record: %d.%n",
                best == null ? "none of the steps" : String.format(Locale.ROOT, "%.1f frames/s", best.rate()),
                p99Bound, duplicates));
        return b.toString();
    }

    private static void log(String message) {
        System.out.println("[load] " + message);
        System.out.flush();
    }
}
