package io.facestream.embedder.rest;

import io.facestream.embedder.model.ActiveModel;
import io.facestream.embedder.model.ModelManager;
import io.facestream.embedder.model.ModelStatus;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;

@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {

    @Inject
    ModelManager models;

    @GET
    @Operation(summary = "Every artifact version this embedder has seen, with its lifecycle state and any failure reason")
    public List<ModelStatus> all() {
        return models.statuses();
    }

    @GET
    @Path("/active")
    @Operation(summary = "The model serving now; 404 while none is READY")
    public Response active() {
        ActiveModel active = models.active();
        if (active == null) {
            return Response.status(Response.Status.NOT_FOUND)
                    .entity(java.util.Map.of("error", "no model is READY yet")).build();
        }
        return Response.ok(active.artifact()).build();
    }
}
