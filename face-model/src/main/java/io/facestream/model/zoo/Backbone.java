package io.facestream.model.zoo;

import io.facestream.model.graph.GraphBuilder;
import io.facestream.model.graph.GraphBuilder.T;

/** Builds one backbone (Keras include_top=False, pooling=None) on an input handle and returns its feature map. */
@FunctionalInterface
public interface Backbone {
    T build(GraphBuilder b, T input, BackboneOptions options);
}
