package io.facestream.gallery.live;

import io.facestream.gallery.rest.ApiException;
import io.facestream.gallery.rest.ErrorMappers.ErrorView;
import io.facestream.model.image.ImageRejectedException;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What the live page (served at /) reads from the gallery besides its REST queries. */
@Path("/live")
@Tag(name = "live")
public class LiveResource {

    /** The name of every event on /live/identities. */
    public static final String MATCH_EVENT = "identity";

    /** What the page needs to know to reach the other services. */
    public record PageConfig(String embedderUrl, String trainerUrl) {
    }

    @Inject
    LiveFeeds feeds;
    @Inject
    LiveConfig config;

    @GET
    @Path("/identities")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Identity matches as they arrive on faces.identities, as server-sent events",
            description = "Events named \"identity\", data {match, thumbnail}: the IdentityMatch and the path of its "
                    + "face's thumbnail. The latest few come first. A client that reads slower than matches arrive "
                    + "is disconnected when its buffer (gallery.ui.client-buffer) is full.")
    public Multi<OutboundSseEvent> identities(@Context Sse sse) {
        return feeds.broadcaster().subscribe().map(json -> sse.newEventBuilder().name(MATCH_EVENT)
                .mediaType(MediaType.APPLICATION_JSON_TYPE).data(json).build());
    }

    @GET
    @Path("/thumbnails/{frameId}")
    @Produces({"image/jpeg", MediaType.APPLICATION_JSON})
    @Operation(summary = "A small JPEG of a matched face: its box with room around it, or the whole frame")
    @APIResponse(responseCode = "200", description = "the JPEG")
    @APIResponse(responseCode = "404", description = "the frame is not held (never seen, or evicted)")
    @APIResponse(responseCode = "422", description = "the frame cannot be decoded")
    public Response thumbnail(@PathParam("frameId") String frameId, @QueryParam("face") @DefaultValue("0") int face) {
        try {
            byte[] jpeg = feeds.thumbnails().thumbnail(frameId, face).orElseThrow(() -> ApiException.notFound(
                    "frame '" + frameId + "' is not held for thumbnails (never seen by this instance, or evicted)"));
            CacheControl cache = new CacheControl();
            cache.setMaxAge(3600);
            cache.setPrivate(true);
            return Response.ok(jpeg, "image/jpeg").cacheControl(cache).build();
        } catch (ImageRejectedException e) {
            return Response.status(422).type(MediaType.APPLICATION_JSON)
                    .entity(new ErrorView(422, "frame '" + frameId + "' cannot be decoded: " + e.getMessage()))
                    .build();
        }
    }

    @GET
    @Path("/config")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Where the live page finds embedder-service and trainer-service (gallery.ui.*-url)")
    public PageConfig config() {
        return new PageConfig(stripSlash(config.embedderUrl()), stripSlash(config.trainerUrl()));
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
