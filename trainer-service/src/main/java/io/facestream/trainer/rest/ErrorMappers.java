package io.facestream.trainer.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.facestream.trainer.service.InvalidRequestException;
import io.facestream.trainer.service.RunConflictException;
import io.facestream.trainer.service.RunNotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error as JSON {status, message} (and the field at fault, for a refused request). */
public class ErrorMappers {

    /** The body of every error answer. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ErrorView(int status, String message, String field) {
    }

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        return answer(400, e.getMessage(), e.field());
    }

    @ServerExceptionMapper
    public Response notFound(RunNotFoundException e) {
        return answer(404, e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response conflict(RunConflictException e) {
        return answer(409, e.getMessage(), null);
    }

    /**
     * What the framework refuses before a resource runs (a content type the endpoint does not take, a path or
     * method no resource has): the same JSON with the reason, the framework's headers kept.
     */
    @ServerExceptionMapper
    public Response refused(WebApplicationException e, HttpHeaders headers) {
        if (e.getResponse().hasEntity()) {
            return e.getResponse(); // it says why already
        }
        int status = e.getResponse().getStatus();
        String message = status == 415
                ? "content type '" + headers.getHeaderString(HttpHeaders.CONTENT_TYPE) + "' is not accepted here"
                : e.getMessage();
        return Response.fromResponse(e.getResponse()).type(MediaType.APPLICATION_JSON)
                .entity(new ErrorView(status, message, null)).build();
    }

    static Response answer(int status, String message, String field) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(new ErrorView(status, message, field)).build();
    }
}
