package io.facestream.model.zoo;

import io.facestream.model.graph.GraphBuilder;
import io.facestream.model.graph.GraphBuilder.T;
import io.facestream.model.graph.ModelGraph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Every backbone by its name (the names of ../shared/reference/backbones.md and JHFace's backbone_type). */
public final class BackboneZoo {

    private static final Map<String, Backbone> BACKBONES;

    static {
        Map<String, Backbone> all = new LinkedHashMap<>();
        MobileFamily.register(all);
        ClassicFamily.register(all);
        BACKBONES = Collections.unmodifiableMap(all);
    }

    private BackboneZoo() {
    }

    public static Set<String> names() {
        return BACKBONES.keySet();
    }

    public static Backbone get(String name) {
        Backbone b = BACKBONES.get(name);
        if (b == null) {
            throw new IllegalArgumentException("unknown backbone '" + name + "'; known: " + BACKBONES.keySet());
        }
        return b;
    }

    /** The backbone alone on a (size, size, 3) input: what the parameter-count reference counts. */
    public static ModelGraph backboneOnly(String name, int inputSize, BackboneOptions options) {
        GraphBuilder b = new GraphBuilder();
        T input = b.input("input_1", inputSize, inputSize, 3);
        T out = get(name).build(b, input, options);
        return b.build(name, out);
    }
}
