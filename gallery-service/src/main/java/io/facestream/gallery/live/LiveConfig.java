package io.facestream.gallery.live;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** gallery.ui.* settings: the live page, its feeds and where it finds the other services. */
@ConfigMapping(prefix = "gallery.ui")
public interface LiveConfig {

    /** embedder-service's base URL as the user's browser reaches it (the page asks it for the models). */
    @WithDefault("http://localhost:8083")
    String embedderUrl();

    /** trainer-service's base URL as the user's browser reaches it (the page follows its training runs). */
    @WithDefault("http://localhost:8081")
    String trainerUrl();

    /** Frames kept for thumbnails, newest used first out; a match older than this many frames shows none. */
    @WithDefault("500")
    int thumbnailFrames();

    /** Encoded frame bytes kept for thumbnails, whatever their count: large camera frames evict sooner. */
    @WithDefault("67108864")
    long thumbnailBytes();

    /** Side of a thumbnail in pixels. */
    @WithDefault("96")
    int thumbnailSize();

    /** Matches a client may have waiting unsent; one more and the client is dropped (its browser reconnects). */
    @WithDefault("256")
    int clientBuffer();

    /** Latest matches a newly connected page receives first, so it does not start empty. */
    @WithDefault("30")
    int recentMatches();
}
