package io.facestream.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Starts one packaged Quarkus service (target/quarkus-app) as a child JVM and waits until it reports ready. */
final class ServiceLauncher {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ServiceLauncher() {
    }

    /**
     * The four services, in the order they are started, with their HTTP port environment variable and the health
     * endpoint that says they are up: the embedder is live from the start but ready only once a model serves.
     */
    enum Service {
        // the gallery scores with SIMD dot products where the incubating Vector API is enabled
        GALLERY("gallery-service", "GALLERY_HTTP_PORT", 3, "/q/health/ready", "--add-modules", "jdk.incubator.vector"),
        EMBEDDER("embedder-service", "EMBEDDER_HTTP_PORT", 2, "/q/health/live"),
        CONVERTER("converter-service", "CONVERTER_HTTP_PORT", 1, "/q/health/ready"),
        TRAINER("trainer-service", "TRAINER_HTTP_PORT", 0, "/q/health/ready");

        final String module;
        final String portVariable;
        final int portOffset;
        final String upPath;
        final List<String> jvmArgs;

        Service(String module, String portVariable, int portOffset, String upPath, String... jvmArgs) {
            this.module = module;
            this.portVariable = portVariable;
            this.portOffset = portOffset;
            this.upPath = upPath;
            this.jvmArgs = List.of(jvmArgs);
        }
    }

    static Path runnerJar(Path home, Service service) {
        Path jar = home.resolve(service.module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (mvn -DskipTests install)");
        }
        return jar;
    }

    static ChildProcess start(Path home, Service service, int port, Map<String, String> extraEnv, Path dataDir)
            throws IOException {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put(service.portVariable, String.valueOf(port));
        Path logs = Files.createDirectories(dataDir.resolve("logs"));
        List<String> command = new java.util.ArrayList<>(List.of(ChildProcess.javaBinary(), "-Xmx1g"));
        command.addAll(service.jvmArgs);
        command.addAll(List.of("-jar", runnerJar(home, service).toString()));
        return ChildProcess.start(service.module, command, env, dataDir, logs.resolve(service.module + ".log"));
    }

    /** Polls a health endpoint until it answers 200. */
    static void awaitHealthy(ChildProcess child, int port, String path, long timeoutMs) throws InterruptedException {
        URI ready = URI.create("http://localhost:" + port + path);
        long deadline = System.currentTimeMillis() + timeoutMs;
        String last = "no answer";
        while (System.currentTimeMillis() < deadline) {
            if (!child.isAlive()) {
                throw new IllegalStateException(child.name() + " exited during start; see " + child.log());
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(3)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(child.name() + " not ready within " + timeoutMs + " ms (" + last + "); see "
                + child.log());
    }
}
