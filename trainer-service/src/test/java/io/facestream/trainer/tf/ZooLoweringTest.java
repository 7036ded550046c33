package io.facestream.trainer.tf;

import io.facestream.model.FaceModelSpec;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.head.HeadConfig;
import io.facestream.model.head.HeadType;
import io.facestream.model.zoo.BackboneZoo;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every backbone of the zoo lowers to TensorFlow, whose shape inference must agree with the model graph's. */
class ZooLoweringTest {

    /** Keras' smallest input for the Inception family; 32 pixels for the rest. */
    private static int smallInput(String backbone) {
        return backbone.startsWith("Inception") ? 75 : 32;
    }

    private static FaceModelSpec spec(String backbone) {
        return new FaceModelSpec(backbone, 1.0, smallInput(backbone), 8, 0.5, 5e-4,
                HeadConfig.defaults(HeadType.ARCFACE, 3), null);
    }

    @Test
    void everyBackboneLowersWithTheGraphsOutputShape() {
        for (String backbone : BackboneZoo.names()) {
            ModelGraph graph = spec(backbone).embeddingGraph();
            try (TfFaceModel model = TfFaceModel.inference(graph, 1)) {
                assertEquals(8, model.embeddingSize(), backbone);
            } catch (IllegalArgumentException e) {
                throw new AssertionError(backbone + " does not lower: " + e.getMessage(), e);
            }
        }
    }

    /** A forward pass through a few backbones that use the rarer layers (SE, hard swish, cropping, PReLU). */
    @Test
    void smallBackbonesRunForward() {
        for (String backbone : Set.of("MobileNetV3Small", "NASNetMobile", "MobileFaceNet", "EfficientNetLite0")) {
            try (TfFaceModel model = TfFaceModel.inference(spec(backbone), 2)) {
                model.initialize(3);
                float[] images = GraphLoweringTest.randomImages(new Random(1), 2, model.imageLength());
                float[][] out = model.embed(images, 2);
                for (float v : out[0]) {
                    assertTrue(Float.isFinite(v), backbone);
                }
                assertTrue(out[0][0] != out[1][0], backbone + " tells two images apart");
            }
        }
    }
}
