package io.facestream.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** A bearer token to an identity with the token's role (admin tokens hold the reader role too). */
@ApplicationScoped
public class BearerTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private final BearerTokens tokens;

    BearerTokenIdentityProvider(BearerTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        return tokens.tokens().roleOf(request.getToken().getToken())
                .map(role -> {
                    QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                            .setPrincipal(new QuarkusPrincipal(role + " token"))
                            .addCredential(request.getToken())
                            .addRole(role);
                    if (role.equals(Tokens.ADMIN)) {
                        identity.addRole(Tokens.READER);
                    }
                    return Uni.createFrom().<SecurityIdentity>item(identity.build());
                })
                .orElseGet(() -> Uni.createFrom().failure(new AuthenticationFailedException(
                        "the bearer token is not one of this service's tokens")));
    }
}
