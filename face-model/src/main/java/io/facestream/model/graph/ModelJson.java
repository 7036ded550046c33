package io.facestream.model.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The JSON form of a {@link ModelGraph}: {"name", "nodes": [{"name", "layer": {"op", ...}, "inputs"}], "output"}. */
public final class ModelJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(SerializationFeature.INDENT_OUTPUT, false);

    private ModelJson() {
    }

    public static String toJson(ModelGraph graph) {
        try {
            return MAPPER.writeValueAsString(graph);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise model " + graph.name(), e);
        }
    }

    /** Parses and validates (DAG order, arity, shapes); throws IllegalArgumentException with the reason. */
    public static ModelGraph fromJson(String json) {
        try {
            ModelGraph graph = MAPPER.readValue(json, ModelGraph.class);
            graph.shapes();
            return graph;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a valid model description: " + e.getOriginalMessage(), e);
        }
    }
}
