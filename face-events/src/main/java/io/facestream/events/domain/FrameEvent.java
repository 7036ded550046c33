package io.facestream.events.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.Arrays;
import java.util.Objects;

/**
 * A probe image from a camera or other source, on faces.frames (key: sourceId).
 *
 * @param contentType image/jpeg, image/png, or application/x-rgb;width=W;height=H for raw RGB
 * @param faceCrop    true when the image is already an aligned face crop: the embedder skips face detection
 */
public record FrameEvent(String frameId, String sourceId, long capturedAtMs, String contentType, boolean faceCrop,
                         @JsonIgnore byte[] image) implements Payloaded<FrameEvent> {

    public FrameEvent {
        Require.text(frameId, "frameId");
        Require.text(sourceId, "sourceId");
        Require.text(contentType, "contentType");
    }

    @Override
    public byte[] payloadBytes() {
        return image;
    }

    @Override
    public FrameEvent withPayloadBytes(byte[] payload) {
        if (payload.length == 0) {
            throw new IllegalArgumentException("frame " + frameId + " has no image bytes");
        }
        return new FrameEvent(frameId, sourceId, capturedAtMs, contentType, faceCrop, payload);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrameEvent f && frameId.equals(f.frameId) && sourceId.equals(f.sourceId)
                && capturedAtMs == f.capturedAtMs && contentType.equals(f.contentType) && faceCrop == f.faceCrop
                && Arrays.equals(image, f.image);
    }

    @Override
    public int hashCode() {
        return Objects.hash(frameId, sourceId, capturedAtMs, contentType, faceCrop) * 31 + Arrays.hashCode(image);
    }

    @Override
    public String toString() {
        return "FrameEvent[" + frameId + " from " + sourceId + ", " + contentType + ", "
                + (image == null ? 0 : image.length) + " bytes]";
    }
}
