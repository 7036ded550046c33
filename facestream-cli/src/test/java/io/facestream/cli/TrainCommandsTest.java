package io.facestream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train start, follow, list and cancel against a stand-in trainer-service that answers as the real one does. */
class TrainCommandsTest {

    private static final String RUN = "run-20260601-101500-3fa2c1";

    private StubService trainer;

    @BeforeEach
    void start() throws IOException {
        trainer = new StubService();
    }

    @AfterEach
    void stop() {
        trainer.close();
    }

    /** A TrainingRun as trainer-service writes it. */
    static String run(String state, String failureReason, String progress) {
        return "{\"id\":\"" + RUN + "\",\"modelName\":\"faces-mobilefacenet\",\"state\":\"" + state
                + "\",\"cancelRequested\":false,\"createdAt\":\"2026-06-01T10:15:00Z\",\"startedAt\":null,"
                + "\"finishedAt\":null,\"failureReason\":" + (failureReason == null ? "null" : "\"" + failureReason
                + "\"") + ",\"data\":{\"source\":\"folder\",\"classes\":12,\"trainingImages\":96,"
                + "\"validationImages\":0,\"droppedIdentities\":0,\"stepsPerEpoch\":2,\"totalSteps\":4,"
                + "\"pretrained\":null},\"progress\":" + (progress == null ? "null" : progress)
                + ",\"lastValidation\":null,\"bestCheckpoint\":null,\"lastCheckpoint\":" + CHECKPOINT
                + ",\"attempts\":[],\"request\":{\"batch_size\":48}}";
    }

    private static final String CHECKPOINT = "{\"id\":\"ckpt-0000000004\",\"step\":4,\"epoch\":2,\"metrics\":"
            + "{\"train_loss\":0.5,\"verification_accuracy\":0.75},\"bestWhenSaved\":false,\"finalCheckpoint\":true,"
            + "\"sha256\":\"" + "a".repeat(64) + "\",\"sizeBytes\":1234,\"hasRoc\":true,\"attempt\":1,"
            + "\"createdAt\":\"2026-06-01T10:16:00Z\"}";

    /** A RunProgress event's data. */
    static String progress(int step, double loss) {
        return "{\"epoch\":" + ((step + 1) / 2) + ",\"epochs\":2,\"step\":" + step + ",\"totalSteps\":4,\"loss\":"
                + loss + ",\"epochLoss\":" + loss + ",\"accuracy\":0.25,\"learningRate\":0.001,"
                + "\"imagesPerSecond\":120.5,\"etaSeconds\":" + (4 - step) * 3 + "}";
    }

    @Test
    void startPostsTheConfigFileAndPrintsTheRunId(@TempDir Path dir) throws IOException {
        String config = "{\"backbone_type\": \"MobileFaceNet\", \"input_size\": 64, \"batch_size\": 48,\n"
                + " \"dataset\": {\"type\": \"folder\", \"path\": \"/data/faces/train\"}}";
        Path file = Files.writeString(dir.resolve("run.json"), config);
        trainer.on("POST", "/training-runs", StubService.json(201, run("QUEUED", null, null)));

        Cli.Result r = Cli.run("train", "start", "--config", file.toString(), "--trainer-url", trainer.url());

        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(RUN, r.out().strip());
        StubService.Request post = trainer.only("POST", "/training-runs");
        assertEquals(config, post.bodyText(), "the file is sent as it is");
        assertEquals("application/json", post.header("Content-Type"));
        assertTrue(r.err().contains("facestream train follow " + RUN), r.err());
    }

    @Test
    void startPrintsTheReasonOfARefusal(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("run.json"), "{\"batch_size\": 0}");
        trainer.on("POST", "/training-runs", StubService.json(400,
                "{\"status\":400,\"message\":\"batch_size must be at least 1, got 0\",\"field\":\"batch_size\"}"));

        Cli.Result r = Cli.run("train", "start", "--config", file.toString(), "--trainer-url", trainer.url());

        assertEquals(ExitCodes.FAILED, r.exitCode(), r.toString());
        assertTrue(r.err().contains("trainer-service answered 400: batch_size must be at least 1, got 0 "
                + "(field batch_size)"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void startRefusesAConfigThatIsNotJsonWithoutSendingIt(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("run.json"), "batch_size: 64");

        Cli.Result r = Cli.run("train", "start", "--config", file.toString(), "--trainer-url", trainer.url());

        assertEquals(ExitCodes.FAILED, r.exitCode(), r.toString());
        assertTrue(r.err().contains("is not readable JSON"), r.err());
        assertTrue(trainer.requests().isEmpty());
    }

    @Test
    void followShowsProgressAndEndsWithTheRunsSuccess() {
        trainer.on("GET", "/training-runs/" + RUN + "/events", StubService.events(
                "state", run("QUEUED", null, null),
                "state", run("RUNNING", null, null),
                "started", run("RUNNING", null, null),
                "progress", progress(1, 2.5),
                "progress", progress(2, 1.25),
                "validation", "{\"epoch\":1,\"step\":2,\"loss\":1.5,\"accuracy\":0.4,\"best\":true}",
                "progress", progress(3, 0.75),
                "progress", progress(4, 0.5),
                "checkpoint", run("RUNNING", null, progress(4, 0.5)),
                "state", run("SUCCEEDED", null, progress(4, 0.5))));

        Cli.Result r = Cli.run("train", "follow", RUN, "--trainer-url", trainer.url());

        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("run " + RUN + " SUCCEEDED at step 4 of 4, loss 0.5000"), r.out());
        assertTrue(r.err().contains("run " + RUN + " QUEUED"), r.err());
        assertTrue(r.err().contains("run " + RUN + " RUNNING"), r.err());
        assertTrue(r.err().contains("data: 12 identities, 96 training images"), r.err());
        assertTrue(r.err().contains("step 1/4 25%  epoch 1/2 loss 2.5000"), r.err());
        assertTrue(r.err().contains("step 4/4 100%  epoch 2/2 loss 0.5000"), r.err());
        assertTrue(r.err().contains("epoch 1 validation: loss 1.5000, accuracy 0.4000 (best so far)"), r.err());
        assertTrue(r.err().contains("checkpoint ckpt-0000000004 at step 4 (final), verification accuracy 0.7500"),
                r.err());
        assertEquals(1, trainer.requests().size(), "one stream, no reconnect");
    }

    @Test
    void followDrawsABarInPlaceWhenAsked() {
        trainer.on("GET", "/training-runs/" + RUN + "/events", StubService.events(
                "state", run("RUNNING", null, null),
                "progress", progress(2, 1.25),
                "state", run("SUCCEEDED", null, progress(4, 0.5))));

        Cli.Result r = Cli.run("train", "follow", RUN, "--progress", "bar", "--trainer-url", trainer.url());

        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().contains("\rstep [###############...............] 2/4 50%  epoch 1/2 loss 1.2500"),
                r.err());
    }

    @Test
    void aFailedRunExitsWithOneAndItsReason() {
        trainer.on("GET", "/training-runs/" + RUN + "/events", StubService.events(
                "state", run("RUNNING", null, null),
                "progress", progress(1, 2.5),
                "state", run("FAILED", "the loss diverged (NaN) at step 2", progress(1, 2.5))));

        Cli.Result r = Cli.run("train", "follow", RUN, "--trainer-url", trainer.url());

        assertEquals(ExitCodes.FAILED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FAILED at step 1 of 4, loss 2.5000: the loss diverged (NaN) at step 2"), r.out());
    }

    @Test
    void aCancelledRunExitsWithFour() {
        trainer.on("GET", "/training-runs/" + RUN + "/events", StubService.events(
                "state", run("CANCELLED", null, null)));

        Cli.Result r = Cli.run("train", "follow", RUN, "--trainer-url", trainer.url());

        assertEquals(ExitCodes.CANCELLED, r.exitCode(), r.toString());
        assertTrue(r.out().contains("run " + RUN + " CANCELLED"), r.out());
    }

    @Test
    void aStreamThatEndsEarlyIsFollowedByTheRunsState() {
        trainer.on("GET", "/training-runs/" + RUN + "/events", StubService.events(
                "state", run("RUNNING", null, null),
                "progress", progress(1, 2.5)));
        trainer.on("GET", "/training-runs/" + RUN, StubService.json(200, run("SUCCEEDED", null, progress(4, 0.5))));

        Cli.Result r = Cli.run("train", "follow", RUN, "--trainer-url", trainer.url());

        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("SUCCEEDED at step 4 of 4"), r.out());
    }

    @Test
    void followingAnUnknownRunFails() {
        Cli.Result r = Cli.run("train", "follow", "run-nope", "--trainer-url", trainer.url());

        assertEquals(ExitCodes.FAILED, r.exitCode(), r.toString());
        assertTrue(r.err().contains("trainer-service answered 404"), r.err());
    }

    @Test
    void listPrintsOneRowPerRun() {
        trainer.on("GET", "/training-runs", StubService.json(200, "[" + run("SUCCEEDED", null, progress(4, 0.5))
                + "," + run("QUEUED", null, null).replace(RUN, "run-2") + "]"));

        Cli.Result r = Cli.run("train", "list", "--trainer-url", trainer.url());

        assertEquals(0, r.exitCode(), r.toString());
        String[] lines = r.out().split("\n");
        assertEquals(3, lines.length, r.out());
        assertTrue(lines[0].matches("ID +STATE +MODEL +STEP +LOSS +CREATED"), lines[0]);
        assertTrue(lines[1].matches(RUN + " +SUCCEEDED +faces-mobilefacenet +4/4 +0\\.5000 +2026-06-01T10:15:00Z"),
                lines[1]);
        assertTrue(lines[2].matches("run-2 +QUEUED +faces-mobilefacenet +- +- +2026-06-01T10:15:00Z"), lines[2]);

        Cli.Result json = Cli.run("train", "list", "--json", "--trainer-url", trainer.url());
        JsonNode runs = parse(json.out());
        assertEquals(2, runs.size());
        assertEquals("run-2", runs.get(1).path("id").asText());
    }

    @Test
    void cancelSendsADeleteAndSaysWhatHappens() {
        trainer.on("DELETE", "/training-runs/" + RUN, StubService.json(202,
                run("RUNNING", null, progress(2, 1.0)).replace("\"cancelRequested\":false",
                        "\"cancelRequested\":true")));

        Cli.Result r = Cli.run("train", "cancel", RUN, "--trainer-url", trainer.url());

        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("stops after its current step"), r.out());
        trainer.only("DELETE", "/training-runs/" + RUN);
    }

    @Test
    void cancellingAFinishedRunFails() {
        trainer.on("DELETE", "/training-runs/" + RUN, StubService.json(409,
                "{\"status\":409,\"message\":\"run " + RUN + " has already finished (SUCCEEDED)\"}"));

        Cli.Result r = Cli.run("train", "cancel", RUN, "--trainer-url", trainer.url());

        assertEquals(ExitCodes.FAILED, r.exitCode(), r.toString());
        assertTrue(r.err().contains("answered 409: run " + RUN + " has already finished"), r.err());
    }

    @Test
    void anUnreachableTrainerIsExitCodeThree() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }

        Cli.Result r = Cli.run("train", "list", "--trainer-url", "http://127.0.0.1:" + port);

        assertEquals(ExitCodes.UNREACHABLE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("trainer-service is not reachable at http://127.0.0.1:" + port), r.err());
        assertFalse(r.err().contains("Exception\n\tat"), "no stack trace without --verbose");
    }

    static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
