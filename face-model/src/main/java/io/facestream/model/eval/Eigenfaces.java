package io.facestream.model.eval;

import io.facestream.model.image.ImagePreprocessor;
import io.facestream.model.image.Preprocessing;
import io.facestream.model.image.RgbImage;

import java.util.ArrayList;
import java.util.List;

/**
 * The eigenfaces baseline (Turk and Pentland, 1991) as an {@link EmbeddingFunction}: a face is centre-cropped,
 * downsampled (with the shared preprocessing's area averaging) to a small square, turned grey or kept RGB, and
 * projected onto the top principal components of training faces ({@link Pca}), optionally whitened. It learns
 * nothing about identity, which is what makes it the floor a trained model must clear by far.
 */
public final class Eigenfaces implements EmbeddingFunction {

    /**
     * @param size       side of the downsampled square, 16..1024 (32 gives 1,024 grey values a face)
     * @param grayscale  one luma value a pixel instead of three RGB values
     * @param components principal components kept: the embedding size
     * @param whiten     divide each coordinate by its component's standard deviation
     * @param crop       fraction of the shorter side kept around the centre before downsampling, in (0, 1]:
     *                   below 1 it trims background and hair from loosely cropped faces
     */
    public record Options(int size, boolean grayscale, int components, boolean whiten, double crop) {

        public Options {
            if (size < 16 || size > 1024) {
                throw new IllegalArgumentException("size must be in 16..1024, got " + size);
            }
            if (components < 1) {
                throw new IllegalArgumentException("components must be positive, got " + components);
            }
            if (!(crop > 0 && crop <= 1)) {
                throw new IllegalArgumentException("crop must be in (0, 1], got " + crop);
            }
        }

        /** Values in one face's vector. */
        public int dimension() {
            return size * size * (grayscale ? 1 : 3);
        }
    }

    private final Options options;
    private final Pca pca;
    private final ImagePreprocessor downsampler;
    private final int trainingFaces;

    private Eigenfaces(Options options, Pca pca, int trainingFaces) {
        this.options = options;
        this.pca = pca;
        this.downsampler = downsampler(options);
        this.trainingFaces = trainingFaces;
    }

    /** Fits the components on training faces, read once in order (they may be decoded lazily). */
    public static Eigenfaces fit(Iterable<RgbImage> faces, Options options) {
        ImagePreprocessor downsampler = downsampler(options);
        List<double[]> vectors = new ArrayList<>();
        for (RgbImage face : faces) {
            vectors.add(vector(face, options, downsampler));
        }
        return new Eigenfaces(options, Pca.fit(vectors.toArray(double[][]::new), options.components()),
                vectors.size());
    }

    @Override
    public float[][] embed(List<RgbImage> faces) {
        float[][] out = new float[faces.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = pca.project(vector(faces.get(i)), options.whiten());
        }
        return out;
    }

    /** The face as the PCA sees it: cropped, downsampled, values in [0, 1], row-major. */
    public double[] vector(RgbImage face) {
        return vector(face, options, downsampler);
    }

    public Options options() {
        return options;
    }

    public Pca pca() {
        return pca;
    }

    public int trainingFaces() {
        return trainingFaces;
    }

    private static ImagePreprocessor downsampler(Options options) {
        return new ImagePreprocessor(Preprocessing.zeroToOne(options.size()));
    }

    private static double[] vector(RgbImage face, Options options, ImagePreprocessor downsampler) {
        RgbImage cropped = face;
        if (options.crop() < 1) {
            int side = Math.max(1, (int) Math.round(Math.min(face.width(), face.height()) * options.crop()));
            cropped = face.crop((face.width() - side) / 2, (face.height() - side) / 2, side, side);
        }
        float[] rgb = downsampler.toTensor(cropped);
        if (!options.grayscale()) {
            double[] v = new double[rgb.length];
            for (int i = 0; i < rgb.length; i++) {
                v[i] = rgb[i];
            }
            return v;
        }
        double[] grey = new double[rgb.length / 3];
        for (int p = 0; p < grey.length; p++) {
            // ITU-R BT.601 luma, the usual weights for turning RGB into grey
            grey[p] = 0.299 * rgb[3 * p] + 0.587 * rgb[3 * p + 1] + 0.114 * rgb[3 * p + 2];
        }
        return grey;
    }
}
