package io.facestream.bench;

import io.facestream.events.domain.Centroid;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.IdentityMatch;
import io.facestream.gallery.domain.CentroidSum;
import io.facestream.gallery.domain.Threshold;
import io.facestream.gallery.domain.ThresholdPolicy;
import io.facestream.gallery.service.Calibration;
import io.facestream.gallery.service.DotProduct;
import io.facestream.gallery.service.VersionGallery;
import io.facestream.model.FaceModelSpec;
import io.facestream.model.checkpoint.Checkpoint;
import io.facestream.model.checkpoint.CheckpointReader;
import io.facestream.model.eval.Eigenfaces;
import io.facestream.model.eval.EmbeddingFunction;
import io.facestream.model.eval.ImagePair;
import io.facestream.model.eval.LfwPairs;
import io.facestream.model.eval.PairsSet;
import io.facestream.model.eval.VerificationEvaluator;
import io.facestream.model.image.ImageDecoder;
import io.facestream.model.image.ImagePreprocessor;
import io.facestream.model.image.RgbImage;
import io.facestream.tflite.lower.LoweredModel;
import io.facestream.tflite.lower.TfliteConverter;
import io.facestream.tflite.quant.Int8Options;
import io.facestream.tflite.runtime.TfliteEmbedder;
import io.facestream.tflite.runtime.TfliteOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Closed-set and open-set identification on lfw112 people a model never saw (on demand:
 * benchmarks/run-identification-eval.sh; not a test).
 *
 * <p>Protocol. The people are those that LFW's pairsDevTrain.txt names (the trained checkpoint was trained on lfw112's
 * train folder without them). Everyone with two or more images is enrolled with their first image ({@code --enroll
 * first}) or the first half of their images, rounded down, at least one ({@code --enroll half}); their other images
 * are probes. Everyone with exactly one image is never enrolled: that image is an impostor probe. Each image is
 * embedded the way the converter's verification embeds it ({@link VerificationEvaluator}: with its mirror image, the
 * two embeddings summed and L2-normalised; {@code --flip false} embeds the image alone, as embedder-service does).
 * Centroids, matching and the calibrated threshold are gallery-service's own classes ({@link CentroidSum},
 * {@link VersionGallery}, {@link Calibration}).
 *
 * <p>Figures. Closed-set rank-1: the share of probes of enrolled people whose best centroid is their own.
 * Open-set DIR at FAR f: the threshold is set so that at most f of the impostor probes' best scores reach it (the
 * gallery's own quantile rule, {@link Calibration#thresholdAt}); the detection and identification rate is the share
 * of probes of enrolled people ranked first to their own centroid with a score at or above it. The gallery's own
 * threshold (calibrated from its centroids at {@code --target-far}, {@code gallery.*} defaults) is reported with the
 * FAR and DIR it gives on these probes.
 *
 * <p>Models: the checkpoint lowered to float32 and int8 TFLite with face-tflite (int8 calibrated on
 * {@code --calibration} images of the training people, spread over them; float input, as the converter's default) and
 * run in face-tflite's runtime, and the eigenfaces baseline (EvaluateMain's settings: 32x32 grey, 128 whitened
 * components, crop 0.8) fitted on every image of the training people.
 */
public final class IdentificationEval {

    private static final List<String> OPTIONS = List.of("checkpoint", "faces", "enroll", "flip", "far", "calibration",
            "threads", "target-far", "min-calibration-persons", "threshold");
    /** Faces per call of the model (twice as many images with their mirror images), as in the converter. */
    private static final int BATCH = 16;

    private enum Role { ENROLL, PROBE, IMPOSTOR }

    /** One image of the protocol. */
    private record Face(Path file, String person, Role role) {
    }

    /** The protocol's images as a set face-model's evaluator embeds: images only, no verification pairs. */
    private record Faces(List<Face> faces) implements PairsSet {
        @Override
        public String name() {
            return "lfw112 people of pairsDevTrain.txt";
        }

        @Override
        public List<ImagePair> pairs() {
            return List.of();
        }

        @Override
        public int imageCount() {
            return faces.size();
        }

        @Override
        public String imageLabel(int image) {
            return faces.get(image).file().toString();
        }

        @Override
        public byte[] readImage(int image) throws IOException {
            return Files.readAllBytes(faces.get(image).file());
        }
    }

    /** What one model measured. */
    private record Row(String model, int dimension, double rank1, double[] dirAtFar, double[] thresholdAtFar,
                       double[] farAtFar, Threshold galleryThreshold, double galleryFar, double galleryDir,
                       double seconds) {
    }

    private IdentificationEval() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, List<String>> o = Args.parse(args, OPTIONS);
        Path checkpointFile = Path.of(Args.one(o, "checkpoint", null));
        Path faces = Path.of(Args.one(o, "faces", "../shared/data/lfw112"));
        boolean half = switch (Args.one(o, "enroll", "first")) {
            case "first" -> false;
            case "half" -> true;
            default -> throw new IllegalArgumentException("--enroll must be first or half");
        };
        boolean flip = Boolean.parseBoolean(Args.one(o, "flip", "true"));
        double[] fars = Arrays.stream(Args.one(o, "far", "0.01,0.1").split(",")).mapToDouble(Double::parseDouble)
                .toArray();
        int calibrationImages = Integer.parseInt(Args.one(o, "calibration", "200"));
        int threads = Integer.parseInt(Args.one(o, "threads", "2"));
        // gallery-service's defaults (application.properties: gallery.threshold-mode=calibrated, ...)
        ThresholdPolicy policy = new ThresholdPolicy(ThresholdPolicy.Mode.CALIBRATED,
                Double.parseDouble(Args.one(o, "threshold", "0.35")),
                Double.parseDouble(Args.one(o, "target-far", "1e-3")),
                Integer.parseInt(Args.one(o, "min-calibration-persons", "50")), Map.of());

        Path train = faces.resolve("train");
        Set<String> unseen = LfwPairs.read(faces.resolve("pairsDevTrain.txt"), train).people();
        Map<String, List<Path>> people = people(train);
        List<Face> protocol = new ArrayList<>();
        List<Path> training = new ArrayList<>();
        people.forEach((person, images) -> {
            if (!unseen.contains(person)) {
                training.addAll(images);
            } else if (images.size() == 1) {
                protocol.add(new Face(images.get(0), person, Role.IMPOSTOR));
            } else {
                int enrolled = half ? Math.max(1, images.size() / 2) : 1;
                for (int i = 0; i < images.size(); i++) {
                    protocol.add(new Face(images.get(i), person, i < enrolled ? Role.ENROLL : Role.PROBE));
                }
            }
        });
        long enrolledPeople = protocol.stream().filter(f -> f.role() == Role.ENROLL).map(Face::person).distinct()
                .count();
        System.out.printf(Locale.ROOT, "protocol: the %d people of pairsDevTrain.txt; %d enrolled (%s) with %d "
                        + "images, %d probes of enrolled people, %d never-enrolled people (one image each, the impostor "
                        + "probes); %s; %d images of %d other people for int8 calibration and eigenfaces%n",
                unseen.size(), enrolledPeople, half ? "first half of their images" : "first image",
                count(protocol, Role.ENROLL), count(protocol, Role.PROBE), count(protocol, Role.IMPOSTOR),
                flip ? "each image with its mirror image" : "each image alone", training.size(),
                people.size() - unseen.size());
        System.out.printf(Locale.ROOT, "gallery threshold policy: %s, fixed %.2f, target FAR %s, from %d people; "
                + "matching: %s%n", policy.mode(), policy.fixedThreshold(), policy.targetFar(),
                policy.minCalibrationPersons(), DotProduct.best().name());

        Faces set = new Faces(protocol);
        ImageDecoder decoder = new ImageDecoder();
        List<Row> rows = new ArrayList<>();

        Checkpoint checkpoint = CheckpointReader.read(checkpointFile);
        FaceModelSpec spec = checkpoint.spec();
        String name = String.format(Locale.ROOT, "%s %dx%d step %d", spec.backboneType(), spec.inputSize(),
                spec.inputSize(), checkpoint.step());
        System.out.printf(Locale.ROOT, "checkpoint: %s (%s, %d-d embedding)%n", checkpointFile, name,
                spec.embeddingSize());
        ImagePreprocessor preprocessor = new ImagePreprocessor(spec.preprocessing(), decoder);
        LoweredModel lowered = TfliteConverter.lower(checkpoint.graph(), TfliteConverter.weightsOf(checkpoint));
        List<float[]> calibration = new ArrayList<>();
        for (int i = 0; i < calibrationImages; i++) {
            calibration.add(preprocessor.toTensor(Files.readAllBytes(
                    training.get((int) ((long) i * training.size() / calibrationImages)))));
        }
        byte[] float32 = lowered.float32();
        byte[] int8 = lowered.int8(lowered.calibrate(calibration, threads), Int8Options.floatInput());
        System.out.printf(Locale.ROOT, "TFLite: float32 %,d bytes, int8 %,d bytes (calibrated on %d images of the "
                + "training people)%n", float32.length, int8.length, calibration.size());
        float[][] float32Embeddings = null;
        for (String precision : List.of("float32", "int8")) {
            long start = System.nanoTime();
            try (TfliteEmbedder embedder = TfliteEmbedder.load(precision.equals("int8") ? int8 : float32,
                    TfliteOptions.threads(threads))) {
                float[][] embeddings = embed(EmbeddingFunction.fromTensors(preprocessor, embedder::embed), set, flip,
                        decoder, precision);
                rows.add(score(name + " " + precision + " TFLite", protocol, embeddings, policy, fars, start));
                if (float32Embeddings == null) {
                    float32Embeddings = embeddings;
                } else {
                    System.out.printf(Locale.ROOT, "int8 vs float32 embeddings of the %d images: mean cosine %.4f%n",
                            embeddings.length, meanCosine(float32Embeddings, embeddings));
                }
            }
        }

        long start = System.nanoTime();
        Eigenfaces eigenfaces = Eigenfaces.fit(() -> training.stream().map(p -> decode(decoder, p)).iterator(),
                new Eigenfaces.Options(32, true, 128, true, 0.8));
        rows.add(score("eigenfaces baseline (32x32 grey, 128 whitened components, fitted on the " + training.size()
                        + " training images)", protocol, embed(eigenfaces, set, flip, decoder, "eigenfaces"), policy,
                fars, start));

        print(rows, fars, enrolledPeople, count(protocol, Role.PROBE), count(protocol, Role.IMPOSTOR));
    }

    private static float[][] embed(EmbeddingFunction function, Faces set, boolean flip, ImageDecoder decoder,
                                   String what) throws IOException {
        int[] tenth = {-1};
        return new VerificationEvaluator(function, BATCH, flip, decoder).embedAll(set, (done, total) -> {
            if (done * 10 / total != tenth[0]) {
                tenth[0] = done * 10 / total;
                System.err.printf(Locale.ROOT, "%s: embedded %d/%d images%n", what, done, total);
            }
        });
    }

    /** The gallery of the enrolled images' centroids, and every probe identified against it. */
    private static Row score(String model, List<Face> faces, float[][] embeddings, ThresholdPolicy policy,
                             double[] fars, long start) {
        Map<String, CentroidSum> sums = new TreeMap<>(); // the store's key order: version|person
        for (int i = 0; i < faces.size(); i++) {
            Face f = faces.get(i);
            if (f.role() == Role.ENROLL) {
                CentroidSum one = CentroidSum.of(model, f.person(), embeddings[i]);
                sums.merge(f.person(), one, CentroidSum::plus);
            }
        }
        List<Centroid> centroids = sums.values().stream().map(CentroidSum::centroid).toList();
        VersionGallery gallery = VersionGallery.build(model, 0, centroids, policy, DotProduct.best());

        int probes = 0;
        int rankedFirst = 0;
        int identified = 0;
        List<Float> genuineScores = new ArrayList<>(); // best scores of probes ranked first to their own person
        List<Float> impostorScores = new ArrayList<>();
        int impostorsAccepted = 0;
        for (int i = 0; i < faces.size(); i++) {
            Face f = faces.get(i);
            if (f.role() == Role.ENROLL) {
                continue;
            }
            IdentityMatch m = gallery.identify(EmbeddingEvent.probe(f.file().getFileName().toString(), "lfw112", 0,
                    model, null, 0, 0, 0, 0, embeddings[i]), 0);
            if (f.role() == Role.PROBE) {
                probes++;
                if (f.person().equals(m.bestCandidate())) {
                    rankedFirst++;
                    genuineScores.add((float) m.score());
                }
                identified += f.person().equals(m.identity()) ? 1 : 0;
            } else {
                impostorScores.add((float) m.score());
                impostorsAccepted += m.known() ? 1 : 0;
            }
        }
        float[] impostors = new float[impostorScores.size()];
        for (int i = 0; i < impostors.length; i++) {
            impostors[i] = impostorScores.get(i);
        }
        double[] thresholds = new double[fars.length];
        double[] dir = new double[fars.length];
        double[] far = new double[fars.length];
        for (int k = 0; k < fars.length; k++) {
            double t = Calibration.thresholdAt(impostors, fars[k]);
            thresholds[k] = t;
            dir[k] = (double) genuineScores.stream().filter(s -> s >= t).count() / probes;
            far[k] = (double) impostorScores.stream().filter(s -> s >= t).count() / impostors.length;
        }
        return new Row(model, gallery.dimension(), (double) rankedFirst / probes, dir, thresholds, far,
                gallery.threshold(), (double) impostorsAccepted / impostors.length, (double) identified / probes,
                (System.nanoTime() - start) / 1e9);
    }

    private static void print(List<Row> rows, double[] fars, long enrolled, long probes, long impostors) {
        System.out.printf(Locale.ROOT, "%n%d enrolled people (rank-1 by chance: %.4f), %d probes of enrolled people, "
                + "%d impostor probes%n%n", enrolled, 1.0 / enrolled, probes, impostors);
        StringBuilder header = new StringBuilder("| model | dim | closed-set rank-1 |");
        StringBuilder rule = new StringBuilder("|---|---:|---:|");
        for (double f : fars) {
            header.append(String.format(Locale.ROOT, " DIR @ FAR %s (threshold, measured FAR) |", percent(f)));
            rule.append("---:|");
        }
        header.append(" gallery's threshold | its FAR | its DIR | seconds |");
        rule.append("---:|---:|---:|---:|");
        System.out.println(header);
        System.out.println(rule);
        for (Row r : rows) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %s | %d | %.4f |", r.model(),
                    r.dimension(), r.rank1()));
            for (int k = 0; k < fars.length; k++) {
                line.append(String.format(Locale.ROOT, " %.4f (%.4f, %.4f) |", r.dirAtFar()[k],
                        r.thresholdAtFar()[k], r.farAtFar()[k]));
            }
            Threshold t = r.galleryThreshold();
            line.append(String.format(Locale.ROOT, " %.4f (%s%s) | %.4f | %.4f | %.0f |", t.value(),
                    t.source().name().toLowerCase(Locale.ROOT),
                    t.source() == Threshold.Source.CALIBRATED ? String.format(Locale.ROOT, " at FAR %s from %,d "
                            + "people's best impostor scores", t.targetFar(), t.impostorScores()) : "",
                    r.galleryFar(), r.galleryDir(), r.seconds()));
            System.out.println(line);
        }
    }

    private static String percent(double f) {
        double p = f * 100;
        return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "%";
    }

    private static double meanCosine(float[][] a, float[][] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double dot = 0;
            for (int j = 0; j < a[i].length; j++) {
                dot += (double) a[i][j] * b[i][j];
            }
            sum += dot; // both are L2-normalised
        }
        return sum / a.length;
    }

    private static long count(List<Face> faces, Role role) {
        return faces.stream().filter(f -> f.role() == role).count();
    }

    /** Every person folder's .jpg images, people and images in name order. */
    private static Map<String, List<Path>> people(Path train) throws IOException {
        if (!Files.isDirectory(train)) {
            throw new IOException("no lfw112 train folder at " + train.toAbsolutePath() + " (--faces)");
        }
        Map<String, List<Path>> people = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(train)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.list(dir)) {
                    people.put(dir.getFileName().toString(),
                            files.filter(f -> f.toString().endsWith(".jpg")).sorted().toList());
                }
            }
        }
        return people;
    }

    private static RgbImage decode(ImageDecoder decoder, Path file) {
        try {
            return decoder.decode(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
