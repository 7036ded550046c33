package io.facestream.gallery.service;

import io.facestream.events.domain.Centroid;
import io.facestream.gallery.domain.ThresholdPolicy;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The matchable form of every model version's gallery, kept beside the global centroid store.
 * <p>
 * The store's updater (the global thread) only counts changes per version ({@link #centroidPut},
 * {@link #centroidDeleted}); the matrix and the calibrated threshold are rebuilt from the store on the first use
 * after a change ({@link #gallery}). Rebuilding lazily means a version being bulk-built (every enrolment embedded
 * again for a new model, before probes switch to it) costs nothing until it is probed, and a probe never pays for
 * calibration unless the gallery changed. Thread-safe: snapshots are immutable, counters atomic.
 */
public final class GalleryIndex {

    private static final System.Logger LOG = System.getLogger(GalleryIndex.class.getName());

    private final ThresholdPolicy policy;
    private final DotProduct dot;
    private final Map<String, AtomicLong> generations = new ConcurrentHashMap<>();
    private final Map<String, VersionGallery> galleries = new ConcurrentHashMap<>();
    private final Map<String, Integer> dimensions = new ConcurrentHashMap<>();

    public GalleryIndex(ThresholdPolicy policy, DotProduct dot) {
        this.policy = policy;
        this.dot = dot;
    }

    public ThresholdPolicy policy() {
        return policy;
    }

    public DotProduct dotProduct() {
        return dot;
    }

    /** A centroid of this version was written to the store. */
    public void centroidPut(String modelVersion, int dimension) {
        dimensions.putIfAbsent(modelVersion, dimension);
        generation(modelVersion).incrementAndGet();
    }

    /** A centroid of this version was deleted from the store; an emptied version may come back with any dimension. */
    public void centroidDeleted(String modelVersion, ReadOnlyKeyValueStore<String, Centroid> store) {
        if (GalleryQueries.firstOf(store, modelVersion).isEmpty()) {
            dimensions.remove(modelVersion);
        }
        generation(modelVersion).incrementAndGet();
    }

    /** The dimension of a version's embeddings, empty while the version has no centroid. */
    public OptionalInt dimension(String modelVersion, ReadOnlyKeyValueStore<String, Centroid> store) {
        Integer known = dimensions.get(modelVersion);
        if (known != null) {
            return OptionalInt.of(known);
        }
        // not seen by this instance's updater yet (e.g. restored without it): one seek, then cached
        Optional<Centroid> first = GalleryQueries.firstOf(store, modelVersion);
        first.ifPresent(c -> dimensions.putIfAbsent(modelVersion, c.dimension()));
        return first.isPresent() ? OptionalInt.of(first.get().dimension()) : OptionalInt.empty();
    }

    /** The version's current gallery, rebuilt from the store if it changed since the last build. */
    public VersionGallery gallery(String modelVersion, ReadOnlyKeyValueStore<String, Centroid> store) {
        AtomicLong generation = generation(modelVersion);
        VersionGallery current = galleries.get(modelVersion);
        if (current != null && current.generation() == generation.get()) {
            return current;
        }
        synchronized (generation) { // one build per version at a time; other versions are not held up
            long wanted = generation.get(); // read before the scan: a change during it forces the next rebuild
            current = galleries.get(modelVersion);
            if (current != null && current.generation() == wanted) {
                return current;
            }
            VersionGallery built = VersionGallery.build(modelVersion, wanted, sameDimension(modelVersion, store),
                    policy, dot);
            galleries.put(modelVersion, built);
            return built;
        }
    }

    private List<Centroid> sameDimension(String modelVersion, ReadOnlyKeyValueStore<String, Centroid> store) {
        List<Centroid> all = GalleryQueries.centroidsOf(store, modelVersion);
        if (all.isEmpty()) {
            return all;
        }
        // the dimension the enrolment checks hold the version to
        int dimension = dimension(modelVersion, store).orElse(all.get(0).dimension());
        List<Centroid> kept = new ArrayList<>(all.size());
        for (Centroid c : all) {
            if (c.dimension() == dimension) {
                kept.add(c);
            } else {
                LOG.log(System.Logger.Level.ERROR, "centroid of {0} in {1} has dimension {2}, the version has {3}: "
                        + "left out of matching", c.person(), modelVersion, c.dimension(), dimension);
            }
        }
        return kept;
    }

    private AtomicLong generation(String modelVersion) {
        return generations.computeIfAbsent(modelVersion, v -> new AtomicLong());
    }
}
