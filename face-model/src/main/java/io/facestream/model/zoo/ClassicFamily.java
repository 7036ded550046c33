package io.facestream.model.zoo;

import java.util.HashMap;
import java.util.Map;

/**
 * ResNet50, ResNet50V2, ResNet101V2, InceptionV3, InceptionResNetV2, Xception, NASNetMobile, NASNetLarge: the
 * tf.keras.applications backbones (include_top=False, pooling=None). None has a width multiplier.
 */
final class ClassicFamily {
    private ClassicFamily() {
    }

    static void register(Map<String, Backbone> zoo) {
        zoo.put("ResNet50", ResNets::resNet50);
        zoo.put("ResNet50V2", ResNets::resNet50V2);
        zoo.put("ResNet101V2", ResNets::resNet101V2);
        zoo.put("InceptionV3", Inceptions::inceptionV3);
        zoo.put("InceptionResNetV2", Inceptions::inceptionResNetV2);
        zoo.put("Xception", Xception::xception);
        zoo.put("NASNetMobile", NasNets::nasNetMobile);
        zoo.put("NASNetLarge", NasNets::nasNetLarge);
    }

    /**
     * Keras' automatic names for layers an application creates without a name: the snake-case class name and a
     * per-class counter. Counting starts at 1 as in Keras 2.0, which wrote the published .h5 weight files
     * (conv2d_1 ... conv2d_94 in InceptionV3's); tf.keras in a fresh session would start at 0 instead. One instance
     * per model build, used in the order Keras creates the layers, so the weighted ones match the .h5 names.
     */
    static final class AutoNames {
        private final Map<String, Integer> counters = new HashMap<>();

        String next(String kerasPrefix) {
            return kerasPrefix + "_" + counters.merge(kerasPrefix, 1, Integer::sum);
        }
    }
}
