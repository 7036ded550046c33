package io.facestream.model.image;

/**
 * Square fitting: resize so the shorter side equals the target, then keep the centre square. Both steps are done in
 * one separable pass (the resized image is never built).
 *
 * <p>Resampling per axis: area averaging when shrinking (each output pixel is the mean of the source area it covers,
 * fractional pixels weighted by their overlap; no aliasing when a 1920-pixel frame becomes 112 pixels) and
 * bilinear interpolation with pixel centres at +0.5 when enlarging, which is the rule OpenCV's INTER_AREA follows.
 * At scale 1 both are the identity. Results are rounded to the nearest 8-bit value.
 *
 * <p>Geometry: the longer side is resized to round(longer * target / shorter) pixels, and the crop starts at
 * (resizedLonger - target) / 2, rounded down.
 */
final class Resampling {

    private Resampling() {
    }

    static RgbImage fitSquare(RgbImage src, int size) {
        if (src.width() == size && src.height() == size) {
            return src;
        }
        int shorter = Math.min(src.width(), src.height());
        int resizedWidth = resizedLength(src.width(), shorter, size);
        int resizedHeight = resizedLength(src.height(), shorter, size);
        AxisWeights wx = AxisWeights.of(src.width(), resizedWidth, (resizedWidth - size) / 2, size);
        AxisWeights wy = AxisWeights.of(src.height(), resizedHeight, (resizedHeight - size) / 2, size);

        // horizontal pass over only the source rows the vertical pass reads
        int firstRow = wy.firstSource();
        int rows = wy.lastSource() - firstRow + 1;
        float[] horizontal = new float[rows * size * 3];
        byte[] in = src.rgb();
        for (int r = 0; r < rows; r++) {
            int rowStart = (firstRow + r) * src.width() * 3;
            int out = r * size * 3;
            for (int j = 0; j < size; j++) {
                float red = 0;
                float green = 0;
                float blue = 0;
                int start = wx.start[j];
                float[] weights = wx.weights[j];
                for (int k = 0; k < weights.length; k++) {
                    int p = rowStart + (start + k) * 3;
                    float w = weights[k];
                    red += w * (in[p] & 0xFF);
                    green += w * (in[p + 1] & 0xFF);
                    blue += w * (in[p + 2] & 0xFF);
                }
                horizontal[out++] = red;
                horizontal[out++] = green;
                horizontal[out++] = blue;
            }
        }

        byte[] out = new byte[size * size * 3];
        int rowFloats = size * 3;
        for (int i = 0; i < size; i++) {
            int start = wy.start[i] - firstRow;
            float[] weights = wy.weights[i];
            int dst = i * rowFloats;
            for (int c = 0; c < rowFloats; c++) {
                float v = 0;
                for (int k = 0; k < weights.length; k++) {
                    v += weights[k] * horizontal[(start + k) * rowFloats + c];
                }
                out[dst + c] = (byte) Math.min(255, Math.max(0, Math.round(v)));
            }
        }
        return new RgbImage(size, size, out);
    }

    private static int resizedLength(int length, int shorter, int size) {
        return length == shorter ? size : Math.max(size, (int) Math.round((double) length * size / shorter));
    }

    /** For each output index: the first source index it reads and the weights of consecutive source pixels. */
    private record AxisWeights(int[] start, float[][] weights) {

        /**
         * @param sourceLength pixels along the axis in the source
         * @param resizedLength pixels along the axis after resizing
         * @param offset first resized pixel kept by the crop
         * @param size output pixels
         */
        static AxisWeights of(int sourceLength, int resizedLength, int offset, int size) {
            double scale = (double) sourceLength / resizedLength; // source pixels per resized pixel
            int[] start = new int[size];
            float[][] weights = new float[size][];
            for (int j = 0; j < size; j++) {
                int k = j + offset;
                if (scale >= 1) {
                    double from = k * scale;
                    double to = Math.min(sourceLength, (k + 1) * scale);
                    int first = (int) Math.floor(from);
                    int last = Math.min(sourceLength - 1, (int) Math.ceil(to) - 1);
                    float[] w = new float[last - first + 1];
                    for (int s = first; s <= last; s++) {
                        double overlap = Math.min(to, s + 1) - Math.max(from, s);
                        w[s - first] = (float) (overlap / (to - from));
                    }
                    start[j] = first;
                    weights[j] = w;
                } else {
                    double centre = Math.max(0, Math.min(sourceLength - 1, (k + 0.5) * scale - 0.5));
                    int first = (int) Math.floor(centre);
                    double t = centre - first;
                    if (first + 1 < sourceLength && t > 0) {
                        weights[j] = new float[] {(float) (1 - t), (float) t};
                    } else {
                        weights[j] = new float[] {1f};
                    }
                    start[j] = first;
                }
            }
            return new AxisWeights(start, weights);
        }

        int firstSource() {
            return start[0];
        }

        int lastSource() {
            int last = 0;
            for (int j = 0; j < start.length; j++) {
                last = Math.max(last, start[j] + weights[j].length - 1);
            }
            return last;
        }
    }
}
