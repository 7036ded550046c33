package io.facestream.gallery.streams;

import io.facestream.events.messaging.TopicAdmin;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.Map;

/** Creates the system's topics before Kafka Streams needs them (it waits for them). */
@ApplicationScoped
public class TopicsStartup {

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    void onStart(@Observes StartupEvent event) {
        TopicAdmin.ensureSystemTopics(kafkaConfig);
    }
}
