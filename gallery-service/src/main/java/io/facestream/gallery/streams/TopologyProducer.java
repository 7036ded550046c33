package io.facestream.gallery.streams;

import io.facestream.gallery.config.GalleryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.streams.Topology;

/** Hands the gallery topology to Quarkus' Kafka Streams extension. */
@ApplicationScoped
public class TopologyProducer {

    @Produces
    public Topology galleryTopology(GalleryConfig config) {
        return GalleryTopology.build(config.threshold());
    }
}
