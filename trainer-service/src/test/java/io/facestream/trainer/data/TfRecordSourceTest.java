package io.facestream.trainer.data;

import io.facestream.model.image.ImageDecoder;
import io.facestream.model.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TfRecordSourceTest {

    @TempDir
    Path dir;

    @Test
    void binaryImgRecordsGiveTheirLabelsAndDecodeTheirImages() throws IOException {
        Path file = dir.resolve("train_bin.tfrecord");
        TfRecordFiles.write(file, List.of(
                TfRecordFiles.binaryExample(3, "p3/a.png", TfRecordFiles.png(TfRecordFiles.image(12, 10, 1))),
                TfRecordFiles.binaryExample(0, "p0/b.png", TfRecordFiles.png(TfRecordFiles.image(12, 10, 2))),
                TfRecordFiles.binaryExample(3, "p3/c.png", TfRecordFiles.png(TfRecordFiles.image(12, 10, 3)))));
        List<LabelledImage> images = new TfRecordSource(List.of(file), true, null, new ImageDecoder()).images();
        assertEquals(List.of("3", "0", "3"), images.stream().map(LabelledImage::identity).toList());
        assertTrue(images.get(1).origin().contains("p0/b.png"), images.get(1).origin());
        for (int i = 0; i < 3; i++) {
            assertEquals(TfRecordFiles.image(12, 10, i + 1), images.get(i).load());
        }
    }

    @Test
    void pathRecordsLoadTheFilesTheyName() throws IOException {
        Path images = Files.createDirectories(dir.resolve("faces/p7"));
        Files.write(images.resolve("x.png"), TfRecordFiles.png(TfRecordFiles.image(8, 8, 5)));
        Path file = dir.resolve("train.tfrecord");
        TfRecordFiles.write(file, List.of(TfRecordFiles.pathExample(7, "x.png", "faces/p7/x.png")));
        // relative paths start at the record file's folder, or at the given root
        LabelledImage image = new TfRecordSource(List.of(file), false, null, new ImageDecoder()).images().get(0);
        assertEquals("7", image.identity());
        assertEquals(TfRecordFiles.image(8, 8, 5), image.load());
        Path elsewhere = Files.createDirectories(dir.resolve("records"));
        Files.move(file, elsewhere.resolve("train.tfrecord"));
        LabelledImage rooted = new TfRecordSource(List.of(elsewhere.resolve("train.tfrecord")), false, dir,
                new ImageDecoder()).images().get(0);
        assertEquals(TfRecordFiles.image(8, 8, 5), rooted.load());
    }

    @Test
    void theWrongVariantIsNamed() throws IOException {
        Path binary = dir.resolve("bin.tfrecord");
        TfRecordFiles.write(binary, List.of(TfRecordFiles.binaryExample(1, "a", new byte[]{1, 2})));
        TfRecordFormatException e = assertThrows(TfRecordFormatException.class,
                () -> new TfRecordSource(List.of(binary), false, null, new ImageDecoder()).images());
        assertTrue(e.getMessage().contains("image/img_path") && e.getMessage().contains("binary_img true"),
                e.getMessage());
        Path paths = dir.resolve("paths.tfrecord");
        TfRecordFiles.write(paths, List.of(TfRecordFiles.pathExample(1, "a", "a.png")));
        e = assertThrows(TfRecordFormatException.class,
                () -> new TfRecordSource(List.of(paths), true, null, new ImageDecoder()).images());
        assertTrue(e.getMessage().contains("image/encoded") && e.getMessage().contains("binary_img false"),
                e.getMessage());
    }

    @Test
    void aRecordThatIsNotAnExampleIsRejected() throws IOException {
        Path file = dir.resolve("junk.tfrecord");
        TfRecordFiles.write(file, List.of(new byte[]{(byte) 0xff, (byte) 0xff, (byte) 0xff}));
        TfRecordFormatException e = assertThrows(TfRecordFormatException.class,
                () -> new TfRecordSource(List.of(file), true, null, new ImageDecoder()).images());
        assertTrue(e.getMessage().contains("not a tf.train.Example"), e.getMessage());
    }

    @Test
    void anImageDamagedAfterListingFailsItsLoad() throws IOException {
        Path file = dir.resolve("later.tfrecord");
        RgbImage picture = TfRecordFiles.image(6, 6, 9);
        TfRecordFiles.write(file, List.of(TfRecordFiles.binaryExample(2, "z", TfRecordFiles.png(picture))));
        LabelledImage image = new TfRecordSource(List.of(file), true, null, new ImageDecoder()).images().get(0);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 10] ^= 1;
        Files.write(file, bytes);
        assertThrows(TfRecordFormatException.class, image::load);
    }
}
