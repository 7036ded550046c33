package io.facestream.model.eval;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Principal component analysis: the mean of the samples and the top-k eigenvectors of their covariance.
 *
 * <p>With n samples of dimension d, the eigenproblem is solved on the smaller of the d x d scatter matrix X'X and the
 * n x n Gram matrix XX' (X the centred samples, one a row): they share their non-zero eigenvalues, and a unit
 * eigenvector u of XX' with eigenvalue m gives the eigenvector X'u / sqrt(m) of X'X (the eigenfaces trick of Turk
 * and Pentland, for images with more pixels than there are images). Each component's sign is fixed so that its
 * largest-magnitude entry is positive, which makes both routes give the same components.
 */
public final class Pca {

    private final double[] mean;
    private final double[][] components;
    private final double[] variances;

    private Pca(double[] mean, double[][] components, double[] variances) {
        this.mean = mean;
        this.components = components;
        this.variances = variances;
    }

    /**
     * @param samples    n samples of one dimension d, one per row (not modified)
     * @param components how many components to keep, at most min(n - 1, d)
     * @throws IllegalArgumentException when the samples span fewer dimensions than components asked for
     */
    public static Pca fit(double[][] samples, int components) {
        int n = samples.length;
        if (n < 2) {
            throw new IllegalArgumentException("PCA needs at least 2 samples, got " + n);
        }
        int d = samples[0].length;
        if (components < 1 || components > Math.min(n - 1, d)) {
            throw new IllegalArgumentException("components must be in 1.." + Math.min(n - 1, d) + " for " + n
                    + " samples of dimension " + d + ", got " + components);
        }
        double[] mean = new double[d];
        for (double[] row : samples) {
            if (row.length != d) {
                throw new IllegalArgumentException("samples of dimensions " + d + " and " + row.length);
            }
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        DMatrixRMaj centred = new DMatrixRMaj(n, d);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                centred.unsafe_set(i, j, samples[i][j] - mean[j]);
            }
        }

        boolean gram = n < d;
        DMatrixRMaj scatter = new DMatrixRMaj(gram ? n : d, gram ? n : d);
        if (gram) {
            CommonOps_DDRM.multOuter(centred, scatter);
        } else {
            CommonOps_DDRM.multInner(centred, scatter);
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(scatter.numRows, true, true);
        if (!eig.decompose(scatter)) {
            throw new IllegalStateException("the symmetric eigendecomposition did not converge");
        }
        Integer[] order = IntStream.range(0, eig.getNumberOfEigenvalues()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> eig.getEigenvalue(i).getReal()).reversed());

        double[][] vectors = new double[components][];
        double[] variances = new double[components];
        double largest = eig.getEigenvalue(order[0]).getReal();
        for (int c = 0; c < components; c++) {
            double eigenvalue = eig.getEigenvalue(order[c]).getReal();
            if (!(eigenvalue > largest * 1e-12)) {
                throw new IllegalArgumentException("the samples vary along only " + c + " directions, "
                        + components + " components were asked for");
            }
            DMatrixRMaj u = eig.getEigenVector(order[c]);
            double[] v;
            if (gram) {
                DMatrixRMaj projected = new DMatrixRMaj(d, 1);
                CommonOps_DDRM.multTransA(centred, u, projected);
                v = projected.getData();
            } else {
                v = u.getData().clone();
            }
            vectors[c] = unitWithPositivePeak(v);
            variances[c] = eigenvalue / (n - 1);
        }
        return new Pca(mean, vectors, variances);
    }

    public int dimension() {
        return mean.length;
    }

    public int components() {
        return components.length;
    }

    public double[] mean() {
        return mean.clone();
    }

    /** Unit-length component c, by decreasing variance. */
    public double[] component(int c) {
        return components[c].clone();
    }

    /** The sample variance along component c (its covariance eigenvalue). */
    public double variance(int c) {
        return variances[c];
    }

    /**
     * Coordinates of x - mean along the components; whitened, each is divided by its component's standard
     * deviation, so every component weighs the same in a cosine similarity.
     */
    public float[] project(double[] x, boolean whiten) {
        if (x.length != mean.length) {
            throw new IllegalArgumentException("a vector of dimension " + x.length + ", the PCA has " + mean.length);
        }
        float[] out = new float[components.length];
        for (int c = 0; c < components.length; c++) {
            double[] v = components[c];
            double dot = 0;
            for (int j = 0; j < v.length; j++) {
                dot += (x[j] - mean[j]) * v[j];
            }
            out[c] = (float) (whiten ? dot / Math.sqrt(variances[c]) : dot);
        }
        return out;
    }

    private static double[] unitWithPositivePeak(double[] v) {
        double norm = 0;
        int peak = 0;
        for (int j = 0; j < v.length; j++) {
            norm += v[j] * v[j];
            if (Math.abs(v[j]) > Math.abs(v[peak])) {
                peak = j;
            }
        }
        double scale = (v[peak] < 0 ? -1 : 1) / Math.sqrt(norm);
        double[] out = new double[v.length];
        for (int j = 0; j < v.length; j++) {
            out[j] = v[j] * scale;
        }
        return out;
    }
}
