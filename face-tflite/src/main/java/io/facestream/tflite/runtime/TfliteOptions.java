package io.facestream.tflite.runtime;

/**
 * How an interpreter is built.
 *
 * @param threads            threads the interpreter (and XNNPACK) may use for one inference
 * @param xnnpack            apply the XNNPACK delegate (TFLite's default CPU backend, float and int8)
 * @param preserveAllTensors keep every intermediate tensor readable after an inference (calibration; costs
 *                           memory and needs xnnpack off, since delegated tensors are never written)
 */
public record TfliteOptions(int threads, boolean xnnpack, boolean preserveAllTensors) {

    /** One thread with XNNPACK: the serving default (scale out with one interpreter per worker thread). */
    public static final TfliteOptions DEFAULT = new TfliteOptions(1, true, false);

    public TfliteOptions {
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("threads must be in 1..64, got " + threads);
        }
        if (xnnpack && preserveAllTensors) {
            throw new IllegalArgumentException("preserveAllTensors needs xnnpack off: XNNPACK does not write the "
                    + "intermediate tensors of the part it runs");
        }
    }

    public static TfliteOptions threads(int threads) {
        return new TfliteOptions(threads, true, false);
    }

    /** Builtin kernels only, every intermediate tensor kept: what calibration reads. */
    public static TfliteOptions inspectAllTensors(int threads) {
        return new TfliteOptions(threads, false, true);
    }
}
