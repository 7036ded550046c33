package io.facestream.trainer.data;

import com.google.protobuf.ByteString;
import io.facestream.model.image.RgbImage;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.Int64List;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test helpers: TFRecord files with TensorFlow's framing, arcface-tf2 Examples, PNG images. */
final class TfRecordFiles {

    private TfRecordFiles() {
    }

    static void write(Path file, List<byte[]> records) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (byte[] data : records) {
                byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
                out.write(length);
                out.write(crc(length));
                out.write(data);
                out.write(crc(data));
            }
        }
    }

    private static byte[] crc(byte[] bytes) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(TfRecordReader.maskedCrc32c(bytes, 0, bytes.length)).array();
    }

    /** arcface-tf2's binary_img record. */
    static byte[] binaryExample(long label, String filename, byte[] encoded) {
        return Example.newBuilder().setFeatures(Features.newBuilder()
                .putFeature(TfRecordSource.LABEL, int64(label))
                .putFeature(TfRecordSource.FILENAME, bytes(filename.getBytes(StandardCharsets.UTF_8)))
                .putFeature(TfRecordSource.ENCODED, bytes(encoded))).build().toByteArray();
    }

    /** arcface-tf2's path-based record. */
    static byte[] pathExample(long label, String filename, String imagePath) {
        return Example.newBuilder().setFeatures(Features.newBuilder()
                .putFeature(TfRecordSource.LABEL, int64(label))
                .putFeature(TfRecordSource.FILENAME, bytes(filename.getBytes(StandardCharsets.UTF_8)))
                .putFeature(TfRecordSource.PATH, bytes(imagePath.getBytes(StandardCharsets.UTF_8)))).build()
                .toByteArray();
    }

    private static Feature int64(long v) {
        return Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(v)).build();
    }

    private static Feature bytes(byte[] v) {
        return Feature.newBuilder().setBytesList(BytesList.newBuilder().addValue(ByteString.copyFrom(v))).build();
    }

    /** A w x h image whose pixels encode their position and a tag, so mix-ups show. */
    static RgbImage image(int w, int h, int tag) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = (y * w + x) * 3;
                rgb[p] = (byte) (x * 7 + tag);
                rgb[p + 1] = (byte) (y * 11);
                rgb[p + 2] = (byte) (tag * 40);
            }
        }
        return new RgbImage(w, h, rgb);
    }

    static byte[] png(RgbImage image) throws IOException {
        BufferedImage b = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                b.setRGB(x, y, image.sample(x, y, 0) << 16 | image.sample(x, y, 1) << 8 | image.sample(x, y, 2));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(b, "png", out);
        return out.toByteArray();
    }
}
