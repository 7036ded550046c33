package io.facestream.converter.domain;

/** The steps of a conversion, with the share of the overall percentage each one ends at. */
public enum Phase {
    QUEUED(0),
    DOWNLOADING(10),
    READING_CHECKPOINT(15),
    LOADING_IMAGES(20),
    CONVERTING(45),
    VALIDATING(55),
    EVALUATING(95),
    PUBLISHING(100),
    DONE(100);

    private final int endPercent;

    Phase(int endPercent) {
        this.endPercent = endPercent;
    }

    /** Overall percent when this phase is the given fraction (0..1) done. */
    public int percent(double fraction) {
        int start = ordinal() == 0 ? 0 : values()[ordinal() - 1].endPercent;
        double f = Math.max(0, Math.min(1, fraction));
        return (int) Math.floor(start + f * (endPercent - start));
    }
}
