package io.facestream.security;

import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * Reads {@code Authorization: Bearer <token>} and has {@link BearerTokenIdentityProvider} check the token. A request
 * without the header is anonymous (the open endpoints serve it); the challenge for one that needs a token is a 401
 * with {@code WWW-Authenticate: Bearer} and the services' JSON error body saying what to send.
 */
@ApplicationScoped
public class BearerTokenMechanism implements HttpAuthenticationMechanism {

    private static final String SCHEME = "Bearer";
    /** Routing-context key: why the request carries no usable token. */
    private static final String PROBLEM = BearerTokenMechanism.class.getName() + ".problem";

    private enum Problem {
        NOT_BEARER, INVALID
    }

    private final AccessConfig config;
    private final BearerTokens tokens;

    BearerTokenMechanism(AccessConfig config, BearerTokens tokens) {
        this.config = config;
        this.tokens = tokens;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (!config.enabled() || header == null) {
            return Uni.createFrom().nullItem();
        }
        if (!header.regionMatches(true, 0, SCHEME + " ", 0, SCHEME.length() + 1)) {
            context.put(PROBLEM, Problem.NOT_BEARER);
            return Uni.createFrom().nullItem();
        }
        TokenAuthenticationRequest request = new TokenAuthenticationRequest(
                new TokenCredential(header.substring(SCHEME.length() + 1).strip(), SCHEME.toLowerCase()));
        HttpSecurityUtils.setRoutingContextAttribute(request, context);
        return identities.authenticate(request).onFailure().invoke(() -> context.put(PROBLEM, Problem.INVALID));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        String challenge = context.get(PROBLEM) == Problem.INVALID
                ? SCHEME + " realm=\"facestream\", error=\"invalid_token\"" : SCHEME + " realm=\"facestream\"";
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", challenge));
    }

    /** The challenge with the JSON error body ({status, message}) the services answer every error with. */
    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        return getChallenge(context).map(challenge -> {
            challenge.getHeaders().forEach((name, value) -> context.response().headers().set(name, value));
            ErrorAnswers.send(context, challenge.status, unauthorizedMessage(context));
            return true;
        });
    }

    private String unauthorizedMessage(RoutingContext context) {
        if (tokens.tokens().isEmpty()) {
            return "access control is on but this service has no tokens: set facestream.auth.tokens (env "
                    + "FACESTREAM_AUTH_TOKENS), e.g. admin:<a long random token>, or turn it off with "
                    + "facestream.auth.enabled=false";
        }
        Object problem = context.get(PROBLEM);
        if (problem == Problem.INVALID) {
            return "the bearer token is not one of this service's tokens (facestream.auth.tokens)";
        }
        String role = AccessPolicy.missingRole(context);
        String needs = context.request().method() + " " + context.request().path() + " needs "
                + (role == null ? "a valid bearer token" : "a bearer token of role " + role);
        if (problem == Problem.NOT_BEARER) {
            return needs + ": the Authorization header is not 'Bearer <token>'";
        }
        return needs + ": send the header 'Authorization: Bearer <token>'";
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class);
    }
}
