package io.facestream.converter.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Calibration images come round-robin from identity folders, so a small sample covers many people. */
class FolderCalibrationSourceTest {

    @Test
    void takes_images_round_robin_over_people_in_name_order(@TempDir Path root) throws IOException {
        write(root.resolve("Bob/Bob_0001.jpg"), "b1");
        write(root.resolve("Bob/Bob_0002.jpg"), "b2");
        write(root.resolve("Bob/Bob_0003.png"), "b3");
        write(root.resolve("Ann/Ann_0001.jpg"), "a1");
        write(root.resolve("Ann/notes.txt"), "not an image");
        write(root.resolve("Cid/Cid_0001.jpeg"), "c1");
        write(root.resolve("Cid/Cid_0002.JPG"), "c2");
        Files.createDirectories(root.resolve("Empty"));

        FolderCalibrationSource source = new FolderCalibrationSource(root, 1 << 20);
        assertEquals(List.of("a1", "b1", "c1", "b2", "c2"), text(source.images(5)));
        assertEquals(List.of("a1", "b1", "c1", "b2", "c2", "b3"), text(source.images(100)), "all there are");
        assertEquals(List.of("a1", "b1", "c1"), text(new FolderCalibrationSource(root, 2).images(3)),
                "files over the size bound are left out");
    }

    @Test
    void a_missing_folder_is_an_error_naming_it(@TempDir Path root) {
        IOException e = assertThrows(IOException.class,
                () -> new FolderCalibrationSource(root.resolve("nowhere"), 100).images(3));
        assertEquals(true, e.getMessage().contains("nowhere"), e.getMessage());
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private static List<String> text(List<byte[]> images) {
        return images.stream().map(String::new).toList();
    }
}
