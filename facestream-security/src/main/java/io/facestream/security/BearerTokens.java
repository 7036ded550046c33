package io.facestream.security;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.List;

/** The configured tokens, parsed once; a malformed entry stops the service at start, with the reason. */
@Singleton
public class BearerTokens {

    private static final Logger LOG = Logger.getLogger(BearerTokens.class);

    private final AccessConfig config;
    private final Tokens tokens;

    BearerTokens(AccessConfig config) {
        this.config = config;
        this.tokens = Tokens.parse(config.tokens().orElse(List.of()));
    }

    Tokens tokens() {
        return tokens;
    }

    void logSettings(@Observes StartupEvent start) {
        if (!config.enabled()) {
            // expected in dev and test; anywhere else it deserves attention
            LOG.log(LaunchMode.current() == LaunchMode.NORMAL ? Logger.Level.WARN : Logger.Level.INFO,
                    "access control is off (facestream.auth.enabled=false): every endpoint is open to anyone");
        } else if (tokens.isEmpty()) {
            LOG.warn("access control is on but no tokens are configured: every protected endpoint answers 401 until "
                    + "facestream.auth.tokens (env FACESTREAM_AUTH_TOKENS) is set, e.g. admin:<a long random token>");
        } else {
            LOG.infof("access control is on: %d admin and %d reader token(s); writes need an admin token, reads %s",
                    tokens.count(Tokens.ADMIN), tokens.count(Tokens.READER),
                    config.readRequiresToken() ? "a reader or admin token" : "none");
        }
    }
}
