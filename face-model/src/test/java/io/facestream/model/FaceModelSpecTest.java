package io.facestream.model;

import io.facestream.model.graph.Layer;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.graph.ModelJson;
import io.facestream.model.graph.Node;
import io.facestream.model.graph.Shape;
import io.facestream.model.head.HeadConfig;
import io.facestream.model.head.HeadType;
import io.facestream.model.image.Preprocessing;
import io.facestream.model.zoo.BackboneZoo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FaceModelSpecTest {

    private static final HeadConfig ARC = HeadConfig.defaults(HeadType.ARCFACE, 100);

    @BeforeEach
    void needsMobileNetV2() {
        assumeTrue(BackboneZoo.names().contains("MobileNetV2"), "MobileNetV2 not registered");
    }

    @Test
    void mobileNetV2At112HasJHFacesParameterCount() {
        ModelGraph graph = FaceModelSpec.of("MobileNetV2", 1.0, 112, ARC).embeddingGraph();
        // ../shared/reference/backbones.md: 2,257,984 + BN(1280) 5,120 + Dense(4x4x1280 -> 512) 10,486,272 + BN 2,048
        assertEquals(12_751_424, graph.parameterCount());
        assertEquals(Shape.of(512), graph.outputShape());
        assertEquals(Shape.of(112, 112, 3), graph.inputShape());
    }

    @Test
    void outputLayerIsJHFaces() {
        FaceModelSpec spec = new FaceModelSpec("MobileNetV2", 0.35, 32, 64, 0.3, 1e-4, ARC, null);
        ModelGraph graph = spec.embeddingGraph();
        assertEquals(FaceModelSpec.INPUT_NODE, graph.input().name());
        List<Node> nodes = graph.nodes();
        List<Node> tail = nodes.subList(nodes.size() - 5, nodes.size());
        assertEquals(List.of("OutputLayer_output_batch_norm_1", "OutputLayer_dropout", "OutputLayer_flatten",
                "OutputLayer_dense", "OutputLayer_output_batch_norm_2"), tail.stream().map(Node::name).toList());
        assertEquals(new Layer.BatchNorm(1e-3, 0.99, true, true), tail.get(0).layer());
        assertEquals(new Layer.Dropout(0.3), tail.get(1).layer());
        assertEquals(new Layer.Dense(64, true), tail.get(3).layer());
        assertEquals(new Layer.BatchNorm(1e-3, 0.99, true, true), tail.get(4).layer());
        assertEquals("OutputLayer_output_batch_norm_2", graph.output());
        // 32 / 32 = 1x1 feature map of 1280 channels (MobileNetV2 keeps 1280 for alpha <= 1)
        assertEquals(Shape.of(1280), graph.shapes().get("OutputLayer_flatten"));
        assertEquals(Shape.of(64), graph.outputShape());
        // the graph survives its JSON form
        assertEquals(graph, ModelJson.fromJson(ModelJson.toJson(graph)));
    }

    @Test
    void defaultsAreJHFaces() {
        FaceModelSpec spec = FaceModelSpec.of("MobileNetV2", 1.0, 112, ARC);
        assertEquals(512, spec.embeddingSize());
        assertEquals(0.5, spec.dropout());
        assertEquals(5e-4, spec.weightDecay());
        assertEquals(Preprocessing.minusOneToOne(112), spec.preprocessing());
    }

    @Test
    void jsonRoundTrips() {
        FaceModelSpec spec = new FaceModelSpec("MobileNetV2", 0.5, 96, 128, 0.2, 1e-3,
                HeadConfig.defaults(HeadType.CURRICULARFACE, 85742), Preprocessing.zeroToOne(96));
        assertEquals(spec, FaceModelSpec.fromJson(spec.toJson()));
    }

    @Test
    void minimalJsonTakesTheDefaults() {
        FaceModelSpec spec = FaceModelSpec.fromJson("{\"backboneType\":\"MobileNetV2\",\"inputSize\":112,"
                + "\"head\":{\"type\":\"COSFACE\",\"numClasses\":10}}");
        assertEquals(FaceModelSpec.of("MobileNetV2", 1.0, 112, HeadConfig.defaults(HeadType.COSFACE, 10)), spec);
    }

    @Test
    void invalidSpecsAreRejectedWithTheReason() {
        assertMessage("unknown backbone 'NoSuchNet'; known: [",
                () -> FaceModelSpec.of("NoSuchNet", 1.0, 112, ARC));
        assertMessage("alpha must be in (0, 4], got 0.0", () -> FaceModelSpec.of("MobileNetV2", 0, 112, ARC));
        assertMessage("inputSize must be in 16..1024, got 8", () -> FaceModelSpec.of("MobileNetV2", 1, 8, ARC));
        assertMessage("embeddingSize must be in 2..65536, got 0",
                () -> new FaceModelSpec("MobileNetV2", 1, 112, 0, 0.5, 5e-4, ARC, null));
        assertMessage("dropout must be in [0, 1), got 1.0",
                () -> new FaceModelSpec("MobileNetV2", 1, 112, 512, 1, 5e-4, ARC, null));
        assertMessage("weightDecay must be in [0, 1), got -1.0",
                () -> new FaceModelSpec("MobileNetV2", 1, 112, 512, 0.5, -1, ARC, null));
        assertMessage("a head is required", () -> FaceModelSpec.of("MobileNetV2", 1, 112, null));
        assertMessage("preprocessing.inputSize 96 differs from inputSize 112",
                () -> new FaceModelSpec("MobileNetV2", 1, 112, 512, 0.5, 5e-4, ARC, Preprocessing.zeroToOne(96)));
    }

    @Test
    void invalidJsonSaysWhy() {
        assertMessage("not a valid face model spec: inputSize is required",
                () -> FaceModelSpec.fromJson("{\"backboneType\":\"MobileNetV2\",\"head\":"
                        + "{\"type\":\"ARCFACE\",\"numClasses\":10}}"));
        assertMessage("not a valid face model spec: ARCFACE margin must be in",
                () -> FaceModelSpec.fromJson("{\"backboneType\":\"MobileNetV2\",\"inputSize\":112,\"head\":"
                        + "{\"type\":\"ARCFACE\",\"numClasses\":10,\"margin\":3}}"));
        assertMessage("not a valid face model spec: Unrecognized field \"depth\"",
                () -> FaceModelSpec.fromJson("{\"backboneType\":\"MobileNetV2\",\"inputSize\":112,\"depth\":3,"
                        + "\"head\":{\"type\":\"ARCFACE\",\"numClasses\":10}}"));
        assertMessage("not a valid face model spec", () -> FaceModelSpec.fromJson("{not json"));
    }

    @Test
    void backboneRefusalsNameTheSpec() {
        assumeTrue(BackboneZoo.names().contains("ResNet50"), "ResNet50 not registered");
        FaceModelSpec spec = FaceModelSpec.of("ResNet50", 0.5, 112, ARC);
        assertMessage("ResNet50 (alpha 0.5, input 112): ResNet50 has no width multiplier", spec::embeddingGraph);
    }

    private static void assertMessage(String expectedPart, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expectedPart), "message was: " + e.getMessage());
    }
}
