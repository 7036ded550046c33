package io.facestream.model.eval;

import io.facestream.model.image.ImageDecoder;
import io.facestream.model.image.RgbImage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Command line: scores the eigenfaces baseline on a pairs set. PCA is fitted on the person folders of a training
 * folder, leaving out everyone the pairs file names; the figures are printed and the ROC curve written as a PNG.
 *
 * <p>From the repository root, on the lfw112 data (about 5 s of work after Maven's start with these settings):
 * <pre>
 * mvn -B -q -pl face-model compile exec:java -Dexec.mainClass=io.facestream.model.eval.EvaluateMain \
 *   -Dexec.args="--pairs ../shared/data/lfw112/pairsDevTrain.txt --train ../shared/data/lfw112/train \
 *   --size 32 --components 128 --crop 0.8 --roc target/eigenfaces-roc.png"
 * </pre>
 * A .bin set (insightface / arcface-tf2) is scored the same way with {@code --pairs lfw.bin}; it names no people,
 * so nothing can be held out and the training folder must not hold the set's people.
 */
public final class EvaluateMain {

    private static final String USAGE = """
            usage: EvaluateMain --pairs <pairs.txt | set.bin> --train <folder of person folders> [options]
              --images <dir>        image root of an LFW pairs file (default: the --train folder)
              --size <n>            side of the downsampled face, 16..1024 (default 32)
              --color gray|rgb      (default gray)
              --components <k>      principal components = embedding size (default 128)
              --no-whiten           keep the raw projections (default: whitened)
              --crop <f>            centre fraction of the face kept before downsampling (default 0.8)
              --max-train <n>       fit on at most n training images, a seeded random sample (default: all)
              --seed <n>            seed of that sample (default 1)
              --roc <png>           where to write the ROC curve (default target/eigenfaces-roc.png)""";

    private static final Set<String> KNOWN_OPTIONS = Set.of("pairs", "train", "images", "size", "color",
            "components", "no-whiten", "crop", "max-train", "seed", "roc");

    private EvaluateMain() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    static void run(String[] args) throws IOException {
        Map<String, String> options = parse(args);
        Path pairsFile = Path.of(required(options, "pairs"));
        Path trainDir = Path.of(required(options, "train"));
        Path imageRoot = Path.of(options.getOrDefault("images", trainDir.toString()));
        Eigenfaces.Options pcaOptions = new Eigenfaces.Options(
                integer(options, "size", 32),
                switch (options.getOrDefault("color", "gray")) {
                    case "gray", "grey" -> true;
                    case "rgb" -> false;
                    default -> throw new IllegalArgumentException("--color must be gray or rgb");
                },
                integer(options, "components", 128),
                !options.containsKey("no-whiten"),
                Double.parseDouble(options.getOrDefault("crop", "0.8")));
        int maxTrain = integer(options, "max-train", 0);
        Path rocFile = Path.of(options.getOrDefault("roc", "target/eigenfaces-roc.png"));

        long start = System.nanoTime();
        PairsSet pairs;
        Set<String> heldOut;
        if (pairsFile.getFileName().toString().endsWith(".bin")) {
            pairs = BinPairs.read(pairsFile);
            heldOut = Set.of();
            System.out.println("note: a .bin set names no people; " + trainDir + " must not hold its people");
        } else {
            LfwPairs lfw = LfwPairs.read(pairsFile, imageRoot);
            pairs = lfw;
            heldOut = lfw.people();
        }

        List<Path> training = trainingImages(trainDir, heldOut);
        int people = (int) training.stream().map(Path::getParent).distinct().count();
        if (maxTrain > 0 && training.size() > maxTrain) {
            training = new ArrayList<>(training);
            Collections.shuffle(training, new Random(integer(options, "seed", 1)));
            training = training.subList(0, maxTrain);
            people = (int) training.stream().map(Path::getParent).distinct().count();
        }
        System.out.printf(Locale.ROOT, "fitting eigenfaces on %d images of %d people (%d people of the pairs "
                + "held out)%n", training.size(), people, heldOut.size());
        ImageDecoder decoder = new ImageDecoder();
        List<Path> trainingList = training;
        long fitStart = System.nanoTime();
        Eigenfaces model = Eigenfaces.fit(() -> trainingList.stream().map(p -> decode(decoder, p)).iterator(),
                pcaOptions);
        double fitSeconds = (System.nanoTime() - fitStart) / 1e9;
        System.out.printf(Locale.ROOT, "model: eigenfaces %dx%d %s, %d components%s, crop %.2f, fitted in %.1f s%n",
                pcaOptions.size(), pcaOptions.size(), pcaOptions.grayscale() ? "grey" : "RGB",
                pcaOptions.components(), pcaOptions.whiten() ? ", whitened" : "", pcaOptions.crop(), fitSeconds);

        int[] lastTenth = {-1};
        VerificationResult result = new VerificationEvaluator(model, 64, true, decoder).evaluate(pairs,
                (done, total) -> {
                    int tenth = done * 10 / total;
                    if (tenth != lastTenth[0]) {
                        lastTenth[0] = tenth;
                        System.err.printf(Locale.ROOT, "embedded %d/%d images%n", done, total);
                    }
                });
        System.out.println(result.summary());
        RocPlot.write(rocFile, "Eigenfaces on " + pairs.name(), List.of(new RocPlot.Curve(String.format(Locale.ROOT,
                "eigenfaces %dx%d, %d components, accuracy %.4f", pcaOptions.size(), pcaOptions.size(),
                pcaOptions.components(), result.accuracy()), result.roc())));
        System.out.printf(Locale.ROOT, "ROC curve written to %s%ntotal time %.1f s%n", rocFile.toAbsolutePath(),
                (System.nanoTime() - start) / 1e9);
    }

    /** Every .jpg / .png under trainDir/<person>/, people in heldOut skipped, in name order. */
    static List<Path> trainingImages(Path trainDir, Set<String> heldOut) throws IOException {
        if (!Files.isDirectory(trainDir)) {
            throw new IOException("no training folder at " + trainDir.toAbsolutePath());
        }
        List<Path> images = new ArrayList<>();
        try (Stream<Path> people = Files.list(trainDir)) {
            for (Path person : people.filter(Files::isDirectory).sorted().toList()) {
                if (heldOut.contains(person.getFileName().toString())) {
                    continue;
                }
                try (Stream<Path> files = Files.list(person)) {
                    files.filter(EvaluateMain::isImage).sorted().forEach(images::add);
                }
            }
        }
        if (images.size() < 2) {
            throw new IOException("fewer than 2 training images left in " + trainDir + " after holding out "
                    + heldOut.size() + " people");
        }
        return images;
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png");
    }

    private static RgbImage decode(ImageDecoder decoder, Path file) {
        try {
            return decoder.decode(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot decode training image " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
            }
            String key = args[i].substring(2);
            if (!KNOWN_OPTIONS.contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key);
            }
            if (key.equals("no-whiten")) {
                options.put(key, "");
            } else if (i + 1 < args.length) {
                options.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + key + " needs a value");
            }
        }
        return options;
    }

    private static String required(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return value;
    }

    private static int integer(Map<String, String> options, String key, int fallback) {
        String value = options.get(key);
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be an integer, got '" + value + "'");
        }
    }
}
