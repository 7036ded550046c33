package io.facestream.gallery.streams;

import io.facestream.events.domain.Centroid;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.GalleryKeys;
import io.facestream.gallery.service.GalleryIndex;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.OptionalInt;

/**
 * What makes an embedding the serde accepted unusable here: names that cannot form a gallery key, the zero vector
 * (it would count as an enrolment image while adding nothing to the centroid), and a vector whose dimension differs
 * from its model version's gallery (a sum of mixed dimensions could not be formed, and a
 * probe could match nothing). Such records are dead-lettered unchanged before they reach any state.
 */
final class EmbeddingChecks implements ParseOrDeadLetter.Check<EmbeddingEvent> {

    private final GalleryIndex index;
    private ReadOnlyKeyValueStore<String, Centroid> centroids;

    EmbeddingChecks(GalleryIndex index) {
        this.index = index;
    }

    @Override
    public void init(FixedKeyProcessorContext<?, ?> context) {
        centroids = context.getStateStore(GalleryTopology.CENTROIDS_STORE);
    }

    @Override
    public String problem(EmbeddingEvent e) {
        if (e.modelVersion().indexOf(GalleryKeys.SEPARATOR) >= 0) {
            return "modelVersion must not contain '" + GalleryKeys.SEPARATOR + "': " + e.modelVersion();
        }
        if (e.kind() == EmbeddingEvent.Kind.ENROLLMENT && e.subject().indexOf(GalleryKeys.SEPARATOR) >= 0) {
            return "subject must not contain '" + GalleryKeys.SEPARATOR + "': " + e.subject();
        }
        if (isZero(e.vector())) {
            return "embedding is the zero vector: it has no direction to match or to enrol";
        }
        OptionalInt dimension = index.dimension(e.modelVersion(), centroids);
        if (dimension.isPresent() && dimension.getAsInt() != e.dimension()) {
            return "embedding has dimension " + e.dimension() + ", the gallery of model version " + e.modelVersion()
                    + " has " + dimension.getAsInt();
        }
        return null;
    }

    private static boolean isZero(float[] vector) {
        for (float v : vector) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }
}
