package io.facestream.trainer.domain;

import java.time.Instant;

/**
 * One execution of a run: the first, or a resume.
 *
 * @param number        from 1
 * @param startedAt     when it began to run
 * @param finishedAt    when it ended, or null while it runs
 * @param startStep     the step it began at (a resume continues from its checkpoint's)
 * @param resumedFrom   the checkpoint id it resumed from, or null
 * @param outcome       the state it ended in, or null while it runs
 * @param failureReason why it failed, or null
 */
public record Attempt(int number, Instant startedAt, Instant finishedAt, long startStep, String resumedFrom,
                      RunState outcome, String failureReason) {

    public Attempt ended(Instant at, RunState state, String reason) {
        return new Attempt(number, startedAt, at, startStep, resumedFrom, state, reason);
    }
}
