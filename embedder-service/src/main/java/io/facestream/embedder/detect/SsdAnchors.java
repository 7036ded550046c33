package io.facestream.embedder.detect;

/**
 * The SSD anchor centres a BlazeFace model's outputs are relative to, generated as MediaPipe's SSD anchor
 * calculator does for the short-range face detector: one feature map per stride (consecutive layers with the same
 * stride share one map), cells of stride x stride input pixels, anchor centres at the cell centres (offset 0.5),
 * and per layer two anchors a cell (aspect ratio 1 plus the interpolated scale). With a fixed anchor size every
 * anchor is 1 x 1 in normalised units, so the model's offsets are plain fractions of the input.
 *
 * <p>Order: layer groups in turn, within a group row by row, column by column, then the group's anchors of each
 * cell; that is the order of the model's 896 outputs.
 */
final class SsdAnchors {

    /** Aspect ratio 1 plus the interpolated-scale anchor. */
    private static final int ANCHORS_PER_LAYER_CELL = 2;
    private static final float OFFSET = 0.5f;

    private final float[] xCenter;
    private final float[] yCenter;

    private SsdAnchors(float[] xCenter, float[] yCenter) {
        this.xCenter = xCenter;
        this.yCenter = yCenter;
    }

    /** face_detection_short_range: a 128 x 128 input, four layers with strides 8, 16, 16, 16: 896 anchors. */
    static SsdAnchors shortRange() {
        return generate(128, 128, new int[] {8, 16, 16, 16});
    }

    static SsdAnchors generate(int inputWidth, int inputHeight, int[] strides) {
        int total = 0;
        for (int stride : strides) {
            total += ANCHORS_PER_LAYER_CELL * ceilDiv(inputWidth, stride) * ceilDiv(inputHeight, stride);
        }
        float[] xs = new float[total];
        float[] ys = new float[total];
        int n = 0;
        int layer = 0;
        while (layer < strides.length) {
            int stride = strides[layer];
            int sameStride = 0;
            while (layer + sameStride < strides.length && strides[layer + sameStride] == stride) {
                sameStride++;
            }
            int perCell = ANCHORS_PER_LAYER_CELL * sameStride;
            int width = ceilDiv(inputWidth, stride);
            int height = ceilDiv(inputHeight, stride);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    for (int a = 0; a < perCell; a++) {
                        xs[n] = (x + OFFSET) / width;
                        ys[n] = (y + OFFSET) / height;
                        n++;
                    }
                }
            }
            layer += sameStride;
        }
        return new SsdAnchors(xs, ys);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    int count() {
        return xCenter.length;
    }

    float xCenter(int i) {
        return xCenter[i];
    }

    float yCenter(int i) {
        return yCenter[i];
    }
}
