package io.facestream.embedder.model;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A new model version whose gallery is being built: every stored enrollment image is embedded again with it (the
 * replay), and live enrollments are embedded with both the serving and the new model until the switch. It counts
 * the distinct enrollments embedded for the new version per person (a deleted person drops out), which is the
 * number the gallery must reach before probes switch to the new version. Distinct ids, because the replay and the
 * live path may both embed an enrollment near the hand-over point; the gallery counts each enrollment once too.
 */
public final class GalleryBuild {

    /** Where the build is. */
    public enum Phase { WAITING_FOR_WORKERS, REPLAYING, WAITING_FOR_GALLERY }

    private final ActiveModel model;
    private final boolean firstModel;
    private final Map<String, Set<String>> enrollmentsByPerson = new HashMap<>();
    private volatile Phase phase = Phase.WAITING_FOR_WORKERS;
    private volatile long galleryImages;

    /**
     * @param firstModel no model serves yet: the live workers are paused, so the replay covers every stored
     *                   enrollment (the workers embed them again when they resume; the gallery counts each once)
     *                   and no probe is answered before the gallery is complete
     */
    public GalleryBuild(ActiveModel model, boolean firstModel) {
        this.model = model;
        this.firstModel = firstModel;
    }

    public ActiveModel model() {
        return model;
    }

    public boolean firstModel() {
        return firstModel;
    }

    public synchronized void embedded(String person, String enrollmentId) {
        enrollmentsByPerson.computeIfAbsent(person, p -> new HashSet<>()).add(enrollmentId);
    }

    public synchronized void deleted(String person) {
        enrollmentsByPerson.remove(person);
    }

    /** Distinct enrollment images embedded for the new version, deleted people excluded. */
    public synchronized long expectedImages() {
        long n = 0;
        for (Set<String> ids : enrollmentsByPerson.values()) {
            n += ids.size();
        }
        return n;
    }

    public Phase phase() {
        return phase;
    }

    void phase(Phase phase) {
        this.phase = phase;
    }

    public long galleryImages() {
        return galleryImages;
    }

    void galleryImages(long images) {
        this.galleryImages = images;
    }
}
