package io.facestream.converter.config;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * converter.public-url: the base URL embedders download artifacts from (an event's downloadUrl is this plus
 * /artifacts/{id}/model.tflite; default http://localhost:${quarkus.http.port}). Read when needed, not at start, so
 * that a port chosen when the HTTP server starts (tests) is known.
 */
@ApplicationScoped
public class PublicUrl {

    public static final String PROPERTY = "converter.public-url";

    /** The base URL without a trailing slash, plus the path (which starts with a slash). */
    public String of(String path) {
        String base = ConfigProvider.getConfig().getValue(PROPERTY, String.class);
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + path;
    }
}
