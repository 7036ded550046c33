package io.facestream.trainer.domain;

/**
 * A validation pass at the end of an epoch.
 *
 * @param best whether its loss is the lowest of the run so far
 */
public record ValidationFigures(int epoch, long step, double loss, double accuracy, boolean best) {
}
