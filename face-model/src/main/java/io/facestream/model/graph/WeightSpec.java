package io.facestream.model.graph;

/**
 * One weight tensor of a layer, named as Keras names it ("kernel", "bias", "gamma", "moving_mean", ...).
 * Kernels use TensorFlow's layouts: Conv2D [kh, kw, in, out], DepthwiseConv2D [kh, kw, in, multiplier],
 * Dense [in, out].
 */
public record WeightSpec(String node, String name, Shape shape, boolean trainable) {

    /** The variable name used in checkpoints and h5 files: {@code node/name}. */
    public String qualifiedName() {
        return node + "/" + name;
    }
}
