package io.facestream.converter.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.facestream.converter.service.ConflictException;
import io.facestream.converter.service.InvalidRequestException;
import io.facestream.converter.service.PayloadTooLargeException;
import io.facestream.converter.service.UnknownIdException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error as JSON {status, message}, as the other services answer. */
public class ErrorMappers {

    /** The body of every error answer. */
    public record ErrorView(int status, String message) {
    }

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        return answer(400, e.getMessage());
    }

    @ServerExceptionMapper
    public Response unknown(UnknownIdException e) {
        return answer(404, e.getMessage());
    }

    @ServerExceptionMapper
    public Response conflict(ConflictException e) {
        return answer(409, e.getMessage());
    }

    @ServerExceptionMapper
    public Response tooLarge(PayloadTooLargeException e) {
        return answer(413, e.getMessage());
    }

    /**
     * A JSON body that does not parse, or does not fit the request (an array, a string, a field of the wrong type):
     * 400 with Jackson's reason. MismatchedInputException is named so that this mapper, not Quarkus' own one (which
     * answers with an empty body), handles it.
     */
    @ServerExceptionMapper({JsonProcessingException.class, MismatchedInputException.class})
    public Response unreadable(JsonProcessingException e) {
        return answer(400, "the body is not a usable JSON request: " + e.getOriginalMessage());
    }

    /**
     * What the framework refuses before a resource runs (a content type the endpoint does not take, a body it
     * cannot read, a path or method no resource has): the same JSON with the reason, the framework's headers kept.
     */
    @ServerExceptionMapper
    public Response refused(WebApplicationException e, HttpHeaders headers) {
        if (e.getResponse().hasEntity()) {
            return e.getResponse(); // it says why already
        }
        int status = e.getResponse().getStatus();
        String message = status == 415
                ? "content type '" + headers.getHeaderString(HttpHeaders.CONTENT_TYPE) + "' is not accepted here"
                : e.getCause() instanceof JsonProcessingException j
                ? "the body is not a usable JSON request: " + j.getOriginalMessage()
                : e.getMessage();
        return Response.fromResponse(e.getResponse()).type(MediaType.APPLICATION_JSON)
                .entity(new ErrorView(status, message)).build();
    }

    static Response answer(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ErrorView(status, message))
                .build();
    }
}
