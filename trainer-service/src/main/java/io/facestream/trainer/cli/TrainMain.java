package io.facestream.trainer.cli;

import io.facestream.model.eval.Eigenfaces;
import io.facestream.model.eval.LfwPairs;
import io.facestream.model.eval.PairsSet;
import io.facestream.model.eval.RocPlot;
import io.facestream.model.eval.VerificationEvaluator;
import io.facestream.model.eval.VerificationResult;
import io.facestream.model.image.ImageDecoder;
import io.facestream.model.image.RgbImage;
import io.facestream.trainer.data.HeldOutIdentities;
import io.facestream.trainer.data.ImageFolderSource;
import io.facestream.trainer.data.LabelledImage;
import io.facestream.trainer.data.LabelledImageSource;
import io.facestream.trainer.evaluation.CheckpointVerifier;
import io.facestream.trainer.training.Trainer;
import io.facestream.trainer.training.TrainingConfig;
import io.facestream.trainer.training.TrainingEvents;
import io.facestream.trainer.training.TrainingListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Command line: trains a face model on a folder of person folders and measures face verification on a pairs set at
 * every checkpoint, with the people of the pairs held out of training (so the figures are on unseen people). The
 * eigenfaces baseline (face-model's EvaluateMain settings) is scored on the same pairs, fitted on the same training
 * people, and a ROC plot of the final checkpoint, the checkpoint with the best verification accuracy and the
 * baseline is written.
 *
 * <p>From the repository root, with the upstream modules installed (mvn -B -q install -DskipTests -pl
 * face-events,face-model), the README's figure (about 16 minutes on the project's 2-core machine):
 * <pre>
 * mvn -B -q -pl trainer-service compile exec:java -Dexec.mainClass=io.facestream.trainer.cli.TrainMain \
 *   -Dexec.args="--train ../shared/data/lfw112/train --pairs ../shared/data/lfw112/pairsDevTrain.txt \
 *   --hold-out-pairs-people --baseline --config @trainer-service/examples/lfw112-mobilefacenet.json \
 *   --out target/lfw112-run --roc docs/lfw112-mobilefacenet-roc.png"
 * </pre>
 */
public final class TrainMain {

    private static final String USAGE = """
            usage: TrainMain --train <folder of person folders> --pairs <pairs.txt | set.bin> [options]
              --images <dir>             image root of an LFW pairs file (default: the --train folder)
              --hold-out-pairs-people    leave the people the pairs file names out of training
              --config <json | @file>    the training configuration, JHFace's names (default: all defaults)
              --out <dir>                where checkpoints go (default target/train-main)
              --roc <png>                the ROC plot (default <out>/roc.png)
              --baseline                 also score the eigenfaces baseline on the same pairs
              --threads <n>              TensorFlow threads (default: the processors)""";

    private TrainMain() {
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
        Map<String, String> options = CommandLine.parse(args,
                List.of("train", "pairs", "images", "config", "out", "roc", "threads"),
                List.of("hold-out-pairs-people", "baseline"));
        Path trainDir = Path.of(CommandLine.required(options, "train"));
        Path pairsFile = Path.of(CommandLine.required(options, "pairs"));
        Path imageRoot = Path.of(options.getOrDefault("images", trainDir.toString()));
        Path out = Path.of(options.getOrDefault("out", "target/train-main"));
        Path roc = Path.of(options.getOrDefault("roc", out.resolve("roc.png").toString()));
        int threads = CommandLine.integer(options, "threads", Runtime.getRuntime().availableProcessors());
        TrainingConfig config = TrainingConfig.fromJson(configJson(options.get("config")));

        long start = System.nanoTime();
        PairsSet pairs = CheckpointVerifier.readPairs(pairsFile, imageRoot);
        ImageDecoder decoder = new ImageDecoder();
        LabelledImageSource source = new ImageFolderSource(trainDir, decoder);
        if (options.containsKey("hold-out-pairs-people")) {
            if (!(pairs instanceof LfwPairs lfw)) {
                throw new IllegalArgumentException("--hold-out-pairs-people needs an LFW pairs file: a .bin set names "
                        + "no people");
            }
            source = new HeldOutIdentities(source, lfw.people(), "the people of " + pairs.name());
        }
        System.out.println("configuration: " + config.toJson());
        System.out.printf(Locale.ROOT, "pairs: %s, %d matched + %d mismatched, %d images%n", pairs.name(),
                pairs.matchedCount(), pairs.mismatchedCount(), pairs.imageCount());

        CheckpointVerifier verifier = new CheckpointVerifier(pairs, threads);
        Reporter reporter = new Reporter(verifier);
        TrainingEvents.Result result = new Trainer(config, out, reporter, threads).train(source,
                Trainer.StartFrom.scratch());
        double trainingSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "training ended %s at step %d after %.0f s (verification included)%n",
                result.status(), result.steps(), trainingSeconds);

        List<RocPlot.Curve> curves = new ArrayList<>();
        Reporter.Row last = reporter.rows.get(reporter.rows.size() - 1);
        Reporter.Row best = reporter.rows.stream().max((a, b) -> Double.compare(a.result.accuracy(),
                b.result.accuracy())).orElseThrow();
        curves.add(new RocPlot.Curve(label(config, last, "final"), last.result.roc()));
        if (best != last) {
            curves.add(new RocPlot.Curve(label(config, best, "best"), best.result.roc()));
        }

        System.out.println();
        System.out.println("| checkpoint | step | epoch | train loss | train accuracy | verification accuracy | "
                + "threshold | TAR @ FAR 1e-3 | AUC |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Reporter.Row row : reporter.rows) {
            System.out.println(row.markdown());
        }
        if (options.containsKey("baseline")) {
            VerificationResult baseline = eigenfaces(source, pairs, decoder);
            System.out.printf(Locale.ROOT, "| eigenfaces baseline | | | | | %.4f ± %.4f | %.4f | %.4f | %.4f |%n",
                    baseline.accuracy(), baseline.accuracyStd(), baseline.meanThreshold(),
                    baseline.tarAtFar1e3().tar(), baseline.auc());
            curves.add(new RocPlot.Curve(String.format(Locale.ROOT, "eigenfaces 32x32, 128 components, accuracy "
                    + "%.4f", baseline.accuracy()), baseline.roc()));
        }
        RocPlot.write(roc, config.backboneType() + " " + config.headType() + " on " + pairs.name()
                + " (people unseen in training)", curves);
        System.out.println("ROC plot written to " + roc.toAbsolutePath());
        System.out.printf(Locale.ROOT, "total time %.0f s%n", (System.nanoTime() - start) / 1e9);
    }

    private static String label(TrainingConfig config, Reporter.Row row, String which) {
        return String.format(Locale.ROOT, "%s %s, step %d (%s), accuracy %.4f", config.backboneType(),
                config.headType(), row.step, which, row.result.accuracy());
    }

    /** The eigenfaces baseline with face-model's EvaluateMain defaults, fitted on every training image. */
    private static VerificationResult eigenfaces(LabelledImageSource source, PairsSet pairs, ImageDecoder decoder)
            throws IOException {
        List<LabelledImage> images = source.images();
        Eigenfaces model = Eigenfaces.fit(() -> images.stream().map(TrainMain::load).iterator(),
                new Eigenfaces.Options(32, true, 128, true, 0.8));
        System.out.printf(Locale.ROOT, "eigenfaces fitted on %d training images%n", images.size());
        return new VerificationEvaluator(model, 64, true, decoder).evaluate(pairs);
    }

    private static RgbImage load(LabelledImage image) {
        try {
            return image.load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + image.origin(), e);
        }
    }

    private static String configJson(String option) throws IOException {
        if (option == null) {
            return "{}";
        }
        return option.startsWith("@") ? Files.readString(Path.of(option.substring(1))) : option;
    }

    /** Prints the run's progress and verifies each new checkpoint file. */
    private static final class Reporter implements TrainingListener {

        record Row(String checkpoint, long step, int epoch, Double trainLoss, Double trainAccuracy,
                   VerificationResult result) {
            String markdown() {
                return String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %.4f ± %.4f | %.4f | %.4f | %.4f |",
                        checkpoint, step, epoch, number(trainLoss), number(trainAccuracy), result.accuracy(),
                        result.accuracyStd(), result.meanThreshold(), result.tarAtFar1e3().tar(), result.auc());
            }

            private static String number(Double value) {
                return value == null ? "" : String.format(Locale.ROOT, "%.4f", value);
            }
        }

        private final CheckpointVerifier verifier;
        private final List<Row> rows = new ArrayList<>();
        private final Map<String, VerificationResult> bySha = new HashMap<>();
        private int stepsPerEpoch;

        Reporter(CheckpointVerifier verifier) {
            this.verifier = verifier;
        }

        @Override
        public void started(TrainingEvents.Started s) {
            stepsPerEpoch = s.stepsPerEpoch();
            System.out.printf(Locale.ROOT, "data: %s%n  %d identities, %d training + %d validation images, %d "
                    + "identities left out for too few images; %d steps an epoch, %d steps in all%n", s.source(),
                    s.classes(), s.trainingImages(), s.validationImages(), s.droppedIdentities(), s.stepsPerEpoch(),
                    s.totalSteps());
        }

        @Override
        public void progress(TrainingEvents.Progress p) {
            if (p.step() % stepsPerEpoch == 0 || p.step() == p.totalSteps()) {
                System.out.printf(Locale.ROOT, "epoch %d step %d/%d: loss %.4f, training accuracy %.4f, lr %.4g, "
                        + "%.1f images/s, ETA %d s%n", p.epoch(), p.step(), p.totalSteps(), p.epochLoss(),
                        p.epochAccuracy(), p.learningRate(), p.imagesPerSecond(), p.eta().toSeconds());
            }
        }

        @Override
        public void validated(TrainingEvents.Validation v) {
            System.out.printf(Locale.ROOT, "  validation after epoch %d: loss %.4f, accuracy %.4f%s%n", v.epoch(),
                    v.loss(), v.accuracy(), v.best() ? " (best)" : "");
        }

        @Override
        public void checkpointSaved(TrainingEvents.SavedCheckpoint c) {
            if (bySha.containsKey(c.sha256())) {
                return; // the same file again, now marked final
            }
            try {
                long t0 = System.nanoTime();
                VerificationResult result = verifier.verify(c.file());
                bySha.put(c.sha256(), result);
                rows.add(new Row(c.file().getFileName().toString(), c.step(), c.epoch(), c.metrics().get("train_loss"),
                        c.metrics().get("train_accuracy"), result));
                System.out.printf(Locale.ROOT, "checkpoint %s (step %d, epoch %d): %s (verified in %.0f s)%n",
                        c.file().getFileName(), c.step(), c.epoch(), CheckpointVerifier.describe(result),
                        (System.nanoTime() - t0) / 1e9);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot verify " + c.file(), e);
            }
        }
    }
}
