package io.facestream.trainer.data;

import java.io.IOException;
import java.util.List;

/**
 * Where training images come from: image folders ({@link ImageFolderSource}), arcface-tf2 TFRecords
 * ({@link TfRecordSource}), or any other store of labelled images (the enrollment topic, say) that lists its images
 * with a loader each.
 */
public interface LabelledImageSource {

    /** One line for logs and run status ("image folders under /data/faces"). */
    String description();

    /** Every image with its identity, in a stable order (the same data gives the same list). */
    List<LabelledImage> images() throws IOException;
}
