package io.facestream.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/** Access control of a service's HTTP endpoints ({@code facestream.auth.*}). */
@ConfigMapping(prefix = "facestream.auth")
public interface AccessConfig {

    /** Whether requests are checked at all (env FACESTREAM_AUTH_ENABLED); the dev and test profiles turn it off. */
    @WithDefault("true")
    boolean enabled();

    /**
     * The accepted bearer tokens (env FACESTREAM_AUTH_TOKENS): comma-separated {@code ROLE:TOKEN} or
     * {@code ROLE:sha256:HEX} entries, ROLE admin or reader; see {@link Tokens}.
     */
    Optional<List<String>> tokens();

    /** Whether reads (GET, HEAD) need a reader or admin token too (env FACESTREAM_AUTH_READ_REQUIRES_TOKEN). */
    @WithDefault("false")
    boolean readRequiresToken();

    /**
     * Paths open to everyone whatever the method and settings: exact paths, or prefixes ending in {@code /*}
     * (env FACESTREAM_AUTH_OPEN_PATHS). The health checks by default.
     */
    @WithDefault("/q/health,/q/health/*")
    List<String> openPaths();
}
