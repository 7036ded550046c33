package io.facestream.trainer.training;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EarlyStoppingTest {

    @Test
    void stopsAfterPatienceEpochsWithoutANewLow() {
        EarlyStopping stopping = new EarlyStopping(2);
        assertFalse(stopping.hasBest());
        assertTrue(stopping.record(3.0, 10));
        assertTrue(stopping.record(2.5, 20));
        assertFalse(stopping.record(2.5, 30)); // equal is no improvement
        assertFalse(stopping.shouldStop());
        assertTrue(stopping.record(2.0, 40)); // a new low resets the count
        assertFalse(stopping.record(2.1, 50));
        assertFalse(stopping.shouldStop());
        assertFalse(stopping.record(2.2, 60));
        assertTrue(stopping.shouldStop());
        assertEquals(40, stopping.bestStep());
        assertEquals(2.0, stopping.bestLoss());
    }

    @Test
    void patienceZeroNeverStops() {
        EarlyStopping stopping = new EarlyStopping(0);
        stopping.record(1, 1);
        for (int i = 2; i < 50; i++) {
            stopping.record(1 + i, i);
        }
        assertFalse(stopping.shouldStop());
    }

    @Test
    void itsStateSurvivesACheckpoint() {
        EarlyStopping before = new EarlyStopping(3);
        before.record(1.5, 8);
        before.record(1.7, 16);
        EarlyStopping after = new EarlyStopping(3);
        after.restore(before.toJson());
        assertEquals(8, after.bestStep());
        assertEquals(1.5, after.bestLoss());
        after.record(1.6, 24);
        assertFalse(after.shouldStop());
        after.record(1.6, 32);
        assertTrue(after.shouldStop(), "three epochs without a new low: one before the checkpoint, two after");

        EarlyStopping fresh = new EarlyStopping(3);
        fresh.restore(new EarlyStopping(3).toJson());
        assertFalse(fresh.hasBest());
        assertTrue(fresh.record(9, 1));
    }
}
