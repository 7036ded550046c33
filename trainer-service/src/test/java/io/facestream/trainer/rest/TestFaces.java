package io.facestream.trainer.rest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/** The LFW face crops (../shared/data/lfw112, read in place, never copied) and small views of them for tests. */
final class TestFaces {

    static final String SKIP_MESSAGE = "skipped: the LFW face crops (shared/data/lfw112) are not here; set the "
            + "system property facestream.faces.dir to their folder to run this test";

    private TestFaces() {
    }

    /** facestream.faces.dir (the parent pom sets it), else shared/data/lfw112 beside the repository; null if absent. */
    static Path dir() {
        String property = System.getProperty("facestream.faces.dir");
        return Stream.of(property, "../shared/data/lfw112", "../../shared/data/lfw112")
                .filter(Objects::nonNull).map(Path::of)
                .filter(p -> Files.isDirectory(p.resolve("train")))
                .findFirst().map(Path::toAbsolutePath).orElse(null);
    }

    /** The first count people (in name order) with at least min images. */
    static List<String> people(Path train, int min, int count) throws IOException {
        List<String> people = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(train)) {
            for (Path dir : dirs.sorted().toList()) {
                if (people.size() == count) {
                    break;
                }
                try (Stream<Path> files = Files.list(dir)) {
                    if (files.count() >= min) {
                        people.add(dir.getFileName().toString());
                    }
                }
            }
        }
        return people;
    }

    static long imageCount(Path train, List<String> people) throws IOException {
        long n = 0;
        for (String person : people) {
            try (Stream<Path> files = Files.list(train.resolve(person))) {
                n += files.count();
            }
        }
        return n;
    }

    /** A folder of links to these people's folders: a subset of the data without copying an image. */
    static Path linkedSubset(Path train, List<String> people, Path into) throws IOException {
        Files.createDirectories(into);
        for (String person : people) {
            Files.createSymbolicLink(into.resolve(person), train.resolve(person));
        }
        return into;
    }

    /**
     * An LFW pairs file over these people: each person's images 1 and 2 as a matched pair, and each person's image 1
     * with the next person's image 2 as a mismatched pair.
     */
    static Path pairsFile(List<String> people, Path file) throws IOException {
        StringBuilder text = new StringBuilder().append(people.size()).append('\n');
        for (String p : people) {
            text.append(p).append("\t1\t2\n");
        }
        for (int i = 0; i < people.size(); i++) {
            text.append(people.get(i)).append("\t1\t").append(people.get((i + 1) % people.size())).append("\t2\n");
        }
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    /** A scratch folder inside the build tree. */
    static Path scratch(String prefix) throws IOException {
        Path parent = Path.of(System.getProperty("facestream.test.tmp", "target/test-tmp"));
        Files.createDirectories(parent);
        return Files.createTempDirectory(parent, prefix);
    }
}
