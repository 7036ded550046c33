package io.facestream.trainer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Gives the service an empty trainer.data-dir, so runs a previous test JVM left queued are not taken up again.
 * Under facestream.test.tmp (the build tree), never a shared /tmp folder.
 */
public class FreshDataDir implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        try {
            Path parent = Path.of(System.getProperty("facestream.test.tmp", "target/test-tmp"));
            Files.createDirectories(parent);
            return Map.of("trainer.data-dir", Files.createTempDirectory(parent, "trainer-data-").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // left for inspection; the build tree is cleaned with the build
    }
}
