package io.facestream.events.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.Arrays;
import java.util.Objects;

/**
 * A labelled face image of a known person, on faces.enrollments (key: subject). Kept in Kafka as the source of truth
 * from which every model version's gallery is (re)built.
 */
public record EnrollmentEvent(String enrollmentId, String subject, long createdAtMs, String contentType,
                              boolean faceCrop, @JsonIgnore byte[] image) implements Payloaded<EnrollmentEvent> {

    public EnrollmentEvent {
        Require.text(enrollmentId, "enrollmentId");
        Require.text(subject, "subject");
        Require.text(contentType, "contentType");
    }

    @Override
    public byte[] payloadBytes() {
        return image;
    }

    @Override
    public EnrollmentEvent withPayloadBytes(byte[] payload) {
        if (payload.length == 0) {
            throw new IllegalArgumentException("enrollment " + enrollmentId + " has no image bytes");
        }
        return new EnrollmentEvent(enrollmentId, subject, createdAtMs, contentType, faceCrop, payload);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnrollmentEvent e && enrollmentId.equals(e.enrollmentId) && subject.equals(e.subject)
                && createdAtMs == e.createdAtMs && contentType.equals(e.contentType) && faceCrop == e.faceCrop
                && Arrays.equals(image, e.image);
    }

    @Override
    public int hashCode() {
        return Objects.hash(enrollmentId, subject, createdAtMs, contentType, faceCrop) * 31 + Arrays.hashCode(image);
    }

    @Override
    public String toString() {
        return "EnrollmentEvent[" + enrollmentId + " of " + subject + ", " + contentType + ", "
                + (image == null ? 0 : image.length) + " bytes]";
    }
}
