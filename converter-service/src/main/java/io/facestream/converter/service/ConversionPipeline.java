package io.facestream.converter.service;

import io.facestream.converter.domain.Phase;
import io.facestream.converter.domain.Quantization;
import io.facestream.converter.domain.ValidationReport;
import io.facestream.converter.domain.VerificationFigures;
import io.facestream.model.FaceModelSpec;
import io.facestream.model.checkpoint.Checkpoint;
import io.facestream.model.eval.EmbeddingFunction;
import io.facestream.model.eval.PairsSet;
import io.facestream.model.eval.RocPlot;
import io.facestream.model.eval.VerificationEvaluator;
import io.facestream.model.eval.VerificationResult;
import io.facestream.model.image.ImageDecoder;
import io.facestream.model.image.ImagePreprocessor;
import io.facestream.tflite.lower.LoweredModel;
import io.facestream.tflite.lower.Precision;
import io.facestream.tflite.lower.TfliteConverter;
import io.facestream.tflite.quant.Int8Options;
import io.facestream.tflite.runtime.TfliteEmbedder;
import io.facestream.tflite.runtime.TfliteOptions;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * Converts a checkpoint to TFLite and measures the result, without Kafka, files or CDI: lower the embedding graph
 * once, write the requested precision (int8: calibrated on the calibration images), load the result in the TFLite
 * runtime, compare its embeddings of the validation images with the float32 model's, and, given a pairs set, run
 * face verification on both and draw their ROC curves in one plot. Whether the figures are good enough is the
 * caller's decision ({@link io.facestream.converter.domain.QualityBounds}).
 */
public final class ConversionPipeline {

    /** Told where the conversion is: a phase and how much of it is done (0..1). */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (phase, fraction) -> { };

        void update(Phase phase, double fraction);
    }

    /**
     * The converted model and what was measured on it.
     *
     * @param model  the .tflite bytes
     * @param report the figures
     * @param rocPng the ROC plot of both models, or null without a pairs set
     */
    public record Result(byte[] model, ValidationReport report, byte[] rocPng) {
    }

    private static final int BATCH = 16;

    private final int threads;

    /** @param threads interpreter threads for calibration, validation and evaluation */
    public ConversionPipeline(int threads) {
        this.threads = threads;
    }

    /**
     * @param pairs a verification set, or null
     */
    public Result run(Checkpoint checkpoint, Precision precision, boolean uint8Input, SampleImages images,
                      PairsSet pairs, Progress progress) throws IOException {
        FaceModelSpec spec = checkpoint.spec();
        progress.update(Phase.CONVERTING, 0);
        LoweredModel lowered = TfliteConverter.lower(checkpoint.graph(), TfliteConverter.weightsOf(checkpoint));
        byte[] float32 = lowered.float32();
        progress.update(Phase.CONVERTING, 0.2);
        byte[] model = switch (precision) {
            case FLOAT32 -> float32;
            case FLOAT16 -> lowered.float16();
            case DYNAMIC_RANGE -> lowered.dynamicRange();
            case INT8 -> {
                if (images.calibration().isEmpty()) {
                    throw new IllegalStateException("int8 conversion needs calibration images; " + images.source()
                            + " gave " + images.validation().size() + " usable image(s), all kept for validation");
                }
                Int8Options options = uint8Input ? Int8Options.uint8Input(spec.preprocessing())
                        : Int8Options.floatInput();
                yield lowered.int8(lowered.calibrate(images.calibration(), threads), options);
            }
        };
        progress.update(Phase.CONVERTING, 1);

        String quantization = Quantization.name(precision);
        TfliteOptions runtime = TfliteOptions.threads(threads);
        try (TfliteEmbedder reference = TfliteEmbedder.load(float32, runtime);
             TfliteEmbedder converted = TfliteEmbedder.load(model, runtime)) {
            checkShape(converted, spec);
            double[] cosines = compare(reference, converted, images.validation(), progress);
            VerificationFigures f32 = null;
            VerificationFigures conv = null;
            byte[] roc = null;
            if (pairs != null) {
                ImagePreprocessor preprocessor = new ImagePreprocessor(spec.preprocessing());
                VerificationResult r32 = evaluate(reference, preprocessor, pairs, progress, 0,
                        precision == Precision.FLOAT32 ? 1 : 0.5);
                VerificationResult rConv = precision == Precision.FLOAT32 ? r32
                        : evaluate(converted, preprocessor, pairs, progress, 0.5, 0.5);
                f32 = VerificationFigures.of(r32);
                conv = VerificationFigures.of(rConv);
                roc = rocPlot(spec, pairs, quantization, r32, rConv);
            }
            int calibrationImages = precision == Precision.INT8 ? images.calibration().size() : 0;
            ValidationReport report = ValidationReport.of(quantization, calibrationImages,
                    images.validation().size(), cosines[0], cosines[1], f32, conv, float32.length, model.length);
            return new Result(model, report, roc);
        }
    }

    private static void checkShape(TfliteEmbedder model, FaceModelSpec spec) {
        if (model.inputHeight() != spec.inputSize() || model.inputWidth() != spec.inputSize()
                || model.inputChannels() != 3 || model.embeddingSize() != spec.embeddingSize()) {
            throw new IllegalStateException(String.format(Locale.ROOT, "the converted model takes %dx%dx%d and "
                    + "gives %d values; the checkpoint's spec says %dx%dx3 and %d", model.inputHeight(),
                    model.inputWidth(), model.inputChannels(), model.embeddingSize(), spec.inputSize(),
                    spec.inputSize(), spec.embeddingSize()));
        }
    }

    /** {mean, min} cosine between the two models' embeddings of each validation image. */
    private static double[] compare(TfliteEmbedder reference, TfliteEmbedder converted, List<float[]> images,
                                    Progress progress) {
        if (images.isEmpty()) {
            throw new IllegalStateException("no validation images to compare the converted model with float32 on");
        }
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        int length = reference.imageLength();
        for (int from = 0; from < images.size(); from += BATCH) {
            int n = Math.min(BATCH, images.size() - from);
            float[] batch = new float[n * length];
            for (int i = 0; i < n; i++) {
                System.arraycopy(images.get(from + i), 0, batch, i * length, length);
            }
            float[][] a = reference.embed(batch, n);
            float[][] b = converted.embed(batch, n);
            for (int i = 0; i < n; i++) {
                double c = cosine(a[i], b[i]);
                sum += c;
                min = Math.min(min, c);
            }
            progress.update(Phase.VALIDATING, (double) (from + n) / images.size());
        }
        return new double[] {sum / images.size(), min};
    }

    /** Cosine similarity; NaN (a model giving NaN or a zero vector) counts as -1, the worst. */
    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        double c = dot / Math.sqrt(na * nb);
        return Double.isNaN(c) ? -1 : c;
    }

    private static VerificationResult evaluate(TfliteEmbedder model, ImagePreprocessor preprocessor, PairsSet pairs,
                                               Progress progress, double start, double share) throws IOException {
        EmbeddingFunction function = EmbeddingFunction.fromTensors(preprocessor, model::embed);
        return new VerificationEvaluator(function, BATCH, true, new ImageDecoder()).evaluate(pairs,
                (done, total) -> progress.update(Phase.EVALUATING, start + share * done / total));
    }

    private static byte[] rocPlot(FaceModelSpec spec, PairsSet pairs, String quantization, VerificationResult f32,
                                  VerificationResult converted) throws IOException {
        List<RocPlot.Curve> curves = quantization.equals("float32")
                ? List.of(new RocPlot.Curve(label("float32", f32), f32.roc()))
                : List.of(new RocPlot.Curve(label("float32", f32), f32.roc()),
                        new RocPlot.Curve(label(quantization, converted), converted.roc()));
        String title = String.format(Locale.ROOT, "%s (alpha %s, %dx%d, %d-d) on %s", spec.backboneType(),
                spec.alpha(), spec.inputSize(), spec.inputSize(), spec.embeddingSize(), pairs.name());
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(RocPlot.render(title, curves), "png", png)) {
            throw new IOException("no PNG writer in this JDK");
        }
        return png.toByteArray();
    }

    private static String label(String quantization, VerificationResult r) {
        return String.format(Locale.ROOT, "%s: accuracy %.4f ± %.4f, TAR %.4f @ FAR 1e-3", quantization,
                r.accuracy(), r.accuracyStd(), r.tarAtFar1e3().tar());
    }
}
