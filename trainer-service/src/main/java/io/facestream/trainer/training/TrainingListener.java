package io.facestream.trainer.training;

/**
 * What a training run reports while it runs, on the training thread: keep the methods quick. Every method has an
 * empty default, so a listener implements only what it needs.
 */
public interface TrainingListener {

    /** The data is read and split, the model built and its weights set. */
    default void started(TrainingEvents.Started started) {
    }

    /** After every optimizer step. */
    default void progress(TrainingEvents.Progress progress) {
    }

    /** After each epoch's validation pass. */
    default void validated(TrainingEvents.Validation validation) {
    }

    /** After a checkpoint file has been written (periodic, best, or the last one). */
    default void checkpointSaved(TrainingEvents.SavedCheckpoint checkpoint) {
    }
}
