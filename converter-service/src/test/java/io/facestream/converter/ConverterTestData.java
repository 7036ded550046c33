package io.facestream.converter;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Before the service starts: an empty data folder (so nothing from an earlier run is taken as already converted),
 * synthetic face crops in identity folders for calibration, and an LFW-format pairs file over them; the
 * converter is pointed at both.
 */
public class ConverterTestData implements QuarkusTestResourceLifecycleManager {

    public static final Path ROOT = Path.of("target", "converter-test");
    public static final Path DATA_DIR = ROOT.resolve("data");
    public static final int PEOPLE = 12;

    @Override
    public Map<String, String> start() {
        try {
            deleteTree(ROOT);
            Path faces = ROOT.resolve("faces");
            TestImages.writeFolders(faces, PEOPLE, 3, 72);
            TestImages.writePairs(ROOT.resolve("pairs.txt"), PEOPLE);
            return Map.of(
                    "converter.data-dir", DATA_DIR.toAbsolutePath().toString(),
                    "converter.calibration-dir", faces.toAbsolutePath().toString(),
                    "converter.pairs-file", ROOT.resolve("pairs.txt").toAbsolutePath().toString(),
                    "converter.pairs-images", faces.toAbsolutePath().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // the files stay for inspection after the run; the next run starts from nothing
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
