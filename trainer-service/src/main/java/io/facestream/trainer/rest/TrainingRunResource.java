package io.facestream.trainer.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.trainer.config.PublicUrl;
import io.facestream.trainer.domain.CheckpointRecord;
import io.facestream.trainer.domain.TrainingRun;
import io.facestream.trainer.service.RunEvents;
import io.facestream.trainer.service.RunNotFoundException;
import io.facestream.trainer.service.TrainingRuns;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Training runs: start, follow, cancel, resume; their checkpoints and ROC plots. */
@Path("/training-runs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "training-runs")
public class TrainingRunResource {

    /** The checkpoint file's SHA-256 (lower-case hex), as its CheckpointEvent states it. */
    public static final String SHA256_HEADER = "X-Checkpoint-SHA256";

    @Inject
    TrainingRuns runs;
    @Inject
    PublicUrl publicUrl;
    @Inject
    RunEvents events;
    @Inject
    ObjectMapper json;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a training run",
            description = "The JHFace configuration under its names (batch_size, input_size, embd_shape, head_type, "
                    + "backbone_type, w_decay, base_lr, margin, logist_scale, epochs, save_steps, is_ccrop, "
                    + "binary_img, is_Adam, ...) plus dataset ({type: folder|tfrecord|enrollments, ...}), and "
                    + "optionally pretrained_h5, pairs ({path, images_root}), hold_out_pairs_people, model_name, "
                    + "max_steps. num_classes and dataset_len come from the data.")
    @RequestBody(description = "the training request")
    @APIResponse(responseCode = "201", description = "the run, queued; Location names it")
    @APIResponse(responseCode = "400", description = "the request is refused; field names the field at fault")
    public Response create(String body) {
        TrainingRun run = runs.create(body);
        return Response.created(URI.create("/training-runs/" + run.id())).entity(run).build();
    }

    @GET
    @Operation(summary = "Every run of this instance, oldest first")
    public List<TrainingRun> list() {
        return runs.list();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A run: state, progress (epoch, step, loss, accuracy, images/s, ETA), last validation, "
            + "best and last checkpoints, attempts, failure reason")
    @APIResponse(responseCode = "404", description = "no such run")
    public TrainingRun get(@PathParam("id") String id) {
        return runs.get(id);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Cancel a run: a queued one at once, a running one after its current step")
    @APIResponse(responseCode = "202", description = "cancelled, or cancelling (cancelRequested)")
    @APIResponse(responseCode = "404", description = "no such run")
    @APIResponse(responseCode = "409", description = "the run has already finished")
    public Response cancel(@PathParam("id") String id) {
        return Response.accepted(runs.cancel(id)).build();
    }

    @POST
    @Path("/{id}/resume")
    @Operation(summary = "Resume a failed or cancelled run from its last checkpoint, as a new attempt")
    @APIResponse(responseCode = "202", description = "queued again")
    @APIResponse(responseCode = "404", description = "no such run")
    @APIResponse(responseCode = "409", description = "the run is queued, running or has succeeded")
    public Response resume(@PathParam("id") String id) {
        return Response.accepted(runs.resume(id)).build();
    }

    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Server-sent events of a run: state (first, and on every change), started, progress "
            + "(every step), validation, checkpoint; the stream ends when the run finishes")
    @APIResponse(responseCode = "404", description = "no such run")
    public void events(@PathParam("id") String id, @Context SseEventSink sink, @Context Sse sse) {
        TrainingRun current = runs.get(id);
        AtomicLong sequence = new AtomicLong();
        AtomicReference<Runnable> unsubscribe = new AtomicReference<>();
        Runnable stop = () -> {
            Runnable u = unsubscribe.getAndSet(null);
            if (u != null) {
                u.run();
            }
            if (!sink.isClosed()) {
                sink.close();
            }
        };
        if (!current.state().finished()) {
            unsubscribe.set(events.subscribe(id, event -> {
                send(sink, sse, sequence, event.name(), event.data()).exceptionally(e -> {
                    stop.run();
                    return null;
                });
                if (RunEvents.STATE.equals(event.name()) && ((TrainingRun) event.data()).state().finished()) {
                    stop.run();
                }
            }));
        }
        send(sink, sse, sequence, RunEvents.STATE, current);
        if (current.state().finished()) {
            stop.run();
        }
    }

    private CompletableFuture<?> send(SseEventSink sink, Sse sse, AtomicLong sequence,
                                                            String name, Object data) {
        if (sink.isClosed()) {
            return CompletableFuture.failedFuture(new IllegalStateException("closed"));
        }
        String text;
        try {
            text = json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a " + name + " event", e);
        }
        OutboundSseEvent event = sse.newEventBuilder().name(name).id(Long.toString(sequence.incrementAndGet()))
                .mediaType(MediaType.APPLICATION_JSON_TYPE).data(text).build();
        return sink.send(event).toCompletableFuture();
    }

    @GET
    @Path("/{id}/checkpoints")
    @Operation(summary = "A run's checkpoints by step: metrics (with the verification figures when a pairs set is "
            + "configured), SHA-256, size, best and final flags, download and ROC URLs")
    @APIResponse(responseCode = "404", description = "no such run")
    public List<CheckpointView> checkpoints(@PathParam("id") String id) {
        TrainingRun run = runs.get(id);
        String best = run.bestCheckpoint() == null ? null : run.bestCheckpoint().id();
        return runs.checkpoints(id).stream().map(c -> view(id, c, c.id().equals(best))).toList();
    }

    @GET
    @Path("/{id}/checkpoints/{checkpointId}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "Download a checkpoint file (portable checkpoint ZIP); its SHA-256 is in "
            + SHA256_HEADER + " and the ETag")
    @APIResponse(responseCode = "200", description = "the file")
    @APIResponse(responseCode = "304", description = "If-None-Match names this file's digest")
    @APIResponse(responseCode = "404", description = "no such run or checkpoint")
    public Response download(@PathParam("id") String id, @PathParam("checkpointId") String checkpointId,
                             @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        CheckpointRecord c = runs.checkpoint(id, checkpointId);
        EntityTag tag = new EntityTag(c.sha256());
        if (ifNoneMatch != null && (ifNoneMatch.contains("\"" + c.sha256() + "\"") || ifNoneMatch.equals("*"))) {
            return Response.notModified(tag).header(SHA256_HEADER, c.sha256()).build();
        }
        return Response.ok(runs.checkpointFile(id, checkpointId).toFile())
                .type(MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .tag(tag)
                .header(SHA256_HEADER, c.sha256())
                .header("Content-Disposition", "attachment; filename=\"" + c.id() + ".ckpt\"")
                .build();
    }

    @GET
    @Path("/{id}/checkpoints/{checkpointId}/roc.png")
    @Produces("image/png")
    @Operation(summary = "The ROC plot of a checkpoint's verification on the run's pairs set")
    @APIResponse(responseCode = "200", description = "the PNG")
    @APIResponse(responseCode = "404", description = "no such run or checkpoint, or the run has no pairs set")
    public Response roc(@PathParam("id") String id, @PathParam("checkpointId") String checkpointId) {
        java.nio.file.Path png = runs.rocFile(id, checkpointId).orElseThrow(() -> new RunNotFoundException(
                "checkpoint " + checkpointId + " of run " + id + " has no ROC plot: the run measures no pairs set"));
        return Response.ok(png.toFile()).type("image/png").build();
    }

    private CheckpointView view(String runId, CheckpointRecord c, boolean best) {
        String path = TrainingRuns.checkpointPath(runId, c.id());
        return new CheckpointView(c.id(), c.step(), c.epoch(), c.metrics(), best, c.finalCheckpoint(), c.sha256(),
                c.sizeBytes(), c.attempt(), c.createdAt(), publicUrl.of(path),
                c.hasRoc() ? publicUrl.of(path + "/roc.png") : null);
    }
}
