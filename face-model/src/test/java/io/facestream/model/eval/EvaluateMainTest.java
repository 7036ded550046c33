package io.facestream.model.eval;

import io.facestream.model.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluateMainTest {

    @TempDir
    Path dir;

    /** 16 people, 3 JPEGs each, each person a colour with random texture. */
    private Path faces() throws IOException {
        Path train = dir.resolve("train");
        Random random = new Random(8);
        for (int p = 0; p < 16; p++) {
            String person = "Person_" + (char) ('A' + p);
            int red = random.nextInt(200);
            int green = random.nextInt(200);
            for (int i = 1; i <= 3; i++) {
                byte[] rgb = new byte[24 * 24 * 3];
                for (int k = 0; k < rgb.length; k += 3) {
                    rgb[k] = (byte) (red + random.nextInt(40));
                    rgb[k + 1] = (byte) (green + random.nextInt(40));
                    rgb[k + 2] = (byte) random.nextInt(40);
                }
                Path file = LfwPairs.imagePath(train, person, i);
                Files.createDirectories(file.getParent());
                BufferedImage image = new BufferedImage(24, 24, BufferedImage.TYPE_INT_RGB);
                RgbImage face = new RgbImage(24, 24, rgb);
                for (int y = 0; y < 24; y++) {
                    for (int x = 0; x < 24; x++) {
                        image.setRGB(x, y,
                                face.sample(x, y, 0) << 16 | face.sample(x, y, 1) << 8 | face.sample(x, y, 2));
                    }
                }
                ImageIO.write(image, "jpg", file.toFile());
            }
        }
        return train;
    }

    /** 10 matched and 10 mismatched pairs among Person_A .. Person_E. */
    private Path pairs() throws IOException {
        List<String> lines = new ArrayList<>(List.of("10"));
        for (int k = 0; k < 10; k++) {
            String person = "Person_" + (char) ('A' + k % 5);
            lines.add(person + "\t" + (1 + k / 5) + "\t3");
        }
        for (int k = 0; k < 10; k++) {
            lines.add("Person_" + (char) ('A' + k % 5) + "\t" + (1 + k % 3) + "\tPerson_" + (char) ('A' + (k + 1) % 5)
                    + "\t" + (1 + k / 5));
        }
        Path file = dir.resolve("pairs.txt");
        Files.write(file, lines);
        return file;
    }

    @Test
    void fitsOnThePeopleThePairsDoNotNameAndWritesTheRocCurve() throws IOException {
        Path train = faces();
        Path pairs = pairs();
        List<Path> training = EvaluateMain.trainingImages(train, LfwPairs.read(pairs, train).people());
        assertEquals(33, training.size(), "11 people of 16 left, 3 images each");
        assertTrue(training.stream().noneMatch(p -> p.getFileName().toString().compareTo("Person_F") < 0),
                "Person_A .. Person_E held out");

        Path roc = dir.resolve("out").resolve("roc.png");
        EvaluateMain.run(new String[] {"--pairs", pairs.toString(), "--train", train.toString(),
            "--size", "16", "--components", "8", "--roc", roc.toString()});
        assertNotNull(ImageIO.read(roc.toFile()), "ROC PNG written");
    }

    @Test
    void refusesBadArguments() throws IOException {
        Path pairs = pairs();
        assertThrows(IllegalArgumentException.class,
                () -> EvaluateMain.run(new String[] {"--pairs", pairs.toString()}));
        assertThrows(IllegalArgumentException.class, () -> EvaluateMain.run(new String[] {"--pairs", pairs.toString(),
            "--train", "x", "--componentz", "8"}));
        assertThrows(IllegalArgumentException.class, () -> EvaluateMain.run(new String[] {"--pairs", pairs.toString(),
            "--train", "x", "--size", "big"}));
        assertThrows(IOException.class, () -> EvaluateMain.trainingImages(dir.resolve("absent"), Set.of()));
    }
}
