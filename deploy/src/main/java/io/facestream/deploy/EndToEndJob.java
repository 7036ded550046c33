package io.facestream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.events.Topics;
import io.facestream.events.domain.EnrollmentEvent;
import io.facestream.events.domain.FrameEvent;
import io.facestream.events.domain.IdentityMatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The small end-to-end job of the local run, through the real services and broker only: enrol people on
 * faces.enrollments, train a small model on those enrollments over REST, let the converter publish its int8
 * artifact and the embedder load it (building its gallery), then stream held-out images as frames and print the
 * identity matches as they arrive, with the accuracy seen.
 */
final class EndToEndJob {

    /** What the job is asked to do. */
    record Settings(DemoData.Split data, String backbone, double alpha, int inputSize, int steps, String modelName) {
    }

    /** What it saw. */
    record Outcome(int probes, int answered, int knownProbes, int knownCorrect, int unknownProbes,
                   int unknownRejected) {

        double rank1() {
            return knownProbes == 0 ? 0 : (double) knownCorrect / knownProbes;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String bootstrap;
    private final String trainerUrl;
    private final String embedderUrl;
    private final String token;

    /** @param token the bearer token sent to the services (an admin token: the job starts a training run) */
    EndToEndJob(String bootstrap, String trainerUrl, String embedderUrl, String token) {
        this.bootstrap = bootstrap;
        this.trainerUrl = trainerUrl;
        this.embedderUrl = embedderUrl;
        this.token = token;
    }

    Outcome run(Settings s) throws Exception {
        DemoData.Split data = s.data();
        log("data: " + data.description());
        log("enrolling " + data.enrollments().size() + " images of " + data.enrolledPeople().size() + " people on "
                + Topics.ENROLLMENTS.name());
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            int n = 0;
            for (DemoData.Image image : data.enrollments()) {
                EnrollmentEvent e = new EnrollmentEvent(run + "-" + image.name(), image.person(),
                        System.currentTimeMillis(), image.contentType(), true, image.bytes());
                producer.send(new ProducerRecord<>(Topics.ENROLLMENTS.name(), e.subject(),
                        Topics.ENROLLMENTS.valueSerde().serializer().serialize(Topics.ENROLLMENTS.name(), e)));
                n++;
            }
            producer.flush();
            log("enrolled " + n + " images");
        }

        String runId = startTraining(s);
        String version = awaitTrainingAndModel(runId, s.modelName());
        log("model " + version + " serves; streaming " + data.probes().size() + " held-out images as frames");
        return identify(data, run, version);
    }

    private String startTraining(Settings s) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode()
                .put("backbone_type", s.backbone()).put("alpha", s.alpha()).put("input_size", s.inputSize())
                .put("embd_shape", 128).put("head_type", "ArcHead").put("margin", 0.3).put("logist_scale", 16.0)
                .put("batch_size", 16).put("epochs", 1000).put("max_steps", s.steps()).put("save_steps", s.steps())
                .put("is_Adam", true).put("base_lr", 1e-3).put("validation_fraction", 0.0)
                .put("min_images_per_identity", 2).put("model_name", s.modelName());
        body.putObject("dataset").put("type", "enrollments");
        HttpResponse<String> r = http.send(request(trainerUrl + "/training-runs")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("the trainer refused the training run: " + r.statusCode() + " " + r.body());
        }
        String id = JSON.readTree(r.body()).path("id").asText();
        log("training run " + id + ": " + s.backbone() + " alpha " + s.alpha() + " at " + s.inputSize() + "px, "
                + s.steps() + " steps, ArcFace, on the enrollments in Kafka");
        return id;
    }

    /** Follows the run to its end, then waits for the embedder to serve the model converted from it. */
    private String awaitTrainingAndModel(String runId, String modelName) throws Exception {
        long lastPrint = 0;
        while (true) {
            JsonNode run = getJson(trainerUrl + "/training-runs/" + runId);
            String state = run.path("state").asText();
            JsonNode p = run.path("progress");
            if (!p.isMissingNode() && !p.isNull() && System.currentTimeMillis() - lastPrint > 5000) {
                lastPrint = System.currentTimeMillis();
                log(String.format("  training: step %d/%d, loss %.3f, %.0f images/s", p.path("step").asLong(),
                        p.path("totalSteps").asLong(), p.path("loss").asDouble(), p.path("imagesPerSecond").asDouble()));
            }
            if (state.equals("SUCCEEDED")) {
                break;
            }
            if (state.equals("FAILED") || state.equals("CANCELLED")) {
                throw new IllegalStateException("training run " + runId + " " + state + ": "
                        + run.path("failureReason").asText());
            }
            Thread.sleep(1000);
        }
        log("training done; waiting for the int8 artifact and the embedder (gallery build included)");
        long deadline = System.currentTimeMillis() + 600_000;
        while (System.currentTimeMillis() < deadline) {
            HttpResponse<String> r = http.send(request(embedderUrl + "/models/active").build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                JsonNode active = JSON.readTree(r.body());
                if (modelName.equals(active.path("modelName").asText())) {
                    return active.path("version").asText();
                }
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("the embedder did not serve a " + modelName + " model within 10 minutes");
    }

    private Outcome identify(DemoData.Split data, String run, String version) throws Exception {
        Map<String, DemoData.Image> byFrame = new HashMap<>();
        try (KafkaConsumer<String, IdentityMatch> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                Topics.IDENTITIES.valueSerde().deserializer());
             KafkaProducer<String, byte[]> producer = producer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.IDENTITIES.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // fix the start before the first frame goes out
            String source = "demo-camera-" + run;
            int i = 0;
            for (DemoData.Image image : data.probes()) {
                String frameId = run + "-probe-" + i++;
                byFrame.put(frameId, image);
                FrameEvent f = new FrameEvent(frameId, source, System.currentTimeMillis(), image.contentType(), true,
                        image.bytes());
                producer.send(new ProducerRecord<>(Topics.FRAMES.name(), source,
                        Topics.FRAMES.valueSerde().serializer().serialize(Topics.FRAMES.name(), f)));
            }
            producer.flush();

            int answered = 0, knownProbes = 0, knownCorrect = 0, unknownProbes = 0, unknownRejected = 0;
            long deadline = System.currentTimeMillis() + 120_000;
            java.util.Set<String> seen = new java.util.HashSet<>();
            while (seen.size() < byFrame.size() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, IdentityMatch> r : consumer.poll(Duration.ofMillis(500))) {
                    IdentityMatch m = r.value();
                    DemoData.Image truth = byFrame.get(m.frameId());
                    if (truth == null || !seen.add(m.frameId())) {
                        continue;
                    }
                    answered++;
                    boolean enrolled = data.enrolledPeople().contains(truth.person());
                    boolean right = enrolled ? truth.person().equals(m.identity()) : !m.known();
                    if (enrolled) {
                        knownProbes++;
                        knownCorrect += right ? 1 : 0;
                    } else {
                        unknownProbes++;
                        unknownRejected += right ? 1 : 0;
                    }
                    log(String.format("  %-26s -> %-26s score %.3f (best %s, runner-up %s, threshold %.3f) %s",
                            truth.person() + (enrolled ? "" : " (not enrolled)"), m.identity(), m.score(),
                            m.bestCandidate(), m.runnerUp(), m.threshold(), right ? "right" : "WRONG"));
                }
            }
            Outcome o = new Outcome(byFrame.size(), answered, knownProbes, knownCorrect, unknownProbes,
                    unknownRejected);
            log(String.format("identified %d of %d probes with model %s: enrolled people %d/%d right "
                            + "(rank-1 %.1f%%), never-enrolled people %d/%d answered unknown",
                    answered, o.probes(), version, knownCorrect, knownProbes, 100 * o.rank1(), unknownRejected,
                    unknownProbes));
            return o;
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024),
                new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer());
    }

    private JsonNode getJson(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(url).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
    }

    private static void log(String message) {
        System.out.println("[facestream] " + message);
        System.out.flush();
    }
}
