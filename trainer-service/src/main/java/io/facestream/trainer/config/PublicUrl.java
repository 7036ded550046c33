package io.facestream.trainer.config;

import io.quarkus.runtime.LaunchMode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Where other services reach this one: trainer.public-url, or by default http://localhost:${quarkus.http.port}. The
 * port is read when it is needed, not at start, so that a port chosen at random when the HTTP server starts (tests
 * use quarkus.http.test-port=0) is already known.
 */
@ApplicationScoped
public class PublicUrl {

    @Inject
    TrainerConfig config;

    /** The base URL without a trailing slash, plus the path (which starts with a slash). */
    public String of(String path) {
        String base = config.publicUrl().orElseGet(() -> "http://localhost:" + ConfigProvider.getConfig()
                .getValue(LaunchMode.current() == LaunchMode.TEST ? "quarkus.http.test-port" : "quarkus.http.port",
                        Integer.class));
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + path;
    }
}
