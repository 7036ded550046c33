package io.facestream.model.eval;

import io.facestream.model.image.ImageDecoder;
import io.facestream.model.image.RgbImage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The eigenfaces baseline on LFW's pairsDevTrain.txt over the real lfw112 crops (system property
 * facestream.faces.dir), fitted only on people the pairs do not name. Skipped when the data is absent.
 */
class RealFacesEvaluationTest {

    @Test
    void eigenfacesBeatChanceOnPairsDevTrain() throws IOException {
        Path faces = Path.of(System.getProperty("facestream.faces.dir", "../shared/data/lfw112"));
        Path pairsFile = faces.resolve("pairsDevTrain.txt");
        assumeTrue(Files.isRegularFile(pairsFile) && Files.isDirectory(faces.resolve("train")),
                "skipped: no lfw112 data at " + faces.toAbsolutePath()
                        + " (set -Dfacestream.faces.dir to the lfw112 folder to run this test)");

        LfwPairs pairs = LfwPairs.read(pairsFile, faces.resolve("train"));
        assertEquals(1100, pairs.matchedCount());
        assertEquals(1100, pairs.mismatchedCount());

        List<Path> training = new ArrayList<>(EvaluateMain.trainingImages(faces.resolve("train"), pairs.people()));
        for (Path image : training) {
            String person = image.getParent().getFileName().toString();
            assertTrue(!pairs.people().contains(person), person + " is in the pairs and must be held out");
        }
        // a fast setting: 1,000 training faces, 32x32 grey, 64 components
        Collections.shuffle(training, new Random(1));
        List<Path> sample = training.subList(0, 1000);
        ImageDecoder decoder = new ImageDecoder();
        Eigenfaces model = Eigenfaces.fit(() -> sample.stream().map(p -> decode(decoder, p)).iterator(),
                new Eigenfaces.Options(32, true, 64, true, 0.8));

        VerificationResult result = new VerificationEvaluator(model).evaluate(pairs);
        System.out.println("eigenfaces (1,000 faces, 32x32 grey, 64 components) on lfw112 " + result.summary());
        assertEquals(10, result.folds().folds());
        assertEquals(pairs.imageCount(), result.images());
        assertTrue(result.accuracy() > 0.6, "clearly above chance: " + result.accuracy());
        assertTrue(result.auc() > 0.65, "AUC " + result.auc());
        assertTrue(result.accuracy() < 0.9, "eigenfaces cannot be this good; something leaks: " + result.accuracy());
    }

    private static RgbImage decode(ImageDecoder decoder, Path file) {
        try {
            return decoder.decode(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
