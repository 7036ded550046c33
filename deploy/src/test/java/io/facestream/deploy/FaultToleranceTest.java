package io.facestream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facestream.deploy.ServiceLauncher.Service;
import io.facestream.events.Topics;
import io.facestream.events.domain.EnrollmentEvent;
import io.facestream.events.domain.IdentityMatch;
import io.facestream.events.domain.ModelArtifactEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Crashes against the real local system (the launcher's KRaft broker and the four packaged services as child
 * processes), started once; the faults run in sequence.
 * <ol>
 *   <li>The model path: the trainer is killed (SIGKILL) in the middle of a training run and the run is resumed from
 *       its last checkpoint after the restart; the converter is killed while it converts a checkpoint, and the
 *       redelivered checkpoint is converted again and published exactly once.</li>
 *   <li>The frame path, with frames streaming all the while: the broker is killed and started again, then the
 *       embedder, then the gallery. Every acknowledged frame gets exactly one identity record on faces.identities
 *       (read_committed), and the gallery gives the same probes the same answers after its restart.</li>
 * </ol>
 * Synthetic identities (DemoData): the counts, not the accuracy, are the point.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String MODEL = "fault-test";
    private static final int MAX_STEPS = 120;
    private static final int SAVE_STEPS = 60;

    @TempDir
    static Path data;
    static LocalSystem system;
    static DemoData.Split people;
    /** The model version the embedder serves once the model path has run (null when it failed). */
    static String servedVersion;

    @BeforeAll
    static void start() throws Exception {
        Path home = Path.of("..").toAbsolutePath().normalize();
        system = new LocalSystem(LocalSystem.Options.parse(new String[]{"--home", home.toString(),
                "--data", data.resolve("run").toString(),
                "--kafka-port", String.valueOf(LocalSystemTest.freePorts(2)),
                "--http-port-base", String.valueOf(LocalSystemTest.freePorts(4)), "--no-job"}));
        LocalSystem started = system;
        Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "facestream-stop")); // also on SIGTERM
        system.start();
        people = DemoData.synthetic(6, 2, 8, 2, 7);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.stop();
        }
    }

    @Test
    @Order(1)
    void trainer_and_converter_killed_mid_work_resume_and_publish_once() throws Exception {
        enrol(people);
        String runId = post(Service.TRAINER, "/training-runs", trainingRequest(), 201).path("id").asText();

        // the trainer dies in the middle of the run, once it has saved a checkpoint
        JsonNode beforeKill = poll(Service.TRAINER, "/training-runs/" + runId,
                r -> !r.path("lastCheckpoint").isNull() && !r.path("lastCheckpoint").isMissingNode()
                        || r.path("state").asText().matches("SUCCEEDED|FAILED|CANCELLED"), 300_000);
        assertEquals("RUNNING", beforeKill.path("state").asText(), "still training when killed: " + beforeKill);
        JsonNode checkpoint = beforeKill.path("lastCheckpoint");
        system.kill(Service.TRAINER);
        System.out.println("killed the trainer at step " + beforeKill.path("progress").path("step").asLong()
                + ", last checkpoint " + checkpoint.path("id").asText());
        system.restart(Service.TRAINER);
        JsonNode interrupted = get(Service.TRAINER, "/training-runs/" + runId);
        assertEquals("FAILED", interrupted.path("state").asText());
        assertTrue(interrupted.path("failureReason").asText().contains("interrupted"), interrupted.toString());
        post(Service.TRAINER, "/training-runs/" + runId + "/resume", null, 202);

        // the converter dies while it converts a checkpoint (past its download)
        Predicate<JsonNode> converting = c -> c.path("status").asText().equals("RUNNING")
                && !c.path("phase").asText().matches("QUEUED|DOWNLOADING");
        JsonNode conversions = poll(Service.CONVERTER, "/conversions", list -> {
            for (JsonNode c : list) {
                if (converting.test(c)) {
                    return true;
                }
            }
            return false;
        }, 300_000);
        system.kill(Service.CONVERTER);
        JsonNode killedConversion = null;
        for (JsonNode c : conversions) {
            if (converting.test(c)) {
                killedConversion = c;
            }
        }
        assertNotNull(killedConversion);
        System.out.println("killed the converter in phase " + killedConversion.path("phase").asText() + " of "
                + killedConversion.path("source").path("checkpointId").asText());
        system.restart(Service.CONVERTER);

        JsonNode done = poll(Service.TRAINER, "/training-runs/" + runId,
                r -> r.path("state").asText().matches("SUCCEEDED|FAILED|CANCELLED"), 600_000);
        assertEquals("SUCCEEDED", done.path("state").asText(), done.toString());
        JsonNode attempts = done.path("attempts");
        assertEquals(2, attempts.size(), attempts.toString());
        assertEquals(checkpoint.path("step").asLong(), attempts.get(1).path("startStep").asLong(),
                "the second attempt starts at the checkpoint's step");
        assertEquals(checkpoint.path("id").asText(), attempts.get(1).path("resumedFrom").asText());
        assertEquals(MAX_STEPS, done.path("lastCheckpoint").path("step").asLong());
        String finalVersion = runId + "." + done.path("lastCheckpoint").path("id").asText() + ".int8";

        // the embedder serves the run's final model (every checkpoint is converted: CONVERTER_CHECKPOINT_POLICY=every)
        poll(Service.EMBEDDER, "/models/active", m -> finalVersion.equals(m.path("version").asText()), 600_000);
        servedVersion = finalVersion;

        // the killed conversion is FAILED "interrupted"; its checkpoint was converted again and published once
        String killedCheckpoint = killedConversion.path("source").path("checkpointId").asText();
        conversions = get(Service.CONVERTER, "/conversions");
        int interruptedOnes = 0;
        int succeeded = 0;
        for (JsonNode c : conversions) {
            if (!killedCheckpoint.equals(c.path("source").path("checkpointId").asText())) {
                continue;
            }
            if (c.path("id").asText().equals(killedConversion.path("id").asText())) {
                assertEquals("FAILED", c.path("status").asText(), c.toString());
                assertTrue(c.path("reason").asText().startsWith("interrupted"), c.toString());
                interruptedOnes++;
            } else if (c.path("status").asText().equals("SUCCEEDED")) {
                // the final checkpoint is announced twice (at its save step and as final): when the kill hit it,
                // its second announcement is recognised as already published, which is not a second conversion
                if (c.path("reason").isNull() || c.path("reason").isMissingNode()) {
                    succeeded++;
                } else {
                    assertTrue(c.path("reason").asText().contains("already converted and published"), c.toString());
                }
            }
        }
        assertEquals(1, interruptedOnes);
        assertEquals(1, succeeded, "the redelivered checkpoint is converted again: " + conversions);
        Map<String, Integer> published = artifactVersions();
        System.out.println("artifacts published per version on " + Topics.ARTIFACTS.name() + ": " + published);
        String killedVersion = runId + "." + killedCheckpoint + ".int8";
        assertEquals(1, published.getOrDefault(killedVersion, 0), "the killed conversion's model published once");
        assertEquals(1, published.getOrDefault(finalVersion, 0), "the final model published once");
        published.forEach((version, n) -> assertEquals(1, n, version + " published " + n + " times"));
    }

    @Test
    @Order(2)
    void frames_stream_through_broker_embedder_and_gallery_crashes_one_identity_each() throws Exception {
        assumeTrue(servedVersion != null, "needs the served model of the first test");
        try (FrameStream stream = new FrameStream(system.bootstrapServers(), people.probes())) {
            List<IdentityMatch> before = stream.probeOnce("reference-before-", 120_000);
            assertNotNull(before, "every reference probe answered");

            stream.startPublishing("frame-", 20);
            awaitFlow(stream, "the start");

            system.killBroker();
            Thread.sleep(2000);
            system.startBroker();
            awaitFlow(stream, "the broker's restart");

            system.kill(Service.EMBEDDER);
            system.restart(Service.EMBEDDER);
            awaitFlow(stream, "the embedder's restart");

            system.kill(Service.GALLERY);
            system.restart(Service.GALLERY);
            awaitFlow(stream, "the gallery's restart");

            List<IdentityMatch> after = stream.probeOnce("reference-after-", 120_000);
            stream.stopPublishing();
            assertNotNull(after, "every reference probe answered after the restarts");
            for (int i = 0; i < before.size(); i++) {
                IdentityMatch a = before.get(i);
                IdentityMatch b = after.get(i);
                assertEquals(servedVersion, b.modelVersion());
                assertEquals(a.identity(), b.identity(), "probe " + i);
                assertEquals(a.bestCandidate(), b.bestCandidate(), "probe " + i);
                assertEquals(a.score(), b.score(), 1e-6, "probe " + i);
                assertEquals(a.threshold(), b.threshold(), "probe " + i);
            }

            FrameStream.await(() -> stream.unanswered().isEmpty(), 180_000);
            Map<String, FrameStream.Sent> sent = stream.sent();
            long acked = sent.values().stream().filter(s -> s.acked).count();
            long failed = sent.values().stream().filter(s -> s.failure != null).count();
            Map<String, FrameStream.Answer> answers = stream.answers();
            long duplicated = answers.values().stream().filter(a -> a.matches().size() > 1).count();
            long strangers = answers.keySet().stream().filter(id -> !sent.containsKey(id)).count();
            System.out.printf("frames sent %d, acknowledged %d, failed %d; identity records %d for %d frames; "
                            + "frames with more than one %d; unanswered %d; records of unknown frames %d%n",
                    sent.size(), acked, failed, stream.identityRecords(), answers.size(), duplicated,
                    stream.unanswered().size(), strangers);
            assertEquals(0, failed, "every frame acknowledged by the broker");
            assertEquals(List.of(), stream.unanswered(), "every acknowledged frame has an identity record");
            assertEquals(0, duplicated, "no frame has two identity records");
            assertEquals(0, strangers);
            assertEquals(acked, stream.identityRecords(), "one identity record per frame");

            // a read_uncommitted reader also sees the records of transactions the crashes aborted; the frame id
            // lets it drop them, and what it keeps is the committed answer
            Map<String, List<IdentityMatch>> uncommitted = identitiesReadUncommitted(sent.keySet());
            long extra = uncommitted.values().stream().mapToLong(l -> l.size() - 1).sum();
            System.out.printf("read_uncommitted: %d identity records for %d frames (%d from aborted transactions)%n",
                    uncommitted.values().stream().mapToLong(List::size).sum(), uncommitted.size(), extra);
            assertEquals(answers.keySet(), uncommitted.keySet());
            uncommitted.forEach((frame, matches) -> matches.forEach(m -> {
                IdentityMatch committed = answers.get(frame).matches().get(0);
                assertEquals(committed.identity(), m.identity(), frame);
                assertEquals(committed.score(), m.score(), 1e-6, frame);
            }));
        }
    }

    /** Every identity record of these frames on faces.identities, aborted transactions' included. */
    private static Map<String, List<IdentityMatch>> identitiesReadUncommitted(Set<String> frames) {
        Map<String, List<IdentityMatch>> byFrame = new HashMap<>();
        try (KafkaConsumer<String, IdentityMatch> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                Topics.IDENTITIES.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.IDENTITIES.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, IdentityMatch> r : consumer.poll(Duration.ofMillis(500))) {
                    if (frames.contains(r.value().frameId())) {
                        byFrame.computeIfAbsent(r.value().frameId(), f -> new ArrayList<>()).add(r.value());
                    }
                }
            }
        }
        return byFrame;
    }

    /** Waits until frames sent from now on get identity records again; prints how long that took. */
    private static void awaitFlow(FrameStream stream, String after) throws InterruptedException {
        long since = System.currentTimeMillis();
        assertTrue(FrameStream.await(() -> stream.answeredSince(since) >= 10, 240_000),
                "identities flow again after " + after);
        System.out.printf("identities flow again %.1f s after %s%n", (System.currentTimeMillis() - since) / 1000.0,
                after);
    }

    private static void enrol(DemoData.Split split) throws Exception {
        try (KafkaProducer<String, EnrollmentEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), Topics.ENROLLMENTS.valueSerde().serializer())) {
            for (DemoData.Image image : split.enrollments()) {
                EnrollmentEvent e = new EnrollmentEvent("fault-" + image.name(), image.person(),
                        System.currentTimeMillis(), image.contentType(), true, image.bytes());
                producer.send(new ProducerRecord<>(Topics.ENROLLMENTS.name(), e.subject(), e)).get();
            }
        }
    }

    private static ObjectNode trainingRequest() {
        ObjectNode body = JSON.createObjectNode()
                .put("backbone_type", "MobileFaceNet").put("alpha", 1.0).put("input_size", 64)
                .put("embd_shape", 128).put("head_type", "ArcHead").put("margin", 0.3).put("logist_scale", 16.0)
                .put("batch_size", 16).put("epochs", 1000).put("max_steps", MAX_STEPS).put("save_steps", SAVE_STEPS)
                .put("is_Adam", true).put("base_lr", 1e-3).put("validation_fraction", 0.0)
                .put("min_images_per_identity", 2).put("seed", 7).put("model_name", MODEL);
        body.putObject("dataset").put("type", "enrollments");
        return body;
    }

    /** Every ModelArtifactEvent on models.artifacts of this test's model, counted per version. */
    private static Map<String, Integer> artifactVersions() {
        Map<String, Integer> versions = new HashMap<>();
        try (KafkaConsumer<String, ModelArtifactEvent> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                Topics.ARTIFACTS.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.ARTIFACTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, ModelArtifactEvent> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() != null && MODEL.equals(r.value().modelName())) {
                        versions.merge(r.value().version(), 1, Integer::sum);
                    }
                }
            }
        }
        return versions;
    }

    /** A request to a service with the run's admin token (the trainer's writes need it). */
    private static HttpRequest.Builder request(Service s, String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + system.portOf(s) + path))
                .header("Authorization", "Bearer " + system.token());
    }

    private static JsonNode get(Service s, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(request(s, path).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), "GET " + path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private static JsonNode post(Service s, String path, JsonNode body, int expected)
            throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(request(s, path).header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, r.statusCode(), "POST " + path + ": " + r.body());
        return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
    }

    /** Polls a GET until its answer (200) satisfies the condition; fails after the time-out. */
    private static JsonNode poll(Service s, String path, Predicate<JsonNode> done, long timeoutMs)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        String last = "no answer";
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpResponse<String> r = HTTP.send(request(s, path).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 200) {
                    JsonNode node = JSON.readTree(r.body());
                    if (done.test(node)) {
                        return node;
                    }
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("GET " + path + " did not reach the expected state within " + timeoutMs + " ms; last: "
                + (last.length() > 2000 ? last.substring(0, 2000) : last));
    }
}
