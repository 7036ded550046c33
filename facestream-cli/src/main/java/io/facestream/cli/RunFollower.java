package io.facestream.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.Locale;

/**
 * What train follow makes of a run's events: "state" changes and "started", "validation" and "checkpoint" as lines,
 * "progress" as the bar (step of total, epoch, loss, accuracy, learning rate, images/s, ETA). The events' data are
 * trainer-service's JSON (TrainingRun, RunProgress, ValidationFigures).
 */
final class RunFollower {

    private final String runId;
    private final Progress progress;
    private String state;
    private long step;
    private boolean barShown;
    private JsonNode finalRun;

    RunFollower(String runId, Progress progress) {
        this.runId = runId;
        this.progress = progress;
    }

    static boolean finished(JsonNode run) {
        String s = run.path("state").asText();
        return s.equals("SUCCEEDED") || s.equals("FAILED") || s.equals("CANCELLED");
    }

    /** Takes one event; false once the run has ended (the stream has nothing more to say). */
    boolean on(ServerSentEvents.Event event) {
        JsonNode data;
        try {
            data = Json.MAPPER.readTree(event.data());
        } catch (IOException e) {
            note("an unreadable " + event.name() + " event: " + Text.reason(e));
            return true;
        }
        switch (event.name()) {
            case "state" -> {
                if (finished(data)) {
                    end(data);
                    return false;
                }
                changed(data);
            }
            case "started" -> started(data);
            case "progress" -> progressed(data);
            case "validation" -> note(String.format(Locale.ROOT, "epoch %d validation: loss %.4f, accuracy %.4f%s",
                    data.path("epoch").asInt(), data.path("loss").asDouble(), data.path("accuracy").asDouble(),
                    data.path("best").asBoolean() ? " (best so far)" : ""));
            case "checkpoint" -> checkpoint(data.path("lastCheckpoint"));
            default -> {
                // an event a newer trainer added: nothing this client knows to show
            }
        }
        return true;
    }

    /** The run as it ended. */
    void end(JsonNode run) {
        if (barShown) {
            progress.finish();
            barShown = false;
        }
        changed(run);
        finalRun = run;
    }

    JsonNode finalRun() {
        return finalRun;
    }

    long step() {
        return step;
    }

    void note(String message) {
        progress.note(message);
    }

    /** The one line train follow prints on stdout when the run has ended. */
    String summary() {
        String s = finalRun.path("state").asText();
        StringBuilder line = new StringBuilder("run " + runId + " " + s);
        JsonNode p = finalRun.path("progress");
        if (p.isObject()) {
            line.append(String.format(Locale.ROOT, " at step %d of %d, loss %.4f", p.path("step").asLong(),
                    p.path("totalSteps").asLong(), p.path("loss").asDouble()));
        }
        if (finalRun.path("failureReason").isTextual()) {
            line.append(": ").append(finalRun.path("failureReason").asText());
        }
        JsonNode best = finalRun.path("bestCheckpoint");
        JsonNode last = finalRun.path("lastCheckpoint");
        if (best.isObject()) {
            line.append("; best checkpoint ").append(best.path("id").asText());
        } else if (last.isObject()) {
            line.append("; last checkpoint ").append(last.path("id").asText());
        }
        return line.toString();
    }

    private void changed(JsonNode run) {
        String s = run.path("state").asText();
        if (s.equals(state)) {
            return;
        }
        state = s;
        String reason = run.path("failureReason").isTextual() ? ": " + run.path("failureReason").asText() : "";
        note("run " + runId + " " + s + (run.path("cancelRequested").asBoolean() && !finished(run)
                ? " (cancel requested)" : "") + reason);
    }

    private void started(JsonNode run) {
        changed(run);
        JsonNode d = run.path("data");
        if (d.isObject()) {
            note(String.format(Locale.ROOT, "data: %d identities, %d training images, %d for validation; "
                            + "%d steps an epoch, %d steps", d.path("classes").asInt(), d.path("trainingImages").asInt(),
                    d.path("validationImages").asInt(), d.path("stepsPerEpoch").asInt(), d.path("totalSteps").asLong()));
        }
    }

    private void progressed(JsonNode p) {
        step = p.path("step").asLong();
        progress.total(p.path("totalSteps").asLong());
        barShown = true;
        progress.update(step, String.format(Locale.ROOT, "epoch %d/%d loss %.4f acc %.3f lr %.2e %.0f img/s ETA %s",
                p.path("epoch").asInt(), p.path("epochs").asInt(), p.path("loss").asDouble(),
                p.path("accuracy").asDouble(), p.path("learningRate").asDouble(),
                p.path("imagesPerSecond").asDouble(), Text.seconds(p.path("etaSeconds").asLong())));
    }

    private void checkpoint(JsonNode c) {
        if (!c.isObject()) {
            return;
        }
        StringBuilder line = new StringBuilder("checkpoint " + c.path("id").asText() + " at step "
                + c.path("step").asLong());
        if (c.path("bestWhenSaved").asBoolean()) {
            line.append(" (best)");
        }
        if (c.path("finalCheckpoint").asBoolean()) {
            line.append(" (final)");
        }
        JsonNode accuracy = c.path("metrics").path("verification_accuracy");
        if (accuracy.isNumber()) {
            line.append(String.format(Locale.ROOT, ", verification accuracy %.4f", accuracy.asDouble()));
        }
        note(line.toString());
    }
}
