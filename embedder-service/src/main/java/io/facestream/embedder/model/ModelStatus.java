package io.facestream.embedder.model;

/**
 * What the embedder knows of one artifact version, for REST and logs; during BUILDING_GALLERY the gallery's
 * progress (images aggregated of images expected).
 */
public record ModelStatus(String modelName, String version, ModelState state, String reason, long changedAtMs,
                          Long galleryImages, Long galleryExpected) {
}
