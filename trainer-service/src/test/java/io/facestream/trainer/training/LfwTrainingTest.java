package io.facestream.trainer.training;

import io.facestream.model.image.ImageDecoder;
import io.facestream.trainer.data.ImageFolderSource;
import io.facestream.trainer.data.LabelledImage;
import io.facestream.trainer.data.LabelledImageSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A few training steps on real faces: LFW crops (../shared/data/lfw112, never part of the repository), the first
 * identities with at least 5 images, a small MobileNetV2 at 64 pixels with ArcFace.
 */
class LfwTrainingTest {

    private static final int IDENTITIES = 40;

    @TempDir
    Path dir;

    @Test
    void theLossFallsOnRealFaces() throws IOException {
        Path faces = facesDir();
        assumeTrue(faces != null, "skipped: the LFW face crops (shared/data/lfw112) are not here; set the system "
                + "property facestream.faces.dir to their folder to run this test");
        LabelledImageSource lfw = firstIdentities(new ImageFolderSource(faces.resolve("train"), new ImageDecoder()),
                5, IDENTITIES);
        TrainingConfig config = TrainingConfig.builder()
                .backboneType("MobileNetV2").alpha(0.35).inputSize(64).embdShape(64).batchSize(32)
                .headType("ArcHead").margin(0.3).logistScale(32.0).baseLr(0.05)
                .minImagesPerIdentity(5).validationFraction(0).epochs(100).maxSteps(40).saveSteps(1000).seed(7)
                .build();
        RecordingListener events = new RecordingListener();
        TrainingEvents.Result result = new Trainer(config, dir, events, 2).train(lfw, Trainer.StartFrom.scratch());

        assertEquals(IDENTITIES, events.started.get(0).classes());
        assertEquals(40, result.steps());
        List<Double> losses = events.losses();
        double first = losses.subList(0, 10).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(30, 40).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertTrue(last < 0.8 * first, "mean loss of steps 1-10 " + first + ", of steps 31-40 " + last);
    }

    /** The images of the first count identities (in name order) that have at least min images. */
    private static LabelledImageSource firstIdentities(LabelledImageSource source, int min, int count) {
        return new LabelledImageSource() {
            public String description() {
                return "the first " + count + " identities with " + min + "+ images of " + source.description();
            }

            public List<LabelledImage> images() throws IOException {
                Map<String, List<LabelledImage>> byIdentity = new LinkedHashMap<>();
                for (LabelledImage image : source.images()) {
                    byIdentity.computeIfAbsent(image.identity(), k -> new java.util.ArrayList<>()).add(image);
                }
                return byIdentity.values().stream().filter(images -> images.size() >= min).limit(count)
                        .flatMap(List::stream).toList();
            }
        };
    }

    /** facestream.faces.dir (the parent pom sets it), else shared/data/lfw112 beside the repository. */
    private static Path facesDir() {
        String property = System.getProperty("facestream.faces.dir");
        return Stream.of(property, "../shared/data/lfw112", "../../shared/data/lfw112")
                .filter(Objects::nonNull).map(Path::of)
                .filter(p -> Files.isDirectory(p.resolve("train")))
                .findFirst().orElse(null);
    }
}
