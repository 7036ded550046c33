package io.facestream.model.zoo;

import java.util.Map;

/** ResNet50, ResNet50V2, ResNet101V2, InceptionV3, InceptionResNetV2, Xception, NASNetMobile, NASNetLarge. */
final class ClassicFamily {
    private ClassicFamily() {
    }

    static void register(Map<String, Backbone> zoo) {
        // filled in by the definitions of this family
    }
}
