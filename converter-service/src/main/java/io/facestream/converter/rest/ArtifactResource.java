package io.facestream.converter.rest;

import io.facestream.converter.domain.ArtifactRecord;
import io.facestream.converter.service.ArtifactService;
import io.facestream.converter.service.UploadService;
import io.facestream.tflite.inspect.ModelInspector;
import io.facestream.tflite.inspect.ModelReport;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.EntityTag;
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

/** Stored artifacts: metadata, model bytes, inspection, ROC plot; and uploads of one's own models. */
@Path("/artifacts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "artifacts")
public class ArtifactResource {

    /** The model's SHA-256 (lower-case hex), also its ETag. */
    public static final String SHA256_HEADER = "X-Artifact-SHA256";

    @Inject
    ArtifactService artifacts;

    @Inject
    UploadService uploads;

    @GET
    @Operation(summary = "Every stored artifact, newest first")
    public List<ArtifactRecord> list() {
        return artifacts.list();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "An artifact: its ModelArtifactEvent (downloadUrl included) and validation figures")
    @APIResponse(responseCode = "404", description = "no such artifact")
    public ArtifactRecord get(@PathParam("id") String id) {
        return artifacts.get(id);
    }

    @GET
    @Path("/{id}/model.tflite")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "The .tflite file; its SHA-256 is in " + SHA256_HEADER + " and the ETag")
    @APIResponse(responseCode = "200", description = "the file")
    @APIResponse(responseCode = "304", description = "If-None-Match names this file's digest")
    @APIResponse(responseCode = "404", description = "no such artifact")
    public Response model(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        ArtifactRecord a = artifacts.get(id);
        String sha = a.event().sha256();
        EntityTag tag = new EntityTag(sha);
        if (ifNoneMatch != null && (ifNoneMatch.contains("\"" + sha + "\"") || ifNoneMatch.trim().equals("*"))) {
            return Response.notModified(tag).header(SHA256_HEADER, sha).build();
        }
        return Response.ok(artifacts.modelFile(id).toFile(), MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .tag(tag)
                .header(SHA256_HEADER, sha)
                .header("Content-Disposition", "attachment; filename=\"" + id + ".tflite\"")
                .build();
    }

    @GET
    @Path("/{id}/inspection")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    @Operation(summary = "What the .tflite file contains: operators with versions, tensors with types, shapes and "
            + "quantization parameters, size (format=text: the TfliteInspect listing)")
    @APIResponse(responseCode = "404", description = "no such artifact")
    public Response inspection(@PathParam("id") String id, @QueryParam("format") String format) {
        ModelReport report = ModelInspector.inspect(artifacts.model(id), id + "/model.tflite");
        if ("text".equalsIgnoreCase(format)) {
            return Response.ok(report.toText(), MediaType.TEXT_PLAIN_TYPE).build();
        }
        return Response.ok(InspectionView.of(report), MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Path("/{id}/roc.png")
    @Produces("image/png")
    @Operation(summary = "ROC curves of the float32 and the converted model on the configured pairs set")
    @APIResponse(responseCode = "404", description = "no such artifact, or it has no plot")
    public Response roc(@PathParam("id") String id) {
        return Response.ok(artifacts.rocFile(id).toFile(), "image/png").build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "Upload one's own .tflite face-embedding model (the body); it is verified, loaded and run "
            + "before it is stored and published")
    @APIResponse(responseCode = "201", description = "accepted; Location names the artifact")
    @APIResponse(responseCode = "400", description = "not a usable model (the message says why) or a bad parameter")
    @APIResponse(responseCode = "409", description = "the version is taken")
    @APIResponse(responseCode = "413", description = "larger than converter.max-upload-bytes")
    public Response upload(InputStream body, @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long contentLength,
                           @QueryParam("modelName") String modelName, @QueryParam("version") String version,
                           @QueryParam("inputSize") Integer inputSize, @QueryParam("scale") Float scale,
                           @QueryParam("offset") Float offset, @QueryParam("colorOrder") String colorOrder,
                           @QueryParam("backbone") String backbone, @QueryParam("head") String head,
                           @QueryParam("sha256") String sha256, @QueryParam("publish") Boolean publish)
            throws IOException, InterruptedException {
        ArtifactRecord record = uploads.upload(body, contentLength, new UploadService.Upload(modelName, version,
                inputSize, scale, offset, colorOrder, backbone, head, sha256, publish));
        return Response.created(URI.create("/artifacts/" + record.id())).entity(record).build();
    }
}
