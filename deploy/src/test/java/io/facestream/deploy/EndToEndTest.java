package io.facestream.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly the README's run command's path, with a smaller job: the launcher starts the real broker and the four
 * services, enrols people, trains a small model over REST on the enrollments in Kafka, the converter publishes it
 * as int8, the embedder loads it and builds its gallery, held-out images stream through as frames, and every one of
 * them gets an identity answer. Real face crops when ../shared/data/lfw112 exists, else the job's synthetic
 * identities.
 */
class EndToEndTest {

    private static final Pattern SUMMARY = Pattern.compile(
            "identified (\\d+) of (\\d+) probes with model \\S+: enrolled people (\\d+)/(\\d+) right "
                    + "\\(rank-1 [0-9.]+%\\), never-enrolled people (\\d+)/(\\d+) answered unknown");

    @Test
    void the_run_command_enrols_trains_converts_embeds_and_identifies(@TempDir Path data) throws Exception {
        Path home = Path.of("..").toAbsolutePath().normalize();
        Path faces = Path.of(System.getProperty("facestream.faces.dir", "../../shared/data/lfw112"));
        List<String> command = new ArrayList<>(List.of(ChildProcess.javaBinary(),
                "-cp", System.getProperty("java.class.path"), LocalSystem.class.getName(),
                "--home", home.toString(), "--data", data.resolve("run").toString(),
                "--kafka-port", String.valueOf(LocalSystemTest.freePorts(2)),
                "--http-port-base", String.valueOf(LocalSystemTest.freePorts(4)),
                "--people", "6", "--steps", "800", "--stop-after-job"));
        if (Files.isDirectory(faces)) {
            command.addAll(List.of("--faces", faces.toAbsolutePath().toString()));
        }
        Path out = data.resolve("launcher.out");
        Process launcher = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertTrue(launcher.waitFor(15, TimeUnit.MINUTES), "the job ends within 15 minutes");
            String output = Files.readString(out);
            System.out.println(output);
            assertEquals(0, launcher.exitValue(), "the launcher reports success");
            Matcher m = SUMMARY.matcher(output);
            assertTrue(m.find(), "the job prints its summary");
            int answered = Integer.parseInt(m.group(1));
            int probes = Integer.parseInt(m.group(2));
            int knownRight = Integer.parseInt(m.group(3));
            int known = Integer.parseInt(m.group(4));
            assertEquals(probes, answered, "every probe frame gets an identity answer");
            assertEquals(12, known, "six enrolled people, two held-out probes each");
            // well above chance (1 in 6) with a model trained for 800 steps; the figure itself is printed above
            assertTrue(knownRight >= 6, "at least half the enrolled people's probes are identified: " + knownRight);
            assertTrue(output.contains("stopped: no child process left"), "everything stops");
        } finally {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }
}
