package io.facestream.security;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * Who may do what, on every request (a global HTTP security policy): writes (any method but GET, HEAD and OPTIONS)
 * need role admin; reads need role reader (which admin tokens hold too) when facestream.auth.read-requires-token is
 * set, and nothing otherwise; the open paths (health checks, a page's static files) and CORS preflights need nothing.
 */
@ApplicationScoped
public class AccessPolicy implements HttpSecurityPolicy {

    /** Routing-context key: the role the request lacked, for the 401 and 403 messages. */
    private static final String REQUIRED_ROLE = AccessPolicy.class.getName() + ".required-role";
    /** Routing-context key: why a token was refused (the 403's message). */
    private static final String FORBIDDEN_MESSAGE = AccessPolicy.class.getName() + ".forbidden";

    private final AccessConfig config;
    private final List<String> exactOpenPaths;
    private final List<String> openPrefixes;

    AccessPolicy(AccessConfig config) {
        this.config = config;
        this.exactOpenPaths = config.openPaths().stream().filter(p -> !p.endsWith("/*")).toList();
        this.openPrefixes = config.openPaths().stream().filter(p -> p.endsWith("/*"))
                .map(p -> p.substring(0, p.length() - 1)).toList();
    }

    @Override
    public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity,
                                            AuthorizationRequestContext requestContext) {
        String role = requiredRole(request.request().method(), request.normalizedPath());
        if (role == null) {
            return CheckResult.permit();
        }
        return identity.map(who -> {
            if (who.hasRole(role)) {
                return CheckResult.PERMIT;
            }
            request.put(REQUIRED_ROLE, role);
            if (!who.isAnonymous()) {
                request.put(FORBIDDEN_MESSAGE, "a " + who.getPrincipal().getName() + " may not do this: "
                        + request.request().method() + " " + request.normalizedPath() + " needs a token of role "
                        + role);
            }
            return CheckResult.DENY;
        });
    }

    /** The role a request needs, null when it needs none. */
    String requiredRole(HttpMethod method, String path) {
        if (!config.enabled() || method == HttpMethod.OPTIONS || isOpen(path)) {
            return null;
        }
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            return Tokens.ADMIN;
        }
        return config.readRequiresToken() ? Tokens.READER : null;
    }

    private boolean isOpen(String path) {
        return exactOpenPaths.contains(path) || openPrefixes.stream().anyMatch(path::startsWith);
    }

    /** The role a denied request lacked; null when it was not denied by this policy. */
    static String missingRole(RoutingContext request) {
        return request.get(REQUIRED_ROLE);
    }

    /** Why a token was refused; null when this policy refused none. */
    static String forbiddenMessage(RoutingContext request) {
        return request.get(FORBIDDEN_MESSAGE);
    }
}
