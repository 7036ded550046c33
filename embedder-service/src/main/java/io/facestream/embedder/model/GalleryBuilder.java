package io.facestream.embedder.model;

/** Embeds every stored enrollment image (up to the live consumers' position) with a new model version. */
public interface GalleryBuilder {

    /** Blocks until the replay is done; records each embedded enrollment in the build. */
    void replay(GalleryBuild build) throws Exception;
}
