package io.facestream.model.eval;

import java.io.IOException;
import java.util.List;

/**
 * A face-verification test set: images, indexed 0..imageCount()-1 with each distinct image once (so each is embedded
 * once), and labelled pairs of them. Pairs keep the order of their file: {@link VerificationMetrics#stratifiedFolds}
 * turns that order into LFW's folds.
 */
public interface PairsSet {

    /** Short name for reports, e.g. the file name. */
    String name();

    List<ImagePair> pairs();

    int imageCount();

    /** Where the image comes from (a path, an item number), for messages. */
    String imageLabel(int image);

    /** The image's encoded (JPEG or PNG) bytes. */
    byte[] readImage(int image) throws IOException;

    default int matchedCount() {
        return (int) pairs().stream().filter(ImagePair::same).count();
    }

    default int mismatchedCount() {
        return pairs().size() - matchedCount();
    }
}
