package io.facestream.embedder.model;

/**
 * What the workers use for one batch: the active model (null while none is READY) and the gallery build in
 * progress, if any. Immutable: a worker's batch sees one consistent pair.
 */
public record Serving(ActiveModel active, GalleryBuild building) {

    public static final Serving NONE = new Serving(null, null);
}
