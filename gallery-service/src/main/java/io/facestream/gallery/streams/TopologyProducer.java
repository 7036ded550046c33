package io.facestream.gallery.streams;

import io.facestream.gallery.config.GalleryConfig;
import io.facestream.gallery.domain.ThresholdPolicy;
import io.facestream.gallery.service.DotProduct;
import io.facestream.gallery.service.GalleryIndex;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.kafka.streams.Topology;
import org.jboss.logging.Logger;

/** Hands the gallery topology, and the index its REST queries share, to Quarkus. */
@ApplicationScoped
public class TopologyProducer {

    private static final Logger LOG = Logger.getLogger(TopologyProducer.class);

    @Produces
    @Singleton
    public GalleryIndex galleryIndex(GalleryConfig config) {
        ThresholdPolicy policy = new ThresholdPolicy(config.thresholdMode(), config.threshold(), config.targetFar(),
                config.minCalibrationPersons(), config.personThresholds());
        DotProduct dot = DotProduct.best();
        LOG.infof("gallery matching: %s dot products%s; thresholds %s", dot.name(),
                DotProduct.simdAvailable() ? "" : " (start the JVM with --add-modules "
                        + DotProduct.VECTOR_MODULE + " for SIMD)", policy);
        return new GalleryIndex(policy, dot);
    }

    @Produces
    public Topology galleryTopology(GalleryIndex index) {
        return GalleryTopology.build(index);
    }
}
