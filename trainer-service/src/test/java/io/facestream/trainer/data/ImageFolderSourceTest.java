package io.facestream.trainer.data;

import io.facestream.model.image.ImageDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ImageFolderSourceTest {

    @TempDir
    Path dir;

    @Test
    void listsImagesPerIdentityFolderInNameOrder() throws IOException {
        Path bob = Files.createDirectories(dir.resolve("Bob"));
        Path ann = Files.createDirectories(dir.resolve("Ann"));
        Files.createDirectories(dir.resolve(".cache"));
        Files.write(bob.resolve("2.PNG"), TfRecordFiles.png(TfRecordFiles.image(5, 5, 2)));
        Files.write(bob.resolve("1.png"), TfRecordFiles.png(TfRecordFiles.image(5, 5, 1)));
        Files.write(ann.resolve("a.png"), TfRecordFiles.png(TfRecordFiles.image(5, 5, 3)));
        Files.writeString(ann.resolve("notes.txt"), "not an image");
        Files.write(ann.resolve(".hidden.png"), new byte[]{1});
        Files.writeString(dir.resolve("README.png"), "a file at the top is no identity");

        List<LabelledImage> images = new ImageFolderSource(dir, new ImageDecoder()).images();
        assertEquals(List.of("Ann", "Bob", "Bob"), images.stream().map(LabelledImage::identity).toList());
        assertEquals(bob.resolve("1.png").toString(), images.get(1).origin());
        assertEquals(TfRecordFiles.image(5, 5, 3), images.get(0).load());
        assertEquals(TfRecordFiles.image(5, 5, 2), images.get(2).load());
    }

    @Test
    void aMissingRootIsAnError() {
        assertThrows(NoSuchFileException.class,
                () -> new ImageFolderSource(dir.resolve("absent"), new ImageDecoder()).images());
    }
}
