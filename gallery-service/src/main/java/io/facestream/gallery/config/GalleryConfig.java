package io.facestream.gallery.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** gallery.* settings. */
@ConfigMapping(prefix = "gallery")
public interface GalleryConfig {

    /** Cosine similarity below which a probe is "unknown". */
    @WithDefault("0.35")
    double threshold();
}
