package io.facestream.trainer.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.facestream.events.Topics;
import io.facestream.events.domain.CheckpointEvent;
import io.facestream.events.domain.EnrollmentEvent;
import io.facestream.events.domain.Sha256;
import io.facestream.kafka.testing.KafkaTestResource;
import io.facestream.kafka.testing.TestClients;
import io.facestream.trainer.FreshDataDir;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Training through the REST API against the real broker: a small MobileNetV2 on real faces (a subset of lfw112,
 * linked, not copied) with a pairs set whose people are held out; its checkpoints announced on models.checkpoints
 * and downloaded with their digests; the server-sent events; cancel and resume; and a run on the labelled images
 * of faces.enrollments, queueing and cancelling a queued run on the way.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FreshDataDir.class)
class TrainingRunsKafkaTest {

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

    @TestHTTPResource("/")
    URL base;

    @Test
    void trainsOnRealFacesAnnouncesCheckpointsAndResumesAfterACancel() throws Exception {
        Path faces = TestFaces.dir();
        assumeTrue(faces != null, TestFaces.SKIP_MESSAGE);
        Path train = faces.resolve("train");
        List<String> people = TestFaces.people(train, 5, 30);
        List<String> trainingPeople = people.subList(0, 20);
        List<String> pairPeople = people.subList(20, 30);
        Path scratch = TestFaces.scratch("lfw-run-");
        Path subset = TestFaces.linkedSubset(train, people, scratch.resolve("train"));
        Path pairs = TestFaces.pairsFile(pairPeople, scratch.resolve("pairs.txt"));
        String body = """
                {"backbone_type": "MobileNetV2", "alpha": 0.35, "input_size": 64, "embd_shape": 64,
                 "batch_size": 32, "head_type": "ArcHead", "margin": 0.3, "logist_scale": 32, "base_lr": 0.05,
                 "validation_fraction": 0, "epochs": 100, "max_steps": 30, "save_steps": 10, "seed": 7,
                 "dataset": {"type": "folder", "path": "%s"},
                 "pairs": {"path": "%s"}, "hold_out_pairs_people": true, "model_name": "lfw-test"}"""
                .formatted(subset, pairs);

        Response created = given().contentType("application/json").body(body).post("/training-runs");
        created.then().statusCode(201);
        String id = created.jsonPath().getString("id");
        assertTrue(created.header("Location").endsWith("/training-runs/" + id), created.header("Location"));
        assertEquals("lfw-test", created.jsonPath().getString("modelName"));

        // follow the run; cancel it the moment its first checkpoint is announced on the stream
        AtomicBoolean cancelSent = new AtomicBoolean();
        HttpClient http = HttpClient.newHttpClient();
        SseReader sse = new SseReader(url("training-runs/" + id + "/events"), event -> {
            if (event.name().equals("checkpoint") && cancelSent.compareAndSet(false, true)) {
                http.sendAsync(HttpRequest.newBuilder(url("training-runs/" + id)).DELETE().build(),
                        HttpResponse.BodyHandlers.discarding());
            }
        });
        try (sse) {
            assertTrue(sse.awaitFirst(30), "the event stream answers");
            assertEquals(200, sse.status());
            JsonPath cancelled = awaitState(id, "CANCELLED");
            assertTrue(sse.awaitEnd(20), "the stream ends when the run does; events: " + sse.names());

            // the stream: the state first, the data, steps, the checkpoint, and the final state
            List<String> names = sse.names();
            assertEquals("state", names.get(0));
            assertTrue(names.containsAll(List.of("started", "progress", "checkpoint")), names.toString());
            SseReader.Event last = sse.events.get(sse.events.size() - 1);
            assertEquals("state", last.name());
            assertEquals("CANCELLED", last.data().path("state").asText());
            List<JsonNode> steps = sse.events.stream().filter(e -> e.name().equals("progress"))
                    .map(SseReader.Event::data).toList();
            assertEquals(1, steps.get(0).path("step").asLong());
            assertTrue(steps.get(0).path("imagesPerSecond").asDouble() > 0);
            double firstLosses = steps.subList(0, 5).stream().mapToDouble(p -> p.path("loss").asDouble())
                    .average().orElseThrow();

            // the pairs' people were held out: 20 people trained on, all of their images
            assertEquals(20, cancelled.getInt("data.classes"));
            assertEquals(TestFaces.imageCount(train, trainingPeople), cancelled.getLong("data.trainingImages"));
            long cancelStep = cancelled.getLong("lastCheckpoint.step");
            assertTrue(cancelStep >= 10 && cancelStep < 30, "cancelled at step " + cancelStep);
            assertTrue(cancelled.getBoolean("lastCheckpoint.finalCheckpoint"));
            assertEquals("CANCELLED", cancelled.getString("attempts[0].outcome"));

            given().delete("/training-runs/" + id).then().statusCode(409);

            // the first checkpoint: listed with its verification figures, downloadable with its digest
            List<Map<String, Object>> listed = given().get("/training-runs/" + id + "/checkpoints").then()
                    .statusCode(200).extract().jsonPath().getList("$");
            Map<String, Object> first = listed.get(0);
            assertEquals("ckpt-0000000010", first.get("id"));
            @SuppressWarnings("unchecked")
            Map<String, Number> metrics = (Map<String, Number>) first.get("metrics");
            assertTrue(metrics.keySet().containsAll(Set.of("train_loss", "verification_accuracy",
                    "verification_tar_at_far_1e-3", "verification_auc", "verification_threshold")), metrics.toString());
            Response download = given().get("/training-runs/" + id + "/checkpoints/ckpt-0000000010");
            download.then().statusCode(200);
            byte[] bytes = download.asByteArray();
            String sha = Sha256.of(bytes);
            assertEquals(first.get("sha256"), sha);
            assertEquals(sha, download.header("X-Checkpoint-SHA256"));
            assertEquals("\"" + sha + "\"", download.header("ETag"));
            assertEquals(((Number) first.get("sizeBytes")).longValue(), bytes.length);
            given().header("If-None-Match", "\"" + sha + "\"").get("/training-runs/" + id
                    + "/checkpoints/ckpt-0000000010").then().statusCode(304);
            byte[] png = given().get("/training-runs/" + id + "/checkpoints/ckpt-0000000010/roc.png").then()
                    .statusCode(200).contentType("image/png").extract().asByteArray();
            assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));

            // announced on models.checkpoints, downloadable from its URL with the digest it states
            List<ConsumerRecord<String, CheckpointEvent>> announced = checkpointEvents(id, 2);
            CheckpointEvent event = announced.get(0).value();
            assertEquals("ckpt-0000000010", event.checkpointId());
            assertEquals(10, event.step());
            assertEquals("lfw-test", event.modelName());
            assertEquals("MobileNetV2", event.backbone());
            assertEquals("ARCFACE", event.head());
            assertEquals(sha, event.sha256());
            assertTrue(event.metrics().containsKey("verification_accuracy"), event.metrics().toString());
            assertTrue(event.downloadUrl().endsWith("/training-runs/" + id + "/checkpoints/ckpt-0000000010"),
                    event.downloadUrl());
            byte[] fromUrl = http.send(HttpRequest.newBuilder(URI.create(event.downloadUrl())).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body();
            assertEquals(sha, Sha256.of(fromUrl));
            CheckpointEvent finalAtCancel = announced.get(1).value();
            assertEquals(cancelStep, finalAtCancel.step());
            assertTrue(finalAtCancel.finalCheckpoint());

            // resumed: a second attempt continues at the cancelled step and trains to the end
            given().post("/training-runs/" + id + "/resume").then().statusCode(202).body("state", is("QUEUED"));
            JsonPath done = awaitState(id, "SUCCEEDED");
            assertEquals(2, done.getList("attempts").size());
            assertEquals(cancelStep, done.getLong("attempts[1].startStep"));
            assertEquals(cancelled.getString("lastCheckpoint.id"), done.getString("attempts[1].resumedFrom"));
            assertEquals(30, done.getLong("progress.step"));
            assertEquals(30, done.getLong("lastCheckpoint.step"));
            double endLoss = done.getDouble("lastCheckpoint.metrics.train_loss");
            assertTrue(endLoss < firstLosses, "mean loss of steps 1-5 " + firstLosses + ", at step 30 " + endLoss);
            given().post("/training-runs/" + id + "/resume").then().statusCode(409);

            List<CheckpointEvent> all = checkpointEvents(id, 4).stream().map(ConsumerRecord::value).toList();
            CheckpointEvent end = all.get(all.size() - 1);
            assertEquals(30, end.step());
            assertTrue(end.finalCheckpoint());
            assertTrue(all.stream().anyMatch(e -> e.step() == 20), "a checkpoint at step 20 of the resumed attempt");
        }
    }

    @Test
    void trainsOnTheEnrollmentsTopicAndCancelsAQueuedRun() throws Exception {
        String tag = Long.toHexString(System.nanoTime());
        List<String> people = List.of("alice-" + tag, "bob-" + tag, "carol-" + tag);
        String deleted = "dave-" + tag;
        try (KafkaProducer<String, byte[]> producer = TestClients.producer(new StringSerializer(),
                new ByteArraySerializer())) {
            int colour = 0;
            for (String person : concat(people, deleted)) {
                colour++;
                for (int i = 0; i < 6; i++) {
                    EnrollmentEvent e = new EnrollmentEvent(person + "-" + i, person, System.currentTimeMillis(),
                            "image/png", true, png(colour, i));
                    producer.send(new ProducerRecord<>(Topics.ENROLLMENTS.name(), person,
                            Topics.ENROLLMENTS.valueSerde().serializer().serialize(Topics.ENROLLMENTS.name(), e)));
                }
            }
            producer.send(new ProducerRecord<>(Topics.ENROLLMENTS.name(), deleted, null)).get();
        }
        String body = """
                {"backbone_type": "MobileNetV2", "alpha": 0.35, "input_size": 32, "embd_shape": 16, "batch_size": 8,
                 "head_type": "ArcHead", "margin": 0.3, "logist_scale": 16, "validation_fraction": 0, "epochs": 1,
                 "max_steps": 2, "save_steps": 100, "dataset": {"type": "enrollments"}}""";
        String id = given().contentType("application/json").body(body).post("/training-runs").then()
                .statusCode(201).extract().jsonPath().getString("id");

        // one run at a time: a second waits, and cancelling it while it waits ends it at once
        String waiting = given().contentType("application/json").body(body).post("/training-runs").then()
                .statusCode(201).body("state", is("QUEUED")).extract().jsonPath().getString("id");
        given().delete("/training-runs/" + waiting).then().statusCode(202).body("state", is("CANCELLED"));
        given().get("/training-runs/" + waiting).then().statusCode(200).body("state", is("CANCELLED"))
                .body("attempts.size()", is(0));
        given().delete("/training-runs/" + waiting).then().statusCode(409);

        JsonPath done = awaitState(id, "SUCCEEDED");
        assertEquals(people.size(), done.getInt("data.classes"), done.prettify());
        assertEquals(6 * people.size(), done.getInt("data.trainingImages"));
        // dave, and any person another test class enrolled and deleted again on the shared topic
        assertTrue(done.getString("data.source").matches(".* [1-9]\\d* people deleted.*"),
                done.getString("data.source"));
        assertEquals(2, done.getLong("progress.step"));
        assertNotNull(done.getString("lastCheckpoint.sha256"));
        given().get("/training-runs/" + id + "/checkpoints/" + done.getString("lastCheckpoint.id") + "/roc.png")
                .then().statusCode(404);

        // a run cancelled before it wrote a checkpoint resumes from the start
        given().post("/training-runs/" + waiting + "/resume").then().statusCode(202);
        JsonPath resumed = awaitState(waiting, "SUCCEEDED");
        assertEquals(0, resumed.getLong("attempts[0].startStep"));
        given().get("/training-runs").then().statusCode(200)
                .body("id", org.hamcrest.Matchers.hasItems(id, waiting));
    }

    private JsonPath awaitState(String id, String state) throws InterruptedException {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        JsonPath run;
        do {
            Thread.sleep(250);
            run = given().get("/training-runs/" + id).then().statusCode(200).extract().jsonPath();
            String now = run.getString("state");
            if (now.equals(state)) {
                return run;
            }
            if (Set.of("FAILED", "SUCCEEDED", "CANCELLED").contains(now)) {
                throw new AssertionError("run " + id + " ended " + now + " (" + run.getString("failureReason")
                        + "), expected " + state);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("run " + id + " is still " + run.getString("state") + " after " + RUN_TIMEOUT);
    }

    private static List<ConsumerRecord<String, CheckpointEvent>> checkpointEvents(String runId, int expected) {
        List<ConsumerRecord<String, CheckpointEvent>> records = TestClients.read(Topics.CHECKPOINTS.name(),
                new StringDeserializer(), Topics.CHECKPOINTS.valueSerde().deserializer(),
                r -> runId.equals(r.key()), expected, Duration.ofSeconds(30));
        assertTrue(records.size() >= expected, "announced: " + records.stream().map(r -> r.value().checkpointId())
                .collect(Collectors.joining(", ")));
        return records;
    }

    private URI url(String path) {
        return URI.create(base.toString()).resolve(path);
    }

    private static List<String> concat(List<String> list, String one) {
        return java.util.stream.Stream.concat(list.stream(), java.util.stream.Stream.of(one)).toList();
    }

    /** A 32x32 PNG: the person's colour with noise, so each person's images look alike. */
    private static byte[] png(int colour, int index) throws IOException {
        Random random = new Random(colour * 100L + index);
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        int r = (colour * 80) % 256;
        int g = (colour * 150) % 256;
        int b = (colour * 40) % 256;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int n = random.nextInt(40) - 20;
                image.setRGB(x, y, (clamp(r + n) << 16) | (clamp(g + n) << 8) | clamp(b + n));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
