package io.facestream.model.zoo;

import io.facestream.model.graph.GraphBuilder;
import io.facestream.model.graph.GraphBuilder.T;

import java.util.Map;

/**
 * MobileNet V1/V2/V3, EfficientNet B0-B7 / Lite0-6, MnasNet and MobileFaceNet definitions, plus the two rules their
 * Keras sources share (channel rounding and stride-2 padding).
 *
 * <p>Keras layer names that contain '/' (MobileNetV3's "expanded_conv_1/expand/BatchNorm") are written with '_'
 * here, because node names cannot contain '/'; a weight loader maps one to the other.
 */
final class MobileFamily {
    private MobileFamily() {
    }

    static void register(Map<String, Backbone> zoo) {
        zoo.put("MobileNet", MobileNets::mobileNet);
        zoo.put("MobileNetV2", MobileNets::mobileNetV2);
        zoo.put("MobileNetV3Large", MobileNets::mobileNetV3Large);
        zoo.put("MobileNetV3Small", MobileNets::mobileNetV3Small);
        for (EfficientNets e : EfficientNets.values()) {
            zoo.put(e.backboneName(), e);
        }
        for (MnasNets m : MnasNets.values()) {
            zoo.put(m.backboneName(), m);
        }
        zoo.put("MobileFaceNet", MobileFaceNet::build);
    }

    /**
     * Keras' channel rounding (_make_divisible in MobileNetV2, _depth in MobileNetV3, round_filters in EfficientNet
     * and the MnasNet reference): the nearest multiple of divisor, at least divisor, never below 90% of v.
     */
    static int makeDivisible(double v, int divisor) {
        int rounded = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * v ? rounded + divisor : rounded;
    }

    /**
     * Keras' ZeroPadding2D(imagenet_utils.correct_pad(x, kernel)) that precedes a stride-2 'valid' convolution: one
     * pixel less on top/left when the side is even, so the result matches TensorFlow's SAME padding.
     */
    static T correctPad(GraphBuilder b, String name, T x, int kernel) {
        int half = kernel / 2;
        int adjustH = 1 - x.shape().height() % 2;
        int adjustW = 1 - x.shape().width() % 2;
        return b.zeroPad(name, x, half - adjustH, half, half - adjustW, half);
    }
}
