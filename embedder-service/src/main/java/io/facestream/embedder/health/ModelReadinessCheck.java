package io.facestream.embedder.health;

import io.facestream.embedder.model.ActiveModel;
import io.facestream.embedder.model.ModelManager;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while a model is READY: before that, frames wait in Kafka and load balancers should look elsewhere. */
@Readiness
@ApplicationScoped
public class ModelReadinessCheck implements HealthCheck {

    @Inject
    ModelManager models;

    @Override
    public HealthCheckResponse call() {
        ActiveModel active = models.active();
        if (active == null) {
            return HealthCheckResponse.named("model").down().withData("reason", "no model is READY yet").build();
        }
        return HealthCheckResponse.named("model").up().withData("version", active.version()).build();
    }
}
