package io.facestream.embedder.detect;

import io.facestream.embedder.detect.SsdDecoding.Candidate;
import io.facestream.events.domain.FaceBox;
import io.facestream.model.image.ImagePreprocessor;
import io.facestream.model.image.Preprocessing;
import io.facestream.model.image.RgbImage;
import io.facestream.tflite.runtime.TensorInfo;
import io.facestream.tflite.runtime.TfliteModel;
import io.facestream.tflite.runtime.TfliteModelException;
import io.facestream.tflite.runtime.TfliteOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * MediaPipe's BlazeFace short-range face detector (face_detection_short_range.tflite from the npm package
 * {@code @mediapipe/face_detection} 0.4.1657300184, Apache-2.0; the build puts it on the classpath at
 * {@link #MODEL_RESOURCE}), run with TFLite, followed by alignment.
 *
 * <p>Per frame: the frame is letterboxed (padded with black to a centred square, as MediaPipe keeps the aspect
 * ratio) and resized to 128 x 128 with the shared preprocessing (pixels to [-1, 1]); the model gives a score and a
 * box with six keypoints for each of 896 SSD anchors ({@link SsdAnchors}), decoded and merged by weighted non-max
 * suppression ({@link SsdDecoding}); the results are mapped back to frame pixels and each face is aligned
 * ({@link FaceAligner}). Short range means large faces: measured with lfw112 crops pasted three to a frame, faces
 * of about 1/6 of the frame's longer side or more were found (112 px faces in 640 px frames: all three in 56 of 60
 * frames; 200 px in 800 px: 59 of 60), faces of 1/7 or less mostly not (112 px in 800 px: 1 of 60).
 *
 * <p>Not thread-safe: it owns one TFLite interpreter. Use one instance per worker thread, and {@link #close()} it
 * to free the native memory.
 */
public final class BlazeFaceDetector implements FaceDetector {

    /** Where the build puts the model on the classpath (embedder-service/pom.xml fetches it). */
    public static final String MODEL_RESOURCE = "detector/face_detection_short_range.tflite";
    public static final int DEFAULT_ALIGNED_SIZE = 112;
    /** MediaPipe's minimum score for this model. */
    public static final float DEFAULT_MIN_SCORE = 0.5f;
    /** MediaPipe's overlap (intersection over union) above which detections are merged as one face. */
    static final float MIN_SUPPRESSION_THRESHOLD = 0.3f;
    static final int INPUT_SIZE = 128;

    private final TfliteModel model;
    private final SsdAnchors anchors = SsdAnchors.shortRange();
    private final ImagePreprocessor input = new ImagePreprocessor(Preprocessing.minusOneToOne(INPUT_SIZE));
    private final int boxesTensor;
    private final int scoresTensor;
    private final int alignedSize;
    private final float minScore;
    /** Only the fitting of aligned crops is used (their resizing); one per requested size. */
    private final Map<Integer, ImagePreprocessor> fitters = new HashMap<>();

    /**
     * @param model       the bytes of face_detection_short_range.tflite
     * @param alignedSize side of the aligned crops {@link #detect(RgbImage)} returns (16..1024)
     * @param minScore    detections scoring less (0..1) are dropped
     */
    public BlazeFaceDetector(byte[] model, int alignedSize, float minScore) {
        checkAlignedSize(alignedSize);
        if (!(minScore >= 0 && minScore <= 1)) {
            throw new IllegalArgumentException("minScore must be in 0..1, got " + minScore);
        }
        this.alignedSize = alignedSize;
        this.minScore = minScore;
        this.model = TfliteModel.load(model, TfliteOptions.DEFAULT);
        try {
            if (this.model.inputCount() != 1) {
                throw new TfliteModelException(this.model.source() + " has " + this.model.inputCount()
                        + " inputs: not the BlazeFace short-range model");
            }
            checkInput(this.model.input(0));
            int boxes = -1;
            int scores = -1;
            for (int i = 0; i < this.model.outputCount(); i++) {
                TensorInfo out = this.model.output(i);
                if (Arrays.equals(out.shape(), new int[] {1, anchors.count(), SsdDecoding.VALUES_PER_ANCHOR})) {
                    boxes = out.index();
                } else if (Arrays.equals(out.shape(), new int[] {1, anchors.count(), 1})) {
                    scores = out.index();
                }
            }
            if (boxes < 0 || scores < 0) {
                throw new TfliteModelException(this.model.source() + " is not the BlazeFace short-range model: "
                        + "expected one input and outputs [1, " + anchors.count() + ", "
                        + SsdDecoding.VALUES_PER_ANCHOR + "] and [1, " + anchors.count() + ", 1]");
            }
            this.boxesTensor = boxes;
            this.scoresTensor = scores;
        } catch (RuntimeException e) {
            this.model.close();
            throw e;
        }
    }

    /** The model from the classpath, default aligned size (112) and minimum score (0.5). */
    public static BlazeFaceDetector fromClasspath() {
        return fromClasspath(DEFAULT_ALIGNED_SIZE, DEFAULT_MIN_SCORE);
    }

    public static BlazeFaceDetector fromClasspath(int alignedSize, float minScore) {
        return new BlazeFaceDetector(classpathModel(), alignedSize, minScore);
    }

    /** The bytes of {@link #MODEL_RESOURCE}; IllegalStateException saying how to get it when it is missing. */
    public static byte[] classpathModel() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = BlazeFaceDetector.class.getClassLoader();
        }
        try (InputStream in = loader.getResourceAsStream(MODEL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the face detector model " + MODEL_RESOURCE + " is not on the "
                        + "classpath: embedder-service's build fetches it (npm package @mediapipe/face_detection "
                        + "0.4.1657300184) during generate-resources; build the module with Maven first");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + MODEL_RESOURCE + " from the classpath", e);
        }
    }

    @Override
    public List<DetectedFace> detect(RgbImage frame) {
        return detect(frame, alignedSize);
    }

    @Override
    public List<DetectedFace> detect(RgbImage frame, int alignedSize) {
        checkAlignedSize(alignedSize);
        ImagePreprocessor fitter = fitters.computeIfAbsent(alignedSize,
                size -> new ImagePreprocessor(Preprocessing.minusOneToOne(size)));
        List<DetectedFace> faces = new ArrayList<>();
        for (Candidate c : locate(frame)) {
            FaceBox box = clippedBox(c, frame);
            if (box != null) {
                float[] keypoints = Arrays.copyOfRange(c.values(), 4, SsdDecoding.VALUES_PER_ANCHOR);
                faces.add(new DetectedFace(box, keypoints, FaceAligner.align(frame, keypoints, fitter)));
            }
        }
        return faces;
    }

    /** The faces in frame pixels, best score first, before alignment. */
    List<Candidate> locate(RgbImage frame) {
        int side = Math.max(frame.width(), frame.height());
        int padX = (side - frame.width()) / 2;
        int padY = (side - frame.height()) / 2;
        float[] tensor = input.toTensor(padToSquare(frame, side, padX, padY));
        model.writeInput(0, tensor, 0, tensor.length);
        model.invoke();
        List<Candidate> found = SsdDecoding.weightedNms(
                SsdDecoding.decode(model.readFloats(boxesTensor), model.readFloats(scoresTensor), anchors,
                        INPUT_SIZE, minScore),
                MIN_SUPPRESSION_THRESHOLD);
        List<Candidate> inFrame = new ArrayList<>(found.size());
        for (Candidate c : found) {
            float[] v = c.values().clone();
            for (int i = 0; i < v.length; i += 2) {
                v[i] = v[i] * side - padX;
                v[i + 1] = v[i + 1] * side - padY;
            }
            inFrame.add(new Candidate(c.score(), v));
        }
        return inFrame;
    }

    /** The frame centred on a black square (zero padding, as MediaPipe's letterboxing); itself when square. */
    static RgbImage padToSquare(RgbImage frame, int side, int padX, int padY) {
        if (frame.width() == side && frame.height() == side) {
            return frame;
        }
        byte[] out = new byte[side * side * 3];
        int rowBytes = frame.width() * 3;
        for (int y = 0; y < frame.height(); y++) {
            System.arraycopy(frame.rgb(), y * rowBytes, out, ((padY + y) * side + padX) * 3, rowBytes);
        }
        return new RgbImage(side, side, out);
    }

    /** The box rounded outwards to whole pixels and clipped to the frame; null when nothing of it is inside. */
    private static FaceBox clippedBox(Candidate c, RgbImage frame) {
        int x0 = Math.max(0, (int) Math.floor(c.xmin()));
        int y0 = Math.max(0, (int) Math.floor(c.ymin()));
        int x1 = Math.min(frame.width(), (int) Math.ceil(c.xmax()));
        int y1 = Math.min(frame.height(), (int) Math.ceil(c.ymax()));
        return x1 > x0 && y1 > y0 ? new FaceBox(x0, y0, x1 - x0, y1 - y0, c.score()) : null;
    }

    private void checkInput(TensorInfo in) {
        if (!Arrays.equals(in.shape(), new int[] {1, INPUT_SIZE, INPUT_SIZE, 3}) || in.type() != TensorInfo.FLOAT32) {
            throw new TfliteModelException(model.source() + ": input " + in + " is not float32 [1, " + INPUT_SIZE
                    + ", " + INPUT_SIZE + ", 3]: not the BlazeFace short-range model");
        }
    }

    private static void checkAlignedSize(int size) {
        if (size < 16 || size > 1024) {
            throw new IllegalArgumentException("aligned size must be in 16..1024, got " + size);
        }
    }

    public int alignedSize() {
        return alignedSize;
    }

    public float minScore() {
        return minScore;
    }

    @Override
    public void close() {
        model.close();
    }
}
