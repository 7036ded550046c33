package io.facestream.converter.health;

import io.facestream.converter.config.ConverterConfig;
import io.facestream.converter.messaging.ConverterRunner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.nio.file.Files;
import java.util.Locale;

/** Ready while the checkpoint consumer runs and the data folder is writable (artifacts are stored there). */
@Readiness
@ApplicationScoped
public class CheckpointConsumerCheck implements HealthCheck {

    @Inject
    ConverterRunner runner;

    @Inject
    ConverterConfig config;

    @Override
    public HealthCheckResponse call() {
        var answer = HealthCheckResponse.named("converter")
                .withData("checkpointPolicy", config.checkpointPolicy().name().toLowerCase(Locale.ROOT))
                .withData("dataDir", config.dataDir().toString());
        if (!runner.consuming()) {
            return answer.down().withData("reason", "the models.checkpoints consumer is not running").build();
        }
        if (!Files.isWritable(config.dataDir())) {
            return answer.down().withData("reason", "the data folder is not writable").build();
        }
        return answer.up().build();
    }
}
