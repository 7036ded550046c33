package io.facestream.events.domain;

/**
 * Keys of gallery.centroids and the gallery's stores: "modelVersion|person". The model version comes first so that
 * one version's gallery is one prefix range.
 */
public final class GalleryKeys {
    public static final char SEPARATOR = '|';

    private GalleryKeys() {
    }

    public static String of(String modelVersion, String person) {
        if (modelVersion.indexOf(SEPARATOR) >= 0 || person.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException("model version and person must not contain '" + SEPARATOR + "': "
                    + modelVersion + ", " + person);
        }
        return modelVersion + SEPARATOR + person;
    }

    public static String versionPrefix(String modelVersion) {
        return modelVersion + SEPARATOR;
    }
}
