package io.facestream.model.graph;

import io.facestream.model.graph.GraphBuilder.T;
import io.facestream.model.zoo.BackboneOptions;
import io.facestream.model.zoo.BackboneZoo;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MultiplyAddsTest {

    @Test
    void countsEveryWeightedLayerFromItsShapes() {
        GraphBuilder b = new GraphBuilder();
        T x = b.input("in", 8, 8, 3);
        x = b.conv("conv", x, 4, 3, 1, Padding.SAME, true);                      // 8x8x4 outputs, 3*3*3 each
        x = b.batchNorm("bn", x, 1e-3, 0.99);
        x = b.relu("relu", x);
        x = b.add("dw", new Layer.DepthwiseConv2D(3, 3, 2, 2, Padding.SAME, 2, false), x); // 4x4x8, 3*3 each
        x = b.separable("sep", x, 6, 3, 1, Padding.SAME, false);                 // 4x4: 8*3*3 + 8*6
        x = b.dense("dense_map", x, 2, true);                                    // 4x4x2 outputs, 6 each
        x = b.flatten("flat", x);
        x = b.dense("dense", x, 10, false);                                      // 10 outputs, 32 each
        ModelGraph graph = b.build("small", x);

        Map<String, Long> perNode = MultiplyAdds.perNode(graph);
        assertEquals(Map.of("conv", 8L * 8 * 4 * 27, "dw", 4L * 4 * 8 * 9, "sep", 4L * 4 * (8 * 9 + 8 * 6),
                "dense_map", 4L * 4 * 2 * 6, "dense", 10L * 32), perNode);
        assertEquals(6912 + 1152 + 1920 + 192 + 320, graph.multiplyAdds());
    }

    @Test
    void matchesThePublishedFiguresOfMobileNetV2AndMobileFaceNet() {
        // MobileNetV2 paper (Sandler et al. 2018), Table 4: 300 M multiply-adds at 224x224 with its 1000-class top
        ModelGraph v2 = BackboneZoo.backboneOnly("MobileNetV2", 224, BackboneOptions.DEFAULT);
        long top = 1280L * 1000;
        assertEquals(300_774_272L, v2.multiplyAdds() + top);
        // MobileFaceNet paper (Chen et al. 2018), Table 2: 221 M MAdds at 112x112
        long mobileFaceNet = BackboneZoo.backboneOnly("MobileFaceNet", 112, BackboneOptions.DEFAULT).multiplyAdds();
        assertEquals(221e6, mobileFaceNet, 0.005 * 221e6);
        // MobileNet paper (Howard et al. 2017), Table 8: 569 M mult-adds at 224x224 with its 1000-class top
        long mobileNet = BackboneZoo.backboneOnly("MobileNet", 224, BackboneOptions.DEFAULT).multiplyAdds();
        assertEquals(569e6, mobileNet + 1024L * 1000, 0.005 * 569e6);
    }
}
