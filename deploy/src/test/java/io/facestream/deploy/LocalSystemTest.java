package io.facestream.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's run command, minus the build: the launcher starts the real KRaft broker and the four packaged
 * services, waits until each answers ready, and on SIGTERM stops them all, leaving no process behind.
 */
class LocalSystemTest {

    @Test
    void starts_broker_and_four_services_then_stops_everything(@TempDir Path data) throws Exception {
        Path home = Path.of("..").toAbsolutePath().normalize();
        int kafkaPort = freePorts(2);
        int httpBase = freePorts(4);
        Path out = data.resolve("launcher.out");
        Process launcher = new ProcessBuilder(ChildProcess.javaBinary(),
                "-cp", System.getProperty("java.class.path"), LocalSystem.class.getName(),
                "--home", home.toString(), "--data", data.resolve("run").toString(),
                "--kafka-port", String.valueOf(kafkaPort), "--http-port-base", String.valueOf(httpBase))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            long deadline = System.currentTimeMillis() + 240_000;
            while (!Files.readString(out).contains("all four services up") && launcher.isAlive()
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(500);
            }
            String started = Files.readString(out);
            assertTrue(started.contains("all four services up"), started);
            List<ProcessHandle> children = launcher.descendants().toList();
            assertTrue(children.size() >= 5, "broker and four services run as children: " + children.size());

            launcher.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hook stops the children
            assertTrue(launcher.waitFor(90, TimeUnit.SECONDS), "launcher stopped");
            for (ProcessHandle child : children) {
                child.onExit().get(30, TimeUnit.SECONDS);
                assertTrue(!child.isAlive(), "child " + child.pid() + " is gone");
            }
            assertTrue(Files.readString(out).contains("stopped: no child process left"), Files.readString(out));
        } finally {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    @Test
    void bad_arguments_are_refused_with_usage() throws Exception {
        Process p = new ProcessBuilder(ChildProcess.javaBinary(), "-cp", System.getProperty("java.class.path"),
                LocalSystem.class.getName(), "--kafka-port", "not-a-port").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(2, p.waitFor());
        assertTrue(output.contains("--kafka-port must be a port number"), output);
        assertTrue(output.contains("usage:"), output);
    }

    /** The first of n consecutive ports that are free now. */
    static int freePorts(int n) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 20000 + (int) (Math.random() * 30000);
            List<ServerSocket> held = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    held.add(new ServerSocket(base + i));
                }
                return base;
            } catch (IOException busy) {
                // try another range
            } finally {
                for (ServerSocket s : held) {
                    s.close();
                }
            }
        }
        throw new IOException("no " + n + " consecutive free ports");
    }
}
