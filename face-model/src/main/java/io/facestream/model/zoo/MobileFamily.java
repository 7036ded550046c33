package io.facestream.model.zoo;

import java.util.Map;

/** MobileNet V1/V2/V3, MobileFaceNet, MnasNet and EfficientNet B0-B7 / Lite0-6 definitions. */
final class MobileFamily {
    private MobileFamily() {
    }

    static void register(Map<String, Backbone> zoo) {
        // filled in by the definitions of this family
    }
}
