package io.facestream.converter.rest;

import io.facestream.converter.service.ConflictException;
import io.facestream.converter.service.InvalidRequestException;
import io.facestream.converter.service.PayloadTooLargeException;
import io.facestream.converter.service.UnknownIdException;
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

    static Response answer(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ErrorView(status, message))
                .build();
    }
}
