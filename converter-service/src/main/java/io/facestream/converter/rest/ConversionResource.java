package io.facestream.converter.rest;

import io.facestream.converter.domain.Conversion;
import io.facestream.converter.domain.ConversionSettings;
import io.facestream.converter.service.ConversionService;
import io.facestream.converter.service.Ids;
import io.facestream.converter.service.InvalidRequestException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;

/** Ad-hoc conversions of a checkpoint (by URL or uploaded), their progress and results. */
@Path("/conversions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "conversions")
public class ConversionResource {

    /**
     * A conversion of the checkpoint at a URL. Only url, sha256 and modelName are required.
     *
     * @param sizeBytes the checkpoint's size, checked when given
     * @param precision int8 (default), float32, float16 or dynamic-range
     * @param uint8Input int8 only: the model takes uint8 pixels (such models are stored, not published)
     * @param publish   false: store the artifact without announcing it (default true)
     */
    public record ConversionRequest(String url, String sha256, Long sizeBytes, String modelName, String version,
                                    String precision, Boolean uint8Input, Boolean publish, Double minMeanCosine,
                                    Double minCosine, Double maxAccuracyDrop) {
    }

    @Inject
    ConversionService conversions;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Convert the checkpoint at a URL (verified against its SHA-256); answers at once with the "
            + "queued conversion")
    @APIResponse(responseCode = "202", description = "queued; Location names the conversion to poll")
    @APIResponse(responseCode = "400", description = "a missing or unusable parameter")
    @APIResponse(responseCode = "409", description = "the version is taken")
    public Response fromUrl(ConversionRequest request) throws IOException {
        if (request == null) {
            throw new InvalidRequestException("a JSON body {url, sha256, modelName, ...} is required");
        }
        if (request.url() == null || request.sha256() == null) {
            throw new InvalidRequestException("url and sha256 are required");
        }
        ConversionSettings settings = conversions.settings(request.modelName(), request.version(),
                request.precision(), request.uint8Input(), request.publish(), request.minMeanCosine(),
                request.minCosine(), request.maxAccuracyDrop(), adHocVersion());
        return accepted(conversions.convert(request.url(), request.sha256(), request.sizeBytes(), settings));
    }

    @POST
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "Convert an uploaded checkpoint file (the body); options as query parameters")
    @APIResponse(responseCode = "202", description = "stored and queued; Location names the conversion to poll")
    @APIResponse(responseCode = "400", description = "a missing or unusable parameter, or a digest mismatch")
    @APIResponse(responseCode = "409", description = "the version is taken")
    @APIResponse(responseCode = "413", description = "larger than converter.max-checkpoint-bytes")
    public Response fromUpload(InputStream body, @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long contentLength,
                               @QueryParam("modelName") String modelName, @QueryParam("version") String version,
                               @QueryParam("precision") String precision,
                               @QueryParam("uint8Input") Boolean uint8Input, @QueryParam("publish") Boolean publish,
                               @QueryParam("sha256") String sha256,
                               @QueryParam("minMeanCosine") Double minMeanCosine,
                               @QueryParam("minCosine") Double minCosine,
                               @QueryParam("maxAccuracyDrop") Double maxAccuracyDrop) throws IOException {
        ConversionSettings settings = conversions.settings(modelName, version, precision, uint8Input, publish,
                minMeanCosine, minCosine, maxAccuracyDrop, adHocVersion());
        return accepted(conversions.convert(body, contentLength, sha256, settings));
    }

    @GET
    @Operation(summary = "Every conversion, newest first")
    public List<Conversion> list() {
        return conversions.list();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A conversion: status, phase and percent, the validation figures, the artifact or the "
            + "reason it failed")
    @APIResponse(responseCode = "404", description = "no such conversion")
    public Conversion get(@PathParam("id") String id) {
        return conversions.get(id);
    }

    private static String adHocVersion() {
        return "adhoc-" + Ids.next(System.currentTimeMillis());
    }

    private static Response accepted(Conversion c) {
        return Response.accepted(c).location(URI.create("/conversions/" + c.id())).build();
    }
}
