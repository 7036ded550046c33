package io.facestream.converter.service;

import java.io.IOException;
import java.util.List;

/** Where representative face images for calibration and validation come from. */
public interface CalibrationSource {

    /**
     * Up to count encoded images (JPEG or PNG), spread over as many people as possible, in a deterministic order;
     * fewer when fewer exist.
     */
    List<byte[]> images(int count) throws IOException;

    /** Where the images come from, for reports. */
    String description();
}
