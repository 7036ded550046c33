package io.facestream.gallery.rest;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error as JSON {status, message}; 503s carry Retry-After. */
public class ErrorMappers {

    /** The body of every error answer. */
    public record ErrorView(int status, String message) {
    }

    @ServerExceptionMapper
    public Response api(ApiException e) {
        Response.ResponseBuilder answer = Response.status(e.status()).type(MediaType.APPLICATION_JSON)
                .entity(new ErrorView(e.status(), e.getMessage()));
        if (e.retryAfterSeconds() > 0) {
            answer.header("Retry-After", e.retryAfterSeconds());
        }
        return answer.build();
    }

    /** A store closed or moved while it was being read (a rebalance): the same answer as "not queryable yet". */
    @ServerExceptionMapper
    public Response storeMoved(InvalidStateStoreException e) {
        return api(ApiException.unavailable("the gallery's stores are not queryable right now ("
                + e.getMessage() + "); try again shortly"));
    }
}
