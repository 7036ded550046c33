package io.facestream.model.image;

/**
 * What an image may cost before it is decoded. maxPixels is checked against the dimensions in the header, before
 * any pixel is decoded, so a small file announcing a huge image (a decompression bomb) is refused cheaply.
 *
 * @param maxBytes  largest encoded size accepted
 * @param maxPixels largest width * height accepted
 */
public record ImageLimits(int maxBytes, long maxPixels) {

    /**
     * 16 MiB and 25 megapixels: room for a 24-megapixel camera photo (6000 x 4000), while one decode stays under
     * about 200 MB of heap (decoded image plus its RGB copy).
     */
    public static final ImageLimits DEFAULT = new ImageLimits(16 * 1024 * 1024, 25_000_000L);

    public ImageLimits {
        if (maxBytes <= 0 || maxPixels <= 0) {
            throw new IllegalArgumentException("limits must be positive: maxBytes=" + maxBytes
                    + " maxPixels=" + maxPixels);
        }
        if (maxPixels > Integer.MAX_VALUE / 3) {
            throw new IllegalArgumentException("maxPixels " + maxPixels + " is more than one RGB byte array holds ("
                    + Integer.MAX_VALUE / 3 + ")");
        }
    }
}
