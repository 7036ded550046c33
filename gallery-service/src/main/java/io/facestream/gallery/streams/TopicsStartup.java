package io.facestream.gallery.streams;

import io.facestream.events.Topic;
import io.facestream.events.Topics;
import io.facestream.events.messaging.TopicAdmin;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Creates the system's topics and the gallery's own before Kafka Streams needs them (it waits for them). */
@ApplicationScoped
public class TopicsStartup {

    private static final Logger LOG = Logger.getLogger(TopicsStartup.class);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    void onStart(@Observes StartupEvent event) {
        List<Topic<?, ?>> topics = new ArrayList<>(Topics.all());
        topics.add(GalleryTopology.CENTROIDS);
        List<String> created = TopicAdmin.ensureTopics(kafkaConfig, topics, 30_000);
        LOG.infof("topics ready (%d created: %s)", created.size(), created);
    }
}
