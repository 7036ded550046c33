package io.facestream.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad command lines end with exit code 2, the reason and the command's usage, before anything is contacted. */
class UsageErrorsTest {

    /** Nothing listens here: a command that got past its arguments would fail differently (exit 3). */
    private static final String NOWHERE = "127.0.0.1:9";

    private static void assertUsage(Cli.Result r, String reason, String usage) {
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains(reason), r.err());
        assertTrue(r.err().contains("Usage: facestream " + usage), r.err());
        assertEquals("", r.out());
    }

    @Test
    void aMissingFolder(@TempDir Path dir) {
        String missing = dir.resolve("nope").toString();
        assertUsage(Cli.run("publish", "frames", missing, "--source", "cam", "--bootstrap-servers", NOWHERE),
                "DIR " + missing + " does not exist", "publish frames");
        assertUsage(Cli.run("publish", "enrollments", missing, "--bootstrap-servers", NOWHERE),
                "DIR " + missing + " does not exist", "publish enrollments");
        assertUsage(Cli.run("publish", "video", missing, "--source", "cam", "--bootstrap-servers", NOWHERE),
                "FILE " + missing + " does not exist", "publish video");
    }

    @Test
    void aFileWhereAFolderIsExpected(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("a.jpg"), "x");
        assertUsage(Cli.run("publish", "frames", file.toString(), "--source", "cam", "--bootstrap-servers", NOWHERE),
                "is not a folder", "publish frames");
    }

    @Test
    void badRates(@TempDir Path dir) {
        for (String rate : new String[]{"fast", "0", "--rate=-5/s", "10/min", "1e9"}) {
            String option = rate.startsWith("--") ? rate : "--rate=" + rate;
            Cli.Result r = Cli.run("publish", "frames", dir.toString(), "--source", "cam", option,
                    "--bootstrap-servers", NOWHERE);
            assertUsage(r, "Invalid value for option '--rate'", "publish frames");
        }
        assertUsage(Cli.run("publish", "frames", dir.toString(), "--source", "cam", "--rate=fast",
                "--bootstrap-servers", NOWHERE), "'fast' is not a rate: write records a second, e.g. 10/s",
                "publish frames");
        assertUsage(Cli.run("publish", "frames", dir.toString(), "--source", "cam", "--rate=0",
                "--bootstrap-servers", NOWHERE), "'0': a rate must be above 0 and at most 100000 a second",
                "publish frames");
    }

    @Test
    void missingOptionsAndParameters(@TempDir Path dir) {
        assertUsage(Cli.run("publish", "frames", dir.toString()), "Missing required option: '--source=ID'",
                "publish frames");
        assertUsage(Cli.run("train", "start"), "Missing required option: '--config=FILE.json'", "train start");
        assertUsage(Cli.run("train", "follow"), "Missing required parameter: 'RUN_ID'", "train follow");
        assertUsage(Cli.run("artifacts", "download", "mf3k2a1b-4c9e0f"), "Missing required parameter: 'FILE'",
                "artifacts download");
    }

    @Test
    void badNumbers(@TempDir Path dir) throws IOException {
        Path video = Files.writeString(dir.resolve("clip.mp4"), "x");
        assertUsage(Cli.run("publish", "video", video.toString(), "--source", "cam", "--frame-step", "0",
                "--bootstrap-servers", NOWHERE), "--frame-step must be 1 or more, got 0", "publish video");
        assertUsage(Cli.run("follow", "identities", "--count", "0", "--bootstrap-servers", NOWHERE),
                "--count must be 1 or more, got 0", "follow identities");
        assertUsage(Cli.run("follow", "identities", "--count", "many", "--bootstrap-servers", NOWHERE),
                "Invalid value for option '--count'", "follow identities");
    }

    @Test
    void aMissingConfigFile(@TempDir Path dir) {
        String missing = dir.resolve("run.json").toString();
        assertUsage(Cli.run("train", "start", "--config", missing, "--trainer-url", "http://" + NOWHERE),
                "--config " + missing + " does not exist", "train start");
    }

    @Test
    void unknownCommandsAndMissingSubcommands() {
        assertUsage(Cli.run("publish", "photos", "x"), "Unmatched arguments from index 1: 'photos', 'x'",
                "publish");
        assertUsage(Cli.run("train"), "Missing required subcommand", "train");
        assertUsage(Cli.run(), "Missing required subcommand", "[-hV]");
    }

    @Test
    void anIdThatCouldLeaveItsPathIsRefused() {
        Cli.Result r = Cli.run("train", "follow", "../admin", "--trainer-url", "http://" + NOWHERE);
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("not a valid run id: '../admin'"), r.err());
    }

    @Test
    void helpIsNotAnError() {
        Cli.Result r = Cli.run("publish", "frames", "--help");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Usage: facestream publish frames"), r.out());
        assertTrue(r.out().contains("--whole-frames"), r.out());
        assertTrue(r.out().contains("5   publish: some files published, others skipped or failed"), r.out());
    }
}
