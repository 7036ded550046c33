package io.facestream.trainer.health;

import io.facestream.trainer.config.TrainerConfig;
import io.facestream.trainer.domain.RunState;
import io.facestream.trainer.domain.TrainingRun;
import io.facestream.trainer.service.TrainingRuns;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Ready when the data dir, where runs and checkpoints are kept, is writable; reports queued and running runs. */
@Readiness
@ApplicationScoped
public class TrainingRunsHealthCheck implements HealthCheck {

    @Inject
    TrainerConfig config;
    @Inject
    TrainingRuns runs;

    @Override
    public HealthCheckResponse call() {
        Path dir = config.dataDir();
        List<TrainingRun> all = runs.list();
        HealthCheckResponseBuilder answer = HealthCheckResponse.named("training-runs")
                .withData("data-dir", dir.toAbsolutePath().toString())
                .withData("queued", all.stream().filter(r -> r.state() == RunState.QUEUED).count())
                .withData("running", all.stream().filter(r -> r.state() == RunState.RUNNING).count());
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            return answer.down().withData("reason", "the data dir is missing or not writable").build();
        }
        return answer.up().build();
    }
}
