package io.facestream.trainer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Labelled images made ready for training: identities with fewer than minImagesPerIdentity images dropped, the
 * rest numbered in name order (class i = the i-th identity), and each identity's images split by a seeded shuffle
 * into training and validation. The split is per identity, since a classifier can only be validated on people it
 * was trained on: floor(n * validationFraction) of an identity's n images are held out, never all of them.
 */
public final class FaceDataset {

    /** An image with its class index. */
    public record Sample(LabelledImage image, int label) {
    }

    private final List<String> classes;
    private final List<Sample> training;
    private final List<Sample> validation;
    private final int droppedIdentities;

    private FaceDataset(List<String> classes, List<Sample> training, List<Sample> validation, int droppedIdentities) {
        this.classes = List.copyOf(classes);
        this.training = List.copyOf(training);
        this.validation = List.copyOf(validation);
        this.droppedIdentities = droppedIdentities;
    }

    /**
     * @param minImagesPerIdentity identities with fewer images are left out (at least 1)
     * @param validationFraction   share of each identity's images held out, in [0, 1)
     * @param seed                 seeds the split; the same images, fraction and seed give the same split
     */
    public static FaceDataset of(List<LabelledImage> images, int minImagesPerIdentity, double validationFraction,
                                 long seed) {
        if (minImagesPerIdentity < 1) {
            throw new IllegalArgumentException("minImagesPerIdentity must be at least 1, got " + minImagesPerIdentity);
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validationFraction must be in [0, 1), got " + validationFraction);
        }
        Map<String, List<LabelledImage>> byIdentity = new TreeMap<>();
        for (LabelledImage image : images) {
            byIdentity.computeIfAbsent(image.identity(), k -> new ArrayList<>()).add(image);
        }
        List<String> classes = new ArrayList<>();
        List<Sample> training = new ArrayList<>();
        List<Sample> validation = new ArrayList<>();
        int dropped = 0;
        for (Map.Entry<String, List<LabelledImage>> e : byIdentity.entrySet()) {
            List<LabelledImage> own = new ArrayList<>(e.getValue());
            if (own.size() < minImagesPerIdentity) {
                dropped++;
                continue;
            }
            int label = classes.size();
            classes.add(e.getKey());
            // a per-identity stream, so adding one identity does not reshuffle the others
            Collections.shuffle(own, new Random(seed ^ ((long) e.getKey().hashCode() << 20)));
            int held = Math.min((int) Math.floor(own.size() * validationFraction), own.size() - 1);
            for (int i = 0; i < own.size(); i++) {
                (i < held ? validation : training).add(new Sample(own.get(i), label));
            }
        }
        if (classes.size() < 2) {
            throw new IllegalArgumentException("need at least 2 identities with " + minImagesPerIdentity
                    + " or more images, found " + classes.size() + " (" + dropped + " with fewer were left out)");
        }
        return new FaceDataset(classes, training, validation, dropped);
    }

    /** Identity of each class index. */
    public List<String> classes() {
        return classes;
    }

    public List<Sample> training() {
        return training;
    }

    public List<Sample> validation() {
        return validation;
    }

    /** Identities left out for having too few images. */
    public int droppedIdentities() {
        return droppedIdentities;
    }
}
