package io.facestream.converter.cli;

import io.facestream.converter.domain.QualityBounds;
import io.facestream.converter.domain.Quantization;
import io.facestream.converter.domain.ValidationReport;
import io.facestream.converter.service.ConversionPipeline;
import io.facestream.converter.service.FolderCalibrationSource;
import io.facestream.converter.service.PairsSets;
import io.facestream.converter.service.SampleImages;
import io.facestream.model.checkpoint.Checkpoint;
import io.facestream.model.checkpoint.CheckpointReader;
import io.facestream.model.eval.PairsSet;
import io.facestream.model.image.ImageLimits;
import io.facestream.model.image.ImagePreprocessor;
import io.facestream.tflite.lower.Precision;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Command line: the converter's pipeline on one checkpoint file, without Kafka or a server. It converts, compares
 * with float32 on validation images, optionally runs verification on a pairs set, checks the default quality bounds,
 * writes the model (and the ROC plot), and prints the figures with a Markdown table row. From the repository root,
 * with the library modules installed:
 * <pre>
 * mvn -q -pl converter-service compile exec:java -Dexec.mainClass=io.facestream.converter.cli.ConvertMain \
 *   -Dexec.args="--checkpoint run/ckpt-0000001000.ckpt --images ../shared/data/lfw112/train \
 *   --pairs ../shared/data/lfw112/pairsDevTrain.txt --out target/model.int8.tflite"
 * </pre>
 * Exit status 1 when the model misses a quality bound or the conversion fails, 2 for a usage error.
 */
public final class ConvertMain {

    private static final String USAGE = """
            usage: ConvertMain --checkpoint <file.ckpt> --images <folder of person folders> [options]
              --precision <p>        int8 (default), float32, float16, dynamic-range
              --uint8-input          int8 only: the model takes uint8 pixels
              --calibration <n>      calibration images (default 200)
              --validation <n>       validation images, not used for calibration (default 50)
              --pairs <file>         verification pairs: LFW pairs file (images from --pairs-images) or a .bin
              --pairs-images <dir>   image root of the LFW pairs file (default: --images)
              --out <file.tflite>    where the model goes (default: next to the checkpoint)
              --roc <file.png>       where the ROC plot goes (default: next to the model, with --pairs)
              --threads <n>          interpreter threads (default: the processors)
              --min-mean-cosine <x>, --min-cosine <x>, --max-accuracy-drop <x>  bounds (0.98, none, 0.02)""";

    private static final Set<String> VALUED = Set.of("checkpoint", "images", "precision", "calibration",
            "validation", "pairs", "pairs-images", "out", "roc", "threads", "min-mean-cosine", "min-cosine",
            "max-accuracy-drop");
    private static final Set<String> FLAGS = Set.of("uint8-input");

    private ConvertMain() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(args, System.out) ? 0 : 1);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        } catch (IOException | IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    /** @return whether the model meets the bounds */
    public static boolean run(String[] args, PrintStream out) throws IOException {
        Map<String, String> o = parse(args);
        Path checkpointFile = Path.of(required(o, "checkpoint"));
        Path images = Path.of(required(o, "images"));
        Precision precision = Quantization.parse(o.getOrDefault("precision", "int8"));
        boolean uint8Input = o.containsKey("uint8-input");
        int calibration = integer(o, "calibration", 200);
        int validation = integer(o, "validation", 50);
        int threads = integer(o, "threads", Runtime.getRuntime().availableProcessors());
        QualityBounds bounds = new QualityBounds(number(o, "min-mean-cosine", 0.98),
                o.containsKey("min-cosine") ? number(o, "min-cosine", 0) : null,
                number(o, "max-accuracy-drop", 0.02));
        String quantization = Quantization.name(precision) + (uint8Input ? "-uint8in" : "");
        String base = checkpointFile.getFileName().toString().replaceFirst("\\.ckpt$", "");
        Path modelFile = Path.of(o.getOrDefault("out",
                checkpointFile.resolveSibling(base + "." + quantization + ".tflite").toString()));

        long start = System.nanoTime();
        Checkpoint checkpoint = CheckpointReader.read(checkpointFile);
        out.printf(Locale.ROOT, "checkpoint: %s, %s alpha %s, %dx%d, %d-d, %,d parameters, step %d%n",
                checkpointFile, checkpoint.spec().backboneType(), checkpoint.spec().alpha(),
                checkpoint.spec().inputSize(), checkpoint.spec().inputSize(), checkpoint.spec().embeddingSize(),
                checkpoint.graph().parameterCount(), checkpoint.step());
        FolderCalibrationSource source = new FolderCalibrationSource(images, ImageLimits.DEFAULT.maxBytes());
        SampleImages sample = SampleImages.prepare(source.images(calibration + validation),
                new ImagePreprocessor(checkpoint.spec().preprocessing()), calibration, validation,
                source.description());
        PairsSet pairs = o.containsKey("pairs")
                ? PairsSets.read(Path.of(o.get("pairs")), Path.of(o.getOrDefault("pairs-images", images.toString())))
                : null;
        ConversionPipeline.Result r = new ConversionPipeline(threads).run(checkpoint, precision, uint8Input, sample,
                pairs, ConversionPipeline.Progress.NONE);
        ValidationReport v = r.report();
        Files.write(modelFile, r.model());
        out.printf(Locale.ROOT, "%s model: %s, %,d bytes (float32 %,d bytes, %.3f of it)%n", quantization, modelFile,
                v.sizeBytes(), v.float32SizeBytes(), (double) v.sizeBytes() / v.float32SizeBytes());
        out.printf(Locale.ROOT, "images: %d calibration + %d validation from %s (%d undecodable)%n",
                v.calibrationImages(), v.validationImages(), source.description(), sample.rejected());
        out.printf(Locale.ROOT, "cosine to float32 on the validation images: mean %.4f, min %.4f%n",
                v.meanCosine(), v.minCosine());
        String verification = "| | | | |";
        if (v.float32() != null) {
            Path roc = Path.of(o.getOrDefault("roc", modelFile.resolveSibling(modelFile.getFileName()
                    .toString().replaceFirst("\\.tflite$", "") + ".roc.png").toString()));
            Files.write(roc, r.rocPng());
            out.printf(Locale.ROOT, "verification on %s: float32 accuracy %.4f ± %.4f, TAR %.4f @ FAR 1e-3; %s "
                    + "accuracy %.4f ± %.4f, TAR %.4f @ FAR 1e-3; drop %.4f; ROC plot %s%n", v.float32().pairsSet(),
                    v.float32().accuracy(), v.float32().accuracyStd(), v.float32().tarAtFar1e3(), quantization,
                    v.converted().accuracy(), v.converted().accuracyStd(), v.converted().tarAtFar1e3(),
                    v.accuracyDrop(), roc);
            verification = String.format(Locale.ROOT, "| %.4f ± %.4f | %.4f ± %.4f | %.4f | %.4f |",
                    v.float32().accuracy(), v.float32().accuracyStd(), v.converted().accuracy(),
                    v.converted().accuracyStd(), v.float32().tarAtFar1e3(), v.converted().tarAtFar1e3());
        }
        List<String> violations = bounds.violations(v);
        out.println(violations.isEmpty() ? "quality bounds: met" : "quality bounds: NOT met: "
                + String.join("; ", violations));
        out.printf(Locale.ROOT, "took %.1f s%n", (System.nanoTime() - start) / 1e9);
        out.println("| model | float32 bytes | " + quantization + " bytes | mean cosine | min cosine "
                + "| float32 accuracy | " + quantization + " accuracy | float32 TAR@FAR1e-3 | " + quantization
                + " TAR@FAR1e-3 |");
        out.printf(Locale.ROOT, "| %s %d | %,d | %,d | %.4f | %.4f %s%n", checkpoint.spec().backboneType(),
                checkpoint.spec().inputSize(), v.float32SizeBytes(), v.sizeBytes(), v.meanCosine(), v.minCosine(),
                verification);
        return violations.isEmpty();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a.startsWith("--") ? a.substring(2) : null;
            if (name != null && FLAGS.contains(name)) {
                o.put(name, "true");
            } else if (name != null && VALUED.contains(name) && i + 1 < args.length) {
                o.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
        }
        return o;
    }

    private static String required(Map<String, String> o, String name) {
        String v = o.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    private static int integer(Map<String, String> o, String name, int defaultValue) {
        try {
            return o.containsKey(name) ? Integer.parseInt(o.get(name)) : defaultValue;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, got " + o.get(name));
        }
    }

    private static double number(Map<String, String> o, String name, double defaultValue) {
        try {
            return o.containsKey(name) ? Double.parseDouble(o.get(name)) : defaultValue;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, got " + o.get(name));
        }
    }
}
