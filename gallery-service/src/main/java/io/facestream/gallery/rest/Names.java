package io.facestream.gallery.rest;

import io.facestream.events.domain.GalleryKeys;

/** Checks of names taken from requests: 400 with the reason when a name cannot be a gallery key part. */
final class Names {

    private Names() {
    }

    static String person(String person) {
        return check(person, "person");
    }

    static String version(String version) {
        return check(version, "version");
    }

    private static String check(String value, String what) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest(what + " must not be blank");
        }
        if (value.indexOf(GalleryKeys.SEPARATOR) >= 0) {
            throw ApiException.badRequest(what + " must not contain '" + GalleryKeys.SEPARATOR + "': " + value);
        }
        return value;
    }
}
