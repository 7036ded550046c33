package io.facestream.gallery.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stand-ins for embedder-service and trainer-service, so the live page has models and a training run to show: the
 * answers of GET /models, /models/active, /training-runs and /training-runs/{id}/events with the JSON names the real
 * services use (ModelStatus, ModelArtifactEvent, TrainingRun, RunProgress, ValidationFigures), from another origin
 * and with the CORS header the real services' CORS settings add. The page learns their URLs from gallery.ui.*.
 * A test field {@code Runnable stopFakeEmbedder} receives the action that takes the embedder away.
 */
public class FakeUpstreams implements QuarkusTestResourceLifecycleManager {

    public static final String MODEL_VERSION = "mobilefacenet-arcface-int8-v3";
    public static final String RUN_ID = "run-20261129-0007";
    /** Steps the fake training run streams, a loss for each. */
    public static final int STEPS = 60;

    private final ObjectMapper json = new ObjectMapper();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-upstream");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean embedderUp = new AtomicBoolean(true);
    private HttpServer embedder;
    private HttpServer trainer;

    @Override
    public Map<String, String> start() {
        try {
            embedder = server();
            embedder.createContext("/models", this::models);
            trainer = server();
            trainer.createContext("/training-runs", this::trainingRuns);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake upstream services", e);
        }
        return Map.of(
                "gallery.ui.embedder-url", "http://localhost:" + embedder.getAddress().getPort(),
                "gallery.ui.trainer-url", "http://localhost:" + trainer.getAddress().getPort());
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields((Runnable) this::stopEmbedder,
                f -> f.getName().equals("stopFakeEmbedder") && f.getType() == Runnable.class);
    }

    private void stopEmbedder() {
        if (embedderUp.getAndSet(false)) {
            embedder.stop(0);
        }
    }

    @Override
    public void stop() {
        stopEmbedder();
        trainer.stop(0);
        threads.shutdownNow();
    }

    private HttpServer server() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.setExecutor(threads);
        server.start();
        return server;
    }

    private void models(HttpExchange exchange) throws IOException {
        long now = System.currentTimeMillis();
        switch (exchange.getRequestURI().getPath()) {
            case "/models/active" -> send(exchange, artifact(now));
            case "/models" -> send(exchange, List.of(
                    status("mobilefacenet-arcface-int8-v2", "RETIRED", now - 3_600_000),
                    status(MODEL_VERSION, "READY", now - 60_000)));
            default -> send(exchange, 404, Map.of("error", "not here"));
        }
    }

    private static Map<String, Object> artifact(long now) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("modelName", "faces");
        a.put("version", MODEL_VERSION);
        a.put("backbone", "MobileFaceNet");
        a.put("head", "ArcFace");
        a.put("quantization", "int8");
        a.put("inputShape", List.of(112, 112, 3));
        a.put("preprocessing", Map.of("inputSize", 112, "colorOrder", "RGB", "scale", 2 / 255.0, "offset", -1.0));
        a.put("embeddingSize", 512);
        a.put("sizeBytes", 1_243_184);
        a.put("sha256", "9f2c0c1e4b7a43f1d1c0e5f4a0b6d2c38e7f5a1b2c3d4e5f60718293a4b5c6d7");
        a.put("validation", Map.of("meanCosine", 0.9981, "lfwAccuracy", 0.9717));
        a.put("downloadUrl", "http://localhost:8082/artifacts/" + MODEL_VERSION + ".tflite");
        a.put("createdAtMs", now - 120_000);
        return a;
    }

    private static Map<String, Object> status(String version, String state, long changedAtMs) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("modelName", "faces");
        s.put("version", version);
        s.put("state", state);
        s.put("reason", null);
        s.put("changedAtMs", changedAtMs);
        s.put("galleryImages", 2);
        s.put("galleryExpected", 2);
        return s;
    }

    private void trainingRuns(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/training-runs")) {
            send(exchange, List.of(run()));
        } else if (path.equals("/training-runs/" + RUN_ID + "/events")) {
            streamEvents(exchange);
        } else {
            send(exchange, 404, Map.of("status", 404, "message", "no such run"));
        }
    }

    /** The run's state, then a progress event per step and a validation every 20 steps; left open as a live run. */
    private void streamEvents(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            int id = 0;
            event(out, ++id, "state", run());
            for (int step = 1; step <= STEPS; step++) {
                event(out, ++id, "progress", progress(step));
                if (step % 20 == 0) {
                    event(out, ++id, "validation", Map.of("epoch", step / 20, "step", step,
                            "loss", loss(step) + 0.35, "accuracy", 0.4 + step / 200.0, "best", true));
                }
                Thread.sleep(15);
            }
            Thread.sleep(120_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the page went away
        }
    }

    private void event(OutputStream out, int id, String name, Object data) throws IOException {
        out.write(("id: " + id + "\nevent: " + name + "\ndata: " + json.writeValueAsString(data) + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** A falling loss with some wobble, the same on every run. */
    static double loss(int step) {
        return 1.6 + 9.5 * Math.exp(-step / 18.0) + 0.25 * Math.sin(step * 1.7);
    }

    private static Map<String, Object> progress(int step) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("epoch", 1 + (step - 1) / 20);
        p.put("epochs", 5);
        p.put("step", step);
        p.put("totalSteps", 100);
        p.put("loss", loss(step));
        p.put("epochLoss", loss(step) + 0.2);
        p.put("accuracy", 0.3 + step / 200.0);
        p.put("learningRate", 0.01);
        p.put("imagesPerSecond", 212.5);
        p.put("etaSeconds", (100 - step) * 2);
        return p;
    }

    private static Map<String, Object> run() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", RUN_ID);
        r.put("modelName", "faces");
        r.put("state", "RUNNING");
        r.put("cancelRequested", false);
        r.put("createdAt", Instant.now().minusSeconds(600).toString());
        r.put("startedAt", Instant.now().minusSeconds(590).toString());
        r.put("finishedAt", null);
        r.put("failureReason", null);
        r.put("data", null);
        r.put("progress", null); // not started when listed; the events bring the steps
        r.put("lastValidation", null);
        r.put("bestCheckpoint", null);
        r.put("lastCheckpoint", null);
        r.put("attempts", List.of());
        r.put("request", Map.of("backbone_type", "MobileFaceNet", "head_type", "ArcHead"));
        return r;
    }

    private void send(HttpExchange exchange, Object body) throws IOException {
        send(exchange, 200, body);
    }

    private void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
