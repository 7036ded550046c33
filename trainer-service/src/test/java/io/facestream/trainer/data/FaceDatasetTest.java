package io.facestream.trainer.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaceDatasetTest {

    /** identity -> image count */
    private static List<LabelledImage> images(Map<String, Integer> counts) {
        List<LabelledImage> out = new ArrayList<>();
        counts.forEach((identity, n) -> {
            for (int i = 0; i < n; i++) {
                out.add(new LabelledImage(identity, identity + "/" + i, () -> {
                    throw new AssertionError("not loaded here");
                }));
            }
        });
        return out;
    }

    @Test
    void dropsSmallIdentitiesAndNumbersTheRestInNameOrder() {
        FaceDataset d = FaceDataset.of(images(Map.of("zoe", 6, "adam", 5, "mia", 2, "li", 9)), 5, 0, 1);
        assertEquals(List.of("adam", "li", "zoe"), d.classes());
        assertEquals(1, d.droppedIdentities());
        assertEquals(20, d.training().size());
        assertTrue(d.validation().isEmpty());
        for (FaceDataset.Sample s : d.training()) {
            assertEquals(d.classes().get(s.label()), s.image().identity());
        }
    }

    @Test
    void holdsOutTheFractionOfEachIdentityButNeverAllOfIt() {
        FaceDataset d = FaceDataset.of(images(Map.of("a", 10, "b", 4, "c", 1, "d", 2)), 1, 0.3, 7);
        Map<String, Long> held = d.validation().stream()
                .collect(Collectors.groupingBy(s -> s.image().identity(), Collectors.counting()));
        assertEquals(Map.of("a", 3L, "b", 1L), held); // floor(10 * 0.3), floor(4 * 0.3); none of c or d
        assertEquals(17 - 4, d.training().size());
        Set<String> all = new HashSet<>();
        d.training().forEach(s -> all.add(s.image().origin()));
        d.validation().forEach(s -> assertTrue(all.add(s.image().origin()), "in both splits: " + s));
        assertEquals(17, all.size());
    }

    @Test
    void theSplitFollowsTheSeed() {
        List<LabelledImage> images = images(Map.of("a", 20, "b", 20));
        List<String> first = origins(FaceDataset.of(images, 1, 0.25, 3).validation());
        assertEquals(first, origins(FaceDataset.of(images, 1, 0.25, 3).validation()));
        assertNotEquals(first, origins(FaceDataset.of(images, 1, 0.25, 4).validation()));
    }

    @Test
    void fewerThanTwoIdentitiesCannotTrainAClassifier() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FaceDataset.of(images(Map.of("a", 8, "b", 2)), 5, 0, 1));
        assertTrue(e.getMessage().contains("at least 2 identities"), e.getMessage());
    }

    private static List<String> origins(List<FaceDataset.Sample> samples) {
        return samples.stream().map(s -> s.image().origin()).toList();
    }
}
