package io.facestream.model.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LfwPairsTest {

    @TempDir
    Path dir;

    private Path images() throws IOException {
        Path root = dir.resolve("images");
        for (String person : List.of("Ann_Lee", "Bo_Chan", "Cy_Dow")) {
            for (int i = 1; i <= 3; i++) {
                Path file = LfwPairs.imagePath(root, person, i);
                Files.createDirectories(file.getParent());
                Files.write(file, (person + i).getBytes(StandardCharsets.UTF_8));
            }
        }
        return root;
    }

    private Path pairsFile(String... lines) throws IOException {
        Path file = dir.resolve("pairs.txt");
        Files.write(file, List.of(lines), StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void readsMatchedThenMismatchedPairsWithEachImageOnce() throws IOException {
        Path root = images();
        LfwPairs set = LfwPairs.read(pairsFile("2", "Ann_Lee\t1\t2", "Bo_Chan\t1\t3",
                "Ann_Lee\t1\tBo_Chan\t3", "Cy_Dow\t2\tAnn_Lee\t2", ""), root);

        assertEquals("pairs.txt", set.name());
        assertEquals(1, set.sets());
        assertEquals(List.of(new ImagePair(0, 1, true), new ImagePair(2, 3, true), new ImagePair(0, 3, false),
                new ImagePair(4, 1, false)), set.pairs());
        assertEquals(5, set.imageCount(), "Ann_Lee 1 and 2 and Bo_Chan 3 appear twice but are indexed once");
        assertEquals(root.resolve("Ann_Lee").resolve("Ann_Lee_0001.jpg"), set.imagePath(0));
        assertEquals(root.resolve("Cy_Dow").resolve("Cy_Dow_0002.jpg"), set.imagePath(4));
        assertArrayEquals("Bo_Chan3".getBytes(StandardCharsets.UTF_8), set.readImage(3));
        assertEquals(Set.of("Ann_Lee", "Bo_Chan", "Cy_Dow"), set.people());
        assertEquals(2, set.matchedCount());
        assertEquals(2, set.mismatchedCount());
    }

    @Test
    void readsTheSetsHeaderOfPairsTxt() throws IOException {
        LfwPairs set = LfwPairs.read(pairsFile("2\t1", "Ann_Lee\t1\t2", "Ann_Lee\t1\tBo_Chan\t1",
                "Cy_Dow\t1\t3", "Cy_Dow\t1\tBo_Chan\t2"), images());
        assertEquals(2, set.sets());
        assertEquals(List.of(true, false, true, false), set.pairs().stream().map(ImagePair::same).toList());
    }

    @Test
    void malformedFilesAreRefusedWithTheLine() throws IOException {
        Path root = images();
        assertRefused(root, 1, "must be a positive integer", "two", "Ann_Lee\t1\t2");
        assertRefused(root, 1, "the header must be", "1 2 3", "Ann_Lee\t1\t2");
        assertRefused(root, 0, "2 pair lines, but 1 follow", "1", "Ann_Lee\t1\t2");
        assertRefused(root, 0, "2 pair lines, but 3 follow", "1", "Ann_Lee\t1\t2", "Ann_Lee\t1\tBo_Chan\t1",
                "Ann_Lee\t1\tBo_Chan\t2");
        assertRefused(root, 2, "expected a matched pair", "1", "Ann_Lee\t1\tBo_Chan\t1", "Ann_Lee\t1\t2");
        assertRefused(root, 3, "expected a mismatched pair", "1", "Ann_Lee\t1\t2", "Ann_Lee\t1\t3");
        assertRefused(root, 2, "image number must be a positive integer, got 'x'", "1", "Ann_Lee\tx\t2",
                "Ann_Lee\t1\tBo_Chan\t1");
        assertRefused(root, 3, "image number must be a positive integer, got '0'", "1", "Ann_Lee\t1\t2",
                "Ann_Lee\t1\tBo_Chan\t0");
        assertRefused(root, 2, "with itself", "1", "Ann_Lee\t2\t2", "Ann_Lee\t1\tBo_Chan\t1");
        assertRefused(root, 3, "names the same person twice", "1", "Ann_Lee\t1\t2", "Ann_Lee\t1\tAnn_Lee\t3");
        assertRefused(root, 3, "is not a person's name", "1", "Ann_Lee\t1\t2", "../etc\t1\tAnn_Lee\t3");
        assertRefused(root, 3, "blank line", "2", "Ann_Lee\t1\t2", "", "Ann_Lee\t1\tBo_Chan\t1",
                "Ann_Lee\t2\tBo_Chan\t1");
        assertRefused(root, 0, "the file is empty", "", "");
    }

    @Test
    void missingImagesAreNamedWithTheLineThatNeedsThem() throws IOException {
        Path root = images();
        PairsFileException e = assertThrows(PairsFileException.class, () -> LfwPairs.read(pairsFile("1",
                "Ann_Lee\t1\t2", "Bo_Chan\t9\tZed_Zee\t1"), root));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("Bo_Chan_0009.jpg does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("2 of the 4 images are missing"), e.getMessage());
    }

    private void assertRefused(Path root, int line, String message, String... lines) throws IOException {
        Path file = pairsFile(lines);
        PairsFileException e = assertThrows(PairsFileException.class, () -> LfwPairs.read(file, root),
                String.join(" | ", lines));
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().startsWith(file + (line > 0 ? ":" + line + ":" : ":")), e.getMessage());
    }
}
