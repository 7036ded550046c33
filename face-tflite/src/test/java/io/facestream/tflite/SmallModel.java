package io.facestream.tflite;

import io.facestream.model.FaceModelSpec;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.head.HeadConfig;
import io.facestream.model.head.HeadType;
import io.facestream.tflite.lower.LoweredModel;
import io.facestream.tflite.lower.TfliteConverter;
import io.facestream.tflite.quant.ActivationRanges;

import java.util.List;
import java.util.Map;

/**
 * A small face model for the runtime and inspection tests: MobileNet alpha 0.25 on 40x40 input, 32-d embedding,
 * synthetic weights, lowered once and calibrated on 16 synthetic faces. Built once per test JVM.
 */
public final class SmallModel {

    public static final int SIZE = 40;
    public static final int EMBEDDING = 32;

    private static SmallModel instance;

    public final FaceModelSpec spec;
    public final ModelGraph graph;
    public final Map<String, float[]> weights;
    public final LoweredModel lowered;
    public final List<float[]> calibration;
    public final ActivationRanges ranges;
    public final byte[] float32;

    private SmallModel() {
        spec = new FaceModelSpec("MobileNet", 0.25, SIZE, EMBEDDING, 0.5, 5e-4,
                HeadConfig.defaults(HeadType.ARCFACE, 10), null);
        graph = spec.embeddingGraph();
        weights = SyntheticWeights.create(graph, 5, SyntheticFaces.create(8, SIZE, 1));
        lowered = TfliteConverter.lower(graph, weights);
        calibration = SyntheticFaces.create(16, SIZE, 3);
        ranges = lowered.calibrate(calibration, 1);
        float32 = lowered.float32();
    }

    public static synchronized SmallModel get() {
        if (instance == null) {
            instance = new SmallModel();
        }
        return instance;
    }
}
