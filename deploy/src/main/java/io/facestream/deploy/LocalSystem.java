package io.facestream.deploy;

import io.facestream.deploy.ServiceLauncher.Service;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The local run: an embedded KRaft Kafka broker and the four services as child processes, then a small end-to-end
 * job (enrol, train, convert, embed, identify), all stopped by Ctrl-C (or SIGTERM). Usage:
 * <pre>
 * LocalSystem [--home DIR] [--data DIR] [--kafka-port 9092] [--http-port-base 8081]
 *             [--faces DIR] [--people 10] [--steps 800] [--no-job] [--stop-after-job] [--stop-when-ready]
 * </pre>
 * --data holds the broker's logs, the services' state and logs (default .facestream under --home): delete it to
 * start from nothing. --faces is a folder of identity folders (such as ../shared/data/lfw112); without it the job
 * makes synthetic identities and says so.
 */
public final class LocalSystem {

    record Options(Path home, Path data, int kafkaPort, int httpPortBase, boolean stopWhenReady, boolean job,
                   boolean stopAfterJob, Path faces, int people, int steps) {

        static Options parse(String[] args) {
            Map<String, String> values = new LinkedHashMap<>();
            boolean stopWhenReady = false;
            boolean job = true;
            boolean stopAfterJob = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--stop-when-ready")) {
                    stopWhenReady = true;
                } else if (a.equals("--no-job")) {
                    job = false;
                } else if (a.equals("--stop-after-job")) {
                    stopAfterJob = true;
                } else if (a.equals("--help") || a.equals("-h")) {
                    throw new IllegalArgumentException("usage");
                } else if (a.startsWith("--") && i + 1 < args.length) {
                    values.put(a.substring(2), args[++i]);
                } else {
                    throw new IllegalArgumentException("unknown argument " + a);
                }
            }
            Path home = Path.of(values.getOrDefault("home", ".")).toAbsolutePath().normalize();
            Path data = values.containsKey("data") ? Path.of(values.get("data")).toAbsolutePath()
                    : home.resolve(".facestream");
            int kafkaPort = port(values.getOrDefault("kafka-port", "9092"), "kafka-port");
            int httpBase = port(values.getOrDefault("http-port-base", "8081"), "http-port-base");
            Path faces = values.containsKey("faces") ? Path.of(values.get("faces")).toAbsolutePath() : null;
            if (faces != null && !java.nio.file.Files.isDirectory(faces)) {
                throw new IllegalArgumentException("--faces " + faces + " is not a folder");
            }
            int people = count(values.getOrDefault("people", "10"), "people", 2, 1000);
            int steps = count(values.getOrDefault("steps", "800"), "steps", 1, 1_000_000);
            values.keySet().removeAll(List.of("home", "data", "kafka-port", "http-port-base", "faces", "people",
                    "steps"));
            if (!values.isEmpty()) {
                throw new IllegalArgumentException("unknown options " + values.keySet());
            }
            return new Options(home, data, kafkaPort, httpBase, stopWhenReady, job && !stopWhenReady, stopAfterJob,
                    faces, people, steps);
        }

        private static int count(String value, String name, int min, int max) {
            try {
                int n = Integer.parseInt(value);
                if (n < min || n > max) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be a whole number from " + min + " to " + max
                        + ", got " + value);
            }
        }

        private static int port(String value, String name) {
            try {
                int p = Integer.parseInt(value);
                if (p < 1 || p > 65530) {
                    throw new NumberFormatException();
                }
                return p;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be a port number, got " + value);
            }
        }
    }

    private final Options options;
    private final Map<Service, ChildProcess> services = new EnumMap<>(Service.class);
    /** The services' environment, kept to start a service again the same way. */
    private Map<String, String> serviceEnv;
    private LocalKafkaBroker kafka;
    /** This run's admin bearer token: the services accept it, the job sends it, the user is shown it. */
    private final String token = newToken();

    LocalSystem(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println((e.getMessage().equals("usage") ? "" : e.getMessage() + "\n")
                    + "usage: run-local.sh [--data DIR] [--kafka-port 9092] [--http-port-base 8081] [--faces DIR]\n"
                    + "                    [--people 10] [--steps 800] [--no-job] [--stop-after-job] [--stop-when-ready]");
            System.exit(2);
            return;
        }
        LocalSystem system = new LocalSystem(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            system.stop();
            stopped.countDown();
        }, "facestream-stop"));
        try {
            system.start();
        } catch (Exception e) {
            System.err.println("facestream: start failed: " + e.getMessage());
            System.exit(1);
        }
        if (options.stopWhenReady()) {
            System.exit(0); // runs the shutdown hook
        }
        if (options.job()) {
            int code = system.runJob();
            if (options.stopAfterJob()) {
                System.exit(code);
            }
        }
        System.out.println("Press Ctrl-C to stop everything.");
        stopped.await();
    }

    void start() throws Exception {
        long t0 = System.currentTimeMillis();
        kafka = new LocalKafkaBroker(options.data().resolve("kafka"), options.kafkaPort(), options.kafkaPort() + 1);
        log("starting Kafka (KRaft, single node) on " + kafka.bootstrapServers() + ", data in " + options.data());
        kafka.start(120_000);
        log("Kafka ready (pid " + kafka.pid() + ")");

        Map<String, String> env = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "GALLERY_STATE_DIR", options.data().resolve("gallery-state").toString(),
                "FACESTREAM_DATA_DIR", options.data().toString(),
                // the services find each other on this machine's ports
                "TRAINER_PUBLIC_URL", "http://localhost:" + portOf(Service.TRAINER),
                "CONVERTER_PUBLIC_URL", "http://localhost:" + portOf(Service.CONVERTER),
                "GALLERY_UI_TRAINER_URL", "http://localhost:" + portOf(Service.TRAINER),
                "GALLERY_UI_EMBEDDER_URL", "http://localhost:" + portOf(Service.EMBEDDER),
                // the live page (served by the gallery) calls the embedder and the trainer from the browser
                "FACESTREAM_CORS_ORIGINS", "http://localhost:" + portOf(Service.GALLERY),
                // the job's run has no validation split, so no checkpoint is marked best: convert every one
                "CONVERTER_CHECKPOINT_POLICY", "every");
        // the local broker speaks PLAINTEXT: TLS/SASL settings this shell has for a real cluster must not reach it
        env = new HashMap<>(env);
        env.put("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT");
        env.put("FACESTREAM_AUTH_TOKENS", "admin:" + token);
        env.put("FACESTREAM_AUTH_CLIENT_TOKEN", token);
        // one embedder instance: a name kept across its restarts lets a restarted embedder fence the dead one's
        // open transaction at once
        env.put("EMBEDDER_INSTANCE_ID", "local");
        serviceEnv = env;
        Map<Service, ChildProcess> started = new LinkedHashMap<>();
        for (Service s : Service.values()) {
            ChildProcess child = ServiceLauncher.start(options.home(), s, portOf(s), env, options.data());
            services.put(s, child);
            started.put(s, child);
            log("started " + s.module + " (pid " + child.pid() + ") on port " + portOf(s));
        }
        for (Map.Entry<Service, ChildProcess> e : started.entrySet()) {
            Service s = e.getKey();
            ServiceLauncher.awaitHealthy(e.getValue(), portOf(s), s.upPath, 180_000);
            log(s.module + " up: http://localhost:" + portOf(s) + s.upPath
                    + (s == Service.EMBEDDER ? " (ready once a model serves)" : ""));
        }
        log(String.format("all four services up in %.1f s; logs in %s", (System.currentTimeMillis() - t0) / 1000.0,
                options.data().resolve("logs")));
        log("admin token of this run (writes need it): export FACESTREAM_TOKEN=" + token);
    }

    /** The end-to-end job; 0 when it ran to the end and answered every probe, 1 otherwise. */
    int runJob() {
        try {
            DemoData.Split data = options.faces() != null
                    ? DemoData.fromFolder(options.faces(), options.people(), 3, 8, 2, 14)
                    : DemoData.synthetic(options.people(), 3, 10, 2, 42);
            EndToEndJob job = new EndToEndJob(kafka.bootstrapServers(), "http://localhost:" + portOf(Service.TRAINER),
                    "http://localhost:" + portOf(Service.EMBEDDER), token);
            EndToEndJob.Outcome o = job.run(new EndToEndJob.Settings(data, "MobileFaceNet", 1.0, 64, options.steps(),
                    "facestream-demo"));
            return o.answered() == o.probes() ? 0 : 1;
        } catch (Exception e) {
            log("the end-to-end job failed: " + e);
            return 1;
        }
    }

    int portOf(Service s) {
        return options.httpPortBase() + s.portOffset;
    }

    /** This run's admin bearer token (Authorization: Bearer TOKEN). */
    String token() {
        return token;
    }

    /** 32 random bytes, URL-safe Base64: a new token every run. */
    private static String newToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** SIGKILL to one service, as a crash: it closes nothing (fault tests). */
    synchronized void kill(Service s) throws InterruptedException {
        services.get(s).kill();
        log("killed " + s.module + " (SIGKILL)");
    }

    /** Starts a stopped service again with the same settings, data and port, and waits until it is up. */
    synchronized void restart(Service s) throws Exception {
        if (services.get(s).isAlive()) {
            throw new IllegalStateException(s.module + " is still running");
        }
        ChildProcess child = ServiceLauncher.start(options.home(), s, portOf(s), serviceEnv, options.data());
        services.put(s, child);
        ServiceLauncher.awaitHealthy(child, portOf(s), s.upPath, 180_000);
        log("restarted " + s.module + " (pid " + child.pid() + ")");
    }

    /** SIGKILL to the broker, as a crash: the services keep running and reconnect once it is back. */
    synchronized void killBroker() throws InterruptedException {
        kafka.kill();
        log("killed Kafka (SIGKILL)");
    }

    /** Starts the broker again on the same ports and logs (it recovers them) and waits until it answers. */
    synchronized void startBroker() throws Exception {
        kafka.start(120_000);
        log("Kafka restarted (pid " + kafka.pid() + ")");
    }

    /** Services first (they flush to Kafka as they close), then the broker. */
    synchronized void stop() {
        if (kafka == null) {
            return;
        }
        log("stopping...");
        services.values().parallelStream().forEach(ChildProcess::close);
        services.clear();
        kafka.close();
        kafka = null;
        log("stopped: no child process left");
    }

    static void log(String message) {
        System.out.println("[facestream] " + message);
        System.out.flush();
    }
}
