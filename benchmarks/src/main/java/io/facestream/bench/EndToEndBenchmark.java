package io.facestream.bench;

import io.facestream.events.Topics;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.FrameEvent;
import io.facestream.events.domain.ModelArtifactEvent;
import io.facestream.events.domain.Sha256;
import io.facestream.events.messaging.TopicAdmin;
import io.facestream.kafka.testing.TestClients;
import io.facestream.kafka.testing.TestKafka;
import io.facestream.model.image.ImagePreprocessor;
import io.facestream.model.image.Preprocessing;
import io.facestream.tflite.runtime.TfliteEmbedder;
import io.facestream.tflite.runtime.TfliteOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The end-to-end step of a run (TFLite JVM): the embedder-service's rate from frames to embeddings through a real
 * broker, next to the raw interpreter loop on the same images in this JVM.
 *
 * <p>An in-JVM KRaft broker (kafka-test-support's TestKafka) and the packaged embedder-service as a child process
 * (its defaults: one worker, one interpreter thread, micro-batches of up to 16), serving the int8 artifact
 * announced on models.artifacts with a file: URL. Warm-up frames go first; then N face crops are published as
 * frames (faceCrop=true, JPEG) and the clock runs from the first send until the N-th embedding arrives on
 * faces.embeddings (read_committed). The raw loops run before and after the service on the same N images:
 * the interpreter alone on preprocessed tensors, and JPEG decode + preprocessing + interpreter, both in batches of
 * the service's max-batch on one thread. Writes e2e.properties.
 *
 * <p>Usage: EndToEndBenchmark --dir RUN_DIR --faces LFW112_DIR --service-jar QUARKUS_RUN_JAR [--frames 1000]
 * [--warmup-frames 200] [--backbone MobileFaceNet]
 */
public final class EndToEndBenchmark {

    private static final int MAX_BATCH = 16;
    /** Images of the raw loops' untimed first pass. */
    private static final int RAW_WARMUP_IMAGES = 160;
    private static final Duration SERVICE_START_TIMEOUT = Duration.ofMinutes(4);

    private EndToEndBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, List<String>> options = Args.parse(args,
                List.of("dir", "faces", "service-jar", "frames", "warmup-frames", "backbone"));
        Path dir = Path.of(Args.one(options, "dir", null));
        Path faces = Path.of(Args.one(options, "faces", null));
        Path serviceJar = Path.of(Args.one(options, "service-jar", null));
        int frames = Integer.parseInt(Args.one(options, "frames", "1000"));
        int warmupFrames = Integer.parseInt(Args.one(options, "warmup-frames", "200"));
        String backbone = Args.one(options, "backbone", "MobileFaceNet");
        if (!Files.isRegularFile(serviceJar)) {
            throw new IllegalArgumentException(serviceJar + " is missing: package embedder-service first");
        }
        Path model = BenchModels.tflite(dir, backbone, "int8");
        Properties result = new Properties();

        FaceCrops crops = FaceCrops.load(faces, frames);
        ImagePreprocessor preprocessor = new ImagePreprocessor(Preprocessing.minusOneToOne(BenchModels.INPUT_SIZE));
        int length = preprocessor.tensorLength();
        float[] tensors = new float[frames * length];
        for (int i = 0; i < frames; i++) {
            preprocessor.writeTensor(preprocessor.decoder().decode(crops.jpegs().get(i)), tensors, i * length);
        }
        System.out.printf("end to end: %s int8, %d frames (%s)%n", backbone, frames, crops.source());

        try (TfliteEmbedder embedder = TfliteEmbedder.load(model, TfliteOptions.threads(1))) {
            rawLoops("before", embedder, tensors, crops.jpegs(), preprocessor, result);

            System.setProperty("facestream.test.kafka.docker", "false"); // the in-JVM broker, not a Docker check
            String bootstrap = TestKafka.bootstrapServers();
            TopicAdmin.ensureSystemTopics(Map.of("bootstrap.servers", bootstrap));
            String run = UUID.randomUUID().toString().substring(0, 8);
            byte[] bytes = Files.readAllBytes(model);
            ModelArtifactEvent artifact = new ModelArtifactEvent("bench-face", "bench-" + backbone + "-int8-" + run,
                    backbone, "ARCFACE", "int8", List.of(BenchModels.INPUT_SIZE, BenchModels.INPUT_SIZE, 3),
                    preprocessor.preprocessing(), BenchModels.EMBEDDING_SIZE, bytes.length, Sha256.of(bytes),
                    Map.of(), model.toUri().toString(), System.currentTimeMillis());
            try (KafkaProducer<String, ModelArtifactEvent> p = TestClients.producer(new StringSerializer(),
                    Topics.ARTIFACTS.valueSerde().serializer())) {
                p.send(new ProducerRecord<>(Topics.ARTIFACTS.name(), artifact.modelName(), artifact)).get();
            }

            int port = freePort();
            Process service = startService(serviceJar, bootstrap, port, dir);
            try {
                awaitActive(port, artifact.version(), service);
                try (KafkaConsumer<String, EmbeddingEvent> consumer = embeddingConsumer(bootstrap)) {
                    long warm = publishAndAwait(consumer, crops.jpegs(), warmupFrames, run + "-w-");
                    System.out.printf(Locale.ROOT, "service warm-up: %d frames in %.1f s%n", warmupFrames, warm / 1e9);
                    long nanos = publishAndAwait(consumer, crops.jpegs(), frames, run + "-m-");
                    double rate = frames / (nanos / 1e9);
                    result.setProperty("e2e.faces_per_s", format(rate));
                    result.setProperty("e2e.seconds", format(nanos / 1e9));
                    System.out.printf(Locale.ROOT, "service end to end: %d frames -> embeddings in %.2f s: "
                            + "%.1f faces/s%n", frames, nanos / 1e9, rate);
                }
            } finally {
                stop(service);
            }
            rawLoops("after", embedder, tensors, crops.jpegs(), preprocessor, result);
        }
        result.setProperty("backbone", backbone);
        result.setProperty("frames", Integer.toString(frames));
        result.setProperty("warmup_frames", Integer.toString(warmupFrames));
        result.setProperty("max_batch", Integer.toString(MAX_BATCH));
        result.setProperty("images", crops.source());
        result.setProperty("broker", TestKafka.kind().toString());
        result.setProperty("natives", NativeLibraries.requireOnly(NativeLibraries.Runtime.TFLITE));
        try (Writer w = Files.newBufferedWriter(dir.resolve("e2e.properties"))) {
            result.store(w, "written by EndToEndBenchmark");
        }
        System.exit(0); // the in-JVM broker's threads would keep the JVM alive; its shutdown hook stops it
    }

    /** The raw loops' rates (faces/s) over all the images, after an untimed pass over the first ones. */
    private static void rawLoops(String when, TfliteEmbedder embedder, float[] tensors, List<byte[]> jpegs,
                                 ImagePreprocessor preprocessor, Properties result) {
        int count = jpegs.size();
        int length = preprocessor.tensorLength();
        double interpreter = 0;
        double decoding = 0;
        for (boolean warmUp : new boolean[] {true, false}) {
            int images = warmUp ? Math.min(count, RAW_WARMUP_IMAGES) : count;
            long t0 = System.nanoTime();
            for (int first = 0; first < images; first += MAX_BATCH) {
                int n = Math.min(MAX_BATCH, images - first);
                float[] batch = new float[n * length];
                System.arraycopy(tensors, first * length, batch, 0, n * length);
                embedder.embed(batch, n);
            }
            long t1 = System.nanoTime();
            for (int first = 0; first < images; first += MAX_BATCH) {
                int n = Math.min(MAX_BATCH, images - first);
                float[] batch = new float[n * length];
                for (int i = 0; i < n; i++) {
                    preprocessor.writeTensor(preprocessor.decoder().decode(jpegs.get(first + i)), batch, i * length);
                }
                embedder.embed(batch, n);
            }
            long t2 = System.nanoTime();
            interpreter = images / ((t1 - t0) / 1e9);
            decoding = images / ((t2 - t1) / 1e9);
        }
        result.setProperty("raw." + when + ".faces_per_s", format(interpreter));
        result.setProperty("decode_raw." + when + ".faces_per_s", format(decoding));
        System.out.printf(Locale.ROOT, "raw loop %s: interpreter %.1f faces/s, decode + preprocess + interpreter "
                + "%.1f faces/s%n", when, interpreter, decoding);
    }

    private static Process startService(Path jar, String bootstrap, int port, Path dir) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g",
                "-Dkafka.bootstrap.servers=" + bootstrap,
                "-Dquarkus.http.port=" + port,
                "-Dembedder.allow-file-urls=true",
                "-Dembedder.model-cache-dir=" + dir.resolve("embedder-models").toAbsolutePath(),
                "-Dembedder.workers=1",
                "-Dembedder.interpreter-threads=1",
                "-Dembedder.max-batch=" + MAX_BATCH,
                "-jar", jar.toAbsolutePath().toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("embedder-service.log").toFile());
        Process p = pb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        System.out.println("embedder-service started (pid " + p.pid() + ", log " + dir.resolve("embedder-service.log")
                + ")");
        return p;
    }

    private static void awaitActive(int port, String version, Process service) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/models/active"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + SERVICE_START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new IllegalStateException("embedder-service exited with " + service.exitValue()
                        + ": see its log");
            }
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"" + version + "\"")) {
                    return;
                }
            } catch (IOException notYetListening) {
                // the service is still starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("embedder-service did not serve " + version + " within "
                + SERVICE_START_TIMEOUT);
    }

    private static KafkaConsumer<String, EmbeddingEvent> embeddingConsumer(String bootstrap) {
        KafkaConsumer<String, EmbeddingEvent> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), Topics.EMBEDDINGS.valueSerde().deserializer());
        consumer.subscribe(List.of(Topics.EMBEDDINGS.name()));
        return consumer;
    }

    /**
     * Publishes count frames (ids prefix + i) from another thread and returns the nanoseconds from the first send
     * until the embedding of every one of them has arrived.
     */
    private static long publishAndAwait(KafkaConsumer<String, EmbeddingEvent> consumer, List<byte[]> jpegs, int count,
                                        String prefix) throws Exception {
        Set<String> waiting = new HashSet<>();
        for (int i = 0; i < count; i++) {
            waiting.add(prefix + i);
        }
        consumer.poll(Duration.ofMillis(100)); // joins the group before the clock starts
        long t0 = System.nanoTime();
        Thread sender = new Thread(() -> {
            try (KafkaProducer<String, FrameEvent> p = TestClients.producer(new StringSerializer(),
                    Topics.FRAMES.valueSerde().serializer())) {
                for (int i = 0; i < count; i++) {
                    String source = "bench-camera-" + (i % 6);
                    p.send(new ProducerRecord<>(Topics.FRAMES.name(), source, new FrameEvent(prefix + i, source,
                            System.currentTimeMillis(), "image/jpeg", true, jpegs.get(i % jpegs.size()))));
                }
            }
        }, "frame-sender");
        sender.start();
        long deadline = t0 + TimeUnit.MINUTES.toNanos(10);
        while (!waiting.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(waiting.size() + " of " + count + " embeddings did not arrive");
            }
            for (ConsumerRecord<String, EmbeddingEvent> r : consumer.poll(Duration.ofMillis(50))) {
                waiting.remove(r.value().eventId());
            }
        }
        long nanos = System.nanoTime() - t0;
        sender.join();
        return nanos;
    }

    private static void stop(Process service) throws InterruptedException {
        service.destroy();
        if (!service.waitFor(30, TimeUnit.SECONDS)) {
            service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
