package io.facestream.model.graph;

import java.util.List;

/** A named layer applied to the outputs of earlier nodes. */
public record Node(String name, Layer layer, List<String> inputs) {
    public Node {
        if (name == null || name.isBlank() || name.contains("/")) {
            throw new IllegalArgumentException("node names must be non-blank and contain no '/': " + name);
        }
        inputs = List.copyOf(inputs);
    }
}
