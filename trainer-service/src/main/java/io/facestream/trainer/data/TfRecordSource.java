package io.facestream.trainer.data;

import com.google.protobuf.InvalidProtocolBufferException;
import io.facestream.model.image.ImageDecoder;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Face images in the TFRecord format of arcface-tf2 and JHFace: one tf.train.Example per image with the class as
 * "image/source_id" (int64) and "image/filename" (bytes), plus either
 * <ul>
 *   <li>binary_img: "image/encoded", the JPEG/PNG bytes in the record, or</li>
 *   <li>the path-based variant: "image/img_path", the image file's path (a relative path is taken against
 *       imageRoot, or the record file's folder when that is null).</li>
 * </ul>
 * Listing reads every record once (checking its CRCs) to learn the labels; an image's bytes are read again, and
 * checked again, when it is loaded. The identity of an image is its label as a decimal string.
 */
public final class TfRecordSource implements LabelledImageSource {

    static final String LABEL = "image/source_id";
    static final String FILENAME = "image/filename";
    static final String ENCODED = "image/encoded";
    static final String PATH = "image/img_path";

    private final List<Path> files;
    private final boolean binaryImg;
    private final Path imageRoot;
    private final ImageDecoder decoder;

    /**
     * @param files     the TFRecord files, read in this order
     * @param binaryImg true for records holding the image bytes (JHFace's binary_img), false for image paths
     * @param imageRoot where relative image paths start (path-based variant); null for each record file's folder
     */
    public TfRecordSource(List<Path> files, boolean binaryImg, Path imageRoot, ImageDecoder decoder) {
        if (files == null || files.isEmpty() || decoder == null) {
            throw new IllegalArgumentException("at least one TFRecord file and a decoder are required");
        }
        this.files = List.copyOf(files);
        this.binaryImg = binaryImg;
        this.imageRoot = imageRoot;
        this.decoder = decoder;
    }

    @Override
    public String description() {
        return (binaryImg ? "TFRecord images " : "TFRecord image paths ") + files;
    }

    @Override
    public List<LabelledImage> images() throws IOException {
        List<LabelledImage> images = new ArrayList<>();
        for (Path file : files) {
            try (TfRecordReader reader = TfRecordReader.open(file)) {
                for (TfRecordReader.Entry e; (e = reader.next()) != null; ) {
                    images.add(image(file, e.offset(), parse(file, e.offset(), e.data())));
                }
            }
        }
        return images;
    }

    private LabelledImage image(Path file, long offset, Map<String, Feature> features) throws IOException {
        String where = file + "@" + offset;
        Feature label = features.get(LABEL);
        if (label == null || label.getInt64List().getValueCount() != 1) {
            throw new TfRecordFormatException("record " + where + " has no single int64 " + LABEL + " (the label)");
        }
        String origin = where + bytesFeature(features, FILENAME).map(name -> " (" + name + ")").orElse("");
        String identity = Long.toString(label.getInt64List().getValue(0));
        if (binaryImg) {
            if (!features.containsKey(ENCODED)) {
                throw new TfRecordFormatException("record " + where + " has no " + ENCODED + ": is it the path-based "
                        + "variant (binary_img false)?");
            }
            return new LabelledImage(identity, origin, () -> {
                Feature encoded = parse(file, offset, TfRecordReader.readAt(file, offset)).get(ENCODED);
                if (encoded == null || encoded.getBytesList().getValueCount() != 1) {
                    throw new TfRecordFormatException("record " + where + " no longer holds one " + ENCODED);
                }
                return decoder.decode(encoded.getBytesList().getValue(0).toByteArray());
            });
        }
        String imagePath = bytesFeature(features, PATH).orElseThrow(() -> new TfRecordFormatException("record "
                + where + " has no " + PATH + ": does it hold the image bytes (binary_img true)?"));
        Path base = imageRoot != null ? imageRoot : file.toAbsolutePath().getParent();
        Path image = base.resolve(imagePath);
        return new LabelledImage(identity, origin + " -> " + image, () -> decoder.decode(Files.readAllBytes(image)));
    }

    private static Optional<String> bytesFeature(Map<String, Feature> features, String name) {
        Feature f = features.get(name);
        if (f == null || f.getBytesList().getValueCount() == 0) {
            return Optional.empty();
        }
        return Optional.of(f.getBytesList().getValue(0).toString(StandardCharsets.UTF_8));
    }

    private static Map<String, Feature> parse(Path file, long offset, byte[] data) throws TfRecordFormatException {
        try {
            return Example.parseFrom(data).getFeatures().getFeatureMap();
        } catch (InvalidProtocolBufferException e) {
            throw new TfRecordFormatException("record " + file + "@" + offset + " is not a tf.train.Example: "
                    + e.getMessage(), e);
        }
    }
}
