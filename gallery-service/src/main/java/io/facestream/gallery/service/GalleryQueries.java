package io.facestream.gallery.service;

import io.facestream.events.domain.Centroid;
import io.facestream.events.domain.GalleryKeys;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads of the centroid store (keys "modelVersion|person", so one version is one key range). Shared by the
 * topology (deletion fan-out, dimension checks) and the REST queries.
 */
public final class GalleryQueries {

    private static final StringSerializer KEYS = new StringSerializer();
    /** The character after the separator '|': every key of version V sorts below V + AFTER_SEPARATOR. */
    private static final char AFTER_SEPARATOR = GalleryKeys.SEPARATOR + 1;

    private GalleryQueries() {
    }

    /** A version's centroids in key order. */
    public static List<Centroid> centroidsOf(ReadOnlyKeyValueStore<String, Centroid> store, String modelVersion) {
        List<Centroid> out = new ArrayList<>();
        try (KeyValueIterator<String, Centroid> it = store.prefixScan(GalleryKeys.versionPrefix(modelVersion), KEYS)) {
            while (it.hasNext()) {
                Centroid c = it.next().value;
                if (c != null) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    /** The first centroid of a version (one seek): whether the version exists, and its dimension. */
    public static Optional<Centroid> firstOf(ReadOnlyKeyValueStore<String, Centroid> store, String modelVersion) {
        try (KeyValueIterator<String, Centroid> it = store.prefixScan(GalleryKeys.versionPrefix(modelVersion), KEYS)) {
            while (it.hasNext()) {
                Centroid c = it.next().value;
                if (c != null) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Every model version in the store, in key order, with one seek per version: after finding version V, the scan
     * jumps to V + '}' ('|' + 1), past all of V's keys.
     */
    public static List<String> versions(ReadOnlyKeyValueStore<String, Centroid> store) {
        List<String> versions = new ArrayList<>();
        String from = null;
        while (true) {
            String key;
            try (KeyValueIterator<String, Centroid> it = store.range(from, null)) {
                if (!it.hasNext()) {
                    return versions;
                }
                key = it.next().key;
            }
            int separator = key.indexOf(GalleryKeys.SEPARATOR);
            if (separator < 0) {
                throw new IllegalStateException("centroid store key without '" + GalleryKeys.SEPARATOR + "': " + key);
            }
            String version = key.substring(0, separator);
            versions.add(version);
            from = version + AFTER_SEPARATOR;
        }
    }

    /** The versions whose gallery holds this person. */
    public static List<String> versionsOf(ReadOnlyKeyValueStore<String, Centroid> store, String person) {
        List<String> out = new ArrayList<>();
        if (person.indexOf(GalleryKeys.SEPARATOR) >= 0) {
            return out; // no enrolment can carry such a name
        }
        for (String version : versions(store)) {
            if (store.get(GalleryKeys.of(version, person)) != null) {
                out.add(version);
            }
        }
        return out;
    }

    /** Image counts per person and version: of one version, or of all (null). Sorted by person, then version. */
    public static Map<String, Map<String, Long>> imageCounts(ReadOnlyKeyValueStore<String, Centroid> store,
                                                            String modelVersion) {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        if (modelVersion != null) {
            for (Centroid c : centroidsOf(store, modelVersion)) {
                out.computeIfAbsent(c.person(), p -> new TreeMap<>()).put(c.modelVersion(), c.imageCount());
            }
            return out;
        }
        try (KeyValueIterator<String, Centroid> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, Centroid> kv = it.next();
                if (kv.value != null) {
                    out.computeIfAbsent(kv.value.person(), p -> new TreeMap<>())
                            .put(kv.value.modelVersion(), kv.value.imageCount());
                }
            }
        }
        return out;
    }
}
