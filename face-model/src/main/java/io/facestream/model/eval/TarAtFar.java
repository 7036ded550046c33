package io.facestream.model.eval;

/**
 * True accept rate at a false accept rate, over all pairs (no folds). No interpolation: the threshold is the
 * (m+1)-th highest impostor score with m = floor(targetFar * impostors), and pairs strictly above it are accepted,
 * so at most m impostors (fewer when scores tie) are accepted and the achieved FAR never exceeds the target. With
 * fewer than 1 / targetFar impostor pairs, m = 0: the figure is the TAR at zero false accepts.
 *
 * @param targetFar    the FAR asked for
 * @param threshold    similarity threshold (accept when the score is strictly greater)
 * @param tar          matched pairs accepted / matched pairs
 * @param far          achieved FAR: falseAccepts / impostors
 * @param falseAccepts impostor (mismatched) pairs accepted
 * @param impostors    mismatched pairs in the set
 */
public record TarAtFar(double targetFar, double threshold, double tar, double far, int falseAccepts,
                       int impostors) {
}
