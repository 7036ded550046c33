package io.facestream.security;

import io.quarkus.security.ForbiddenException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Access refusals in the services' JSON error shape, {status, message}: 401s (the challenge) and 403s. */
@ApplicationScoped
public class ErrorAnswers {

    /** A request denied for a token without the role it needs ends here as a 403 with the reason. */
    void forbiddenAsJson(@Observes Router router) {
        router.route().failureHandler(context -> {
            String message = AccessPolicy.forbiddenMessage(context);
            if (context.failure() instanceof ForbiddenException && message != null && !context.response().ended()) {
                send(context, 403, message);
            } else {
                context.next();
            }
        });
    }

    static void send(RoutingContext context, int status, String message) {
        context.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("status", status).put("message", message).encode());
    }
}
