package io.facestream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** Training runs on trainer-service: start, follow, list, cancel. */
@Command(name = "train", description = "Training runs on trainer-service.",
        subcommands = {TrainCommand.Start.class, TrainCommand.Follow.class, TrainCommand.ListRuns.class,
                TrainCommand.Cancel.class})
final class TrainCommand {

    private static final String RUNS = "/training-runs";

    private TrainCommand() {
    }

    @Command(name = "start", description = {"Start a training run: POST the JSON request (the JHFace "
            + "configuration plus dataset, see the README) to /training-runs. Prints the run's id."})
    static final class Start implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", required = true, paramLabel = "FILE.json", description = "The request.")
        Path config;

        @Mixin
        ServiceOptions.Trainer trainer;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(config)) {
                throw new ParameterException(spec.commandLine(), "--config " + config + " does not exist");
            }
            String body;
            try {
                body = Files.readString(config);
                if (!Json.MAPPER.readTree(body).isObject()) {
                    throw new CliException(ExitCodes.FAILED, config + " is not a JSON object");
                }
            } catch (IOException e) {
                throw new CliException(ExitCodes.FAILED, config + " is not readable JSON: " + Text.reason(e), e);
            }
            HttpApi api = trainer.api();
            JsonNode run = api.json(api.send(api.request(RUNS).header("Content-Type", "application/json")
                    .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    201));
            String id = run.path("id").asText();
            spec.commandLine().getOut().println(id);
            spec.commandLine().getErr().println("training run " + id + " is " + run.path("state").asText()
                    + " (model " + run.path("modelName").asText() + "); follow it with: facestream train follow "
                    + id);
            return ExitCodes.OK;
        }
    }

    @Command(name = "follow", description = {"Follow a run's server-sent events with a progress bar (step, loss, "
            + "accuracy, ETA) until it ends. Exit code: 0 succeeded, 1 failed, 4 cancelled."})
    static final class Follow implements Callable<Integer> {

        /** Connections in a row that end with the run still live and no step done before it is given up on. */
        private static final int MAX_RECONNECTS = 10;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "RUN_ID")
        String runId;

        @Mixin
        ServiceOptions.Trainer trainer;

        @Mixin
        Progress.Options progressOptions;

        @Override
        public Integer call() throws InterruptedException {
            String id = HttpApi.segment(runId, "run id");
            HttpApi api = trainer.api();
            RunFollower follower = new RunFollower(id, new Progress(progressOptions.mode,
                    FacestreamCli.of(spec).errIsTerminal(), spec.commandLine().getErr(), "step", 0));
            int reconnects = 0;
            while (true) {
                long stepBefore = follower.step();
                HttpRequest request = api.request(RUNS + "/" + id + "/events")
                        .header("Accept", "text/event-stream").GET().build();
                try (Stream<String> lines = api.lines(request)) {
                    ServerSentEvents.read(lines, follower::on);
                } catch (UncheckedIOException e) {
                    follower.note("the event stream broke: " + Text.reason(e));
                }
                if (follower.finalRun() != null) {
                    break;
                }
                JsonNode run = api.get(RUNS + "/" + id);
                if (RunFollower.finished(run)) {
                    follower.end(run);
                    break;
                }
                reconnects = follower.step() > stepBefore ? 0 : reconnects + 1;
                if (reconnects > MAX_RECONNECTS) {
                    throw new CliException(ExitCodes.UNREACHABLE, "the event stream of run " + id + " keeps "
                            + "ending while the run is " + run.path("state").asText());
                }
                follower.note("the event stream ended while the run is " + run.path("state").asText()
                        + "; reconnecting");
                Thread.sleep(1000);
            }
            spec.commandLine().getOut().println(follower.summary());
            return switch (follower.finalRun().path("state").asText()) {
                case "SUCCEEDED" -> ExitCodes.OK;
                case "CANCELLED" -> ExitCodes.CANCELLED;
                default -> ExitCodes.FAILED;
            };
        }
    }

    @Command(name = "list", description = "The runs of trainer-service, oldest first.")
    static final class ListRuns implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "The answer as JSON.")
        boolean json;

        @Mixin
        ServiceOptions.Trainer trainer;

        @Override
        public Integer call() {
            JsonNode runs = trainer.api().get(RUNS);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.pretty(runs));
                return ExitCodes.OK;
            }
            if (runs.isEmpty()) {
                spec.commandLine().getErr().println("no training runs");
                return ExitCodes.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("ID", "STATE", "MODEL", "STEP", "LOSS", "CREATED"));
            for (JsonNode run : runs) {
                JsonNode p = run.path("progress");
                boolean progressed = p.isObject();
                rows.add(List.of(run.path("id").asText(), run.path("state").asText()
                                + (run.path("cancelRequested").asBoolean() ? " (cancelling)" : ""),
                        run.path("modelName").asText(),
                        progressed ? p.path("step").asLong() + "/" + p.path("totalSteps").asLong() : "-",
                        progressed ? Text.number(p.path("loss").asDouble(), 4) : "-",
                        run.path("createdAt").asText("-")));
            }
            Text.table(rows).forEach(out::println);
            return ExitCodes.OK;
        }
    }

    @Command(name = "cancel", description = {"Cancel a run: a queued one at once, a running one after its current "
            + "step (with a final checkpoint)."})
    static final class Cancel implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "RUN_ID")
        String runId;

        @Mixin
        ServiceOptions.Trainer trainer;

        @Override
        public Integer call() {
            String id = HttpApi.segment(runId, "run id");
            HttpApi api = trainer.api();
            JsonNode run = api.json(api.send(api.request(RUNS + "/" + id).header("Accept", "application/json")
                    .DELETE().build(), 202));
            String state = run.path("state").asText();
            spec.commandLine().getOut().println("CANCELLED".equals(state) ? "run " + id + " is cancelled"
                    : "run " + id + " is " + state + " and stops after its current step, with a final checkpoint");
            return ExitCodes.OK;
        }
    }
}
