package io.facestream.gallery.live;

import io.facestream.events.domain.FaceBox;
import io.facestream.events.domain.FrameEvent;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The latest frames, so the live page can show the face behind each match. A frame and its match arrive on
 * different topics in either order, and the box is in the match, so frames are kept as they came (encoded, not
 * decoded: most are never looked at) with the boxes their matches name; a thumbnail is made when first asked for
 * and kept with its frame. Least recently used frames go first once there are more than {@code maxFrames} or their
 * bytes pass {@code maxBytes}. Thread-safe; thumbnails are made outside the lock.
 */
public final class FrameThumbnails {

    private final int maxFrames;
    private final long maxBytes;
    private final ThumbnailMaker maker;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;

    /** One frame id: its image once it has arrived, the boxes of its faces, and thumbnails already made. */
    private static final class Entry {
        String contentType;
        byte[] image;
        final Map<Integer, FaceBox> boxes = new HashMap<>();
        final Map<Integer, byte[]> thumbnails = new HashMap<>();
        long bytes;
    }

    public FrameThumbnails(int maxFrames, long maxBytes, int thumbnailSize) {
        if (maxFrames < 1 || maxBytes < 1 || thumbnailSize < 1) {
            throw new IllegalArgumentException("frames, bytes and thumbnail size must be positive");
        }
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
        this.maker = new ThumbnailMaker(thumbnailSize);
    }

    /** Keeps a frame; one larger than the whole byte budget is not kept (it would evict everything else). */
    public synchronized void putFrame(FrameEvent frame) {
        byte[] image = frame.image();
        if (image == null || image.length == 0 || image.length > maxBytes) {
            return;
        }
        Entry e = entries.computeIfAbsent(frame.frameId(), id -> new Entry());
        if (e.image != null) {
            return; // the same frame again (a producer's retry): the first is as good
        }
        e.contentType = frame.contentType();
        e.image = image;
        add(e, image.length);
        evict();
    }

    /** Records where a match found a face, for its thumbnail (the match may come before its frame). */
    public synchronized void noteBox(String frameId, int faceIndex, FaceBox box) {
        entries.computeIfAbsent(frameId, id -> new Entry()).boxes.put(faceIndex, box);
        evict();
    }

    /**
     * A JPEG of the face (the face box with room around it, or the whole frame without a box), or empty when the
     * frame is not here (never seen, or evicted).
     *
     * @throws io.facestream.model.image.ImageRejectedException when the frame cannot be decoded
     */
    public Optional<byte[]> thumbnail(String frameId, int faceIndex) {
        String contentType;
        byte[] image;
        FaceBox box;
        synchronized (this) {
            Entry e = entries.get(frameId);
            if (e == null || e.image == null) {
                return Optional.empty();
            }
            byte[] made = e.thumbnails.get(faceIndex);
            if (made != null) {
                return Optional.of(made);
            }
            contentType = e.contentType;
            image = e.image;
            box = e.boxes.get(faceIndex);
        }
        byte[] made = maker.thumbnail(contentType, image, box);
        synchronized (this) {
            Entry e = entries.get(frameId);
            if (e != null && e.image == image && e.thumbnails.putIfAbsent(faceIndex, made) == null) {
                add(e, made.length);
                evict();
            }
        }
        return Optional.of(made);
    }

    /** Frame ids held now (with an image or only boxes). */
    public synchronized int size() {
        return entries.size();
    }

    /** Bytes held now: frames and thumbnails. */
    public synchronized long bytes() {
        return bytes;
    }

    private void add(Entry e, long n) {
        e.bytes += n;
        bytes += n;
    }

    private void evict() {
        Iterator<Entry> eldestFirst = entries.values().iterator();
        while ((entries.size() > maxFrames || bytes > maxBytes) && eldestFirst.hasNext()) {
            bytes -= eldestFirst.next().bytes;
            eldestFirst.remove();
        }
    }
}
