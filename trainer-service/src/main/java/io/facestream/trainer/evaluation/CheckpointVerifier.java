package io.facestream.trainer.evaluation;

import io.facestream.model.checkpoint.Checkpoint;
import io.facestream.model.checkpoint.CheckpointReader;
import io.facestream.model.eval.BinPairs;
import io.facestream.model.eval.EmbeddingFunction;
import io.facestream.model.eval.LfwPairs;
import io.facestream.model.eval.PairsSet;
import io.facestream.model.eval.RocPlot;
import io.facestream.model.eval.VerificationEvaluator;
import io.facestream.model.eval.VerificationResult;
import io.facestream.model.image.ImageDecoder;
import io.facestream.model.image.ImagePreprocessor;
import io.facestream.trainer.tf.TfFaceModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Face verification of checkpoints on one pairs set, with face-model's evaluation (each image and its mirror image
 * embedded, summed, normalised; LFW's 10 folds; TAR at FAR; ROC): the checkpoint's weights are loaded into a
 * TensorFlow inference model and its images preprocessed as the checkpoint's spec says, so what is measured is
 * exactly the file that is published.
 */
public final class CheckpointVerifier {

    /** Names of the verification figures in checkpoint metrics and events. */
    public static final String ACCURACY = "verification_accuracy";
    public static final String ACCURACY_STD = "verification_accuracy_std";
    public static final String THRESHOLD = "verification_threshold";
    public static final String TAR_AT_FAR_1E3 = "verification_tar_at_far_1e-3";
    public static final String TAR_AT_FAR_1E2 = "verification_tar_at_far_1e-2";
    public static final String AUC = "verification_auc";

    /** Distinct images embedded a call (twice as many with their mirror images). */
    private static final int FACES_PER_BATCH = 32;

    private final PairsSet pairs;
    private final int threads;
    private final ImageDecoder decoder = new ImageDecoder();

    public CheckpointVerifier(PairsSet pairs, int threads) {
        if (pairs == null) {
            throw new IllegalArgumentException("a pairs set is required");
        }
        this.pairs = pairs;
        this.threads = threads;
    }

    /**
     * Reads a pairs set: an insightface / arcface-tf2 .bin, or an LFW pairs file over an image root (one folder per
     * person). Malformed files and missing images are {@link io.facestream.model.eval.PairsFileException}s.
     */
    public static PairsSet readPairs(Path file, Path imageRoot) throws IOException {
        if (isBin(file)) {
            return BinPairs.read(file);
        }
        if (imageRoot == null) {
            throw new IllegalArgumentException("an LFW pairs file needs the folder of its images");
        }
        return LfwPairs.read(file, imageRoot);
    }

    /** Whether the file is a .bin set (which names no people) rather than an LFW pairs file. */
    public static boolean isBin(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".bin");
    }

    public PairsSet pairs() {
        return pairs;
    }

    public VerificationResult verify(Path checkpointFile) throws IOException {
        return verify(CheckpointReader.read(checkpointFile));
    }

    public VerificationResult verify(Checkpoint checkpoint) throws IOException {
        ImagePreprocessor preprocessor = new ImagePreprocessor(checkpoint.spec().preprocessing(), decoder);
        try (TfFaceModel model = TfFaceModel.inference(checkpoint, threads)) {
            EmbeddingFunction embedder = EmbeddingFunction.fromTensors(preprocessor, model::embed);
            return new VerificationEvaluator(embedder, FACES_PER_BATCH, true, decoder).evaluate(pairs);
        }
    }

    /** The figures as checkpoint metrics. */
    public static Map<String, Double> metrics(VerificationResult result) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(ACCURACY, result.accuracy());
        m.put(ACCURACY_STD, result.accuracyStd());
        m.put(THRESHOLD, result.meanThreshold());
        m.put(TAR_AT_FAR_1E3, result.tarAtFar1e3().tar());
        m.put(TAR_AT_FAR_1E2, result.tarAtFar1e2().tar());
        m.put(AUC, result.auc());
        return m;
    }

    /** One curve's ROC plot. */
    public static void writeRoc(Path png, String title, String label, VerificationResult result) throws IOException {
        RocPlot.write(png, title, List.of(new RocPlot.Curve(label, result.roc())));
    }

    /** "accuracy 0.7512 ± 0.0311, threshold 0.2114, TAR 0.0864 @ FAR 1e-3, AUC 0.8215". */
    public static String describe(VerificationResult result) {
        return String.format(Locale.ROOT, "accuracy %.4f ± %.4f, threshold %.4f, TAR %.4f @ FAR 1e-3, AUC %.4f",
                result.accuracy(), result.accuracyStd(), result.meanThreshold(), result.tarAtFar1e3().tar(),
                result.auc());
    }
}
