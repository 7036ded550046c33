package io.facestream.trainer.training;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The records a {@link TrainingListener} receives and a {@link Trainer} returns. */
public final class TrainingEvents {

    private TrainingEvents() {
    }

    /**
     * @param source            the image source's description
     * @param classes           identities trained on
     * @param trainingImages    images in the training split
     * @param validationImages  images held out
     * @param droppedIdentities identities left out for too few images
     * @param stepsPerEpoch     full batches per epoch
     * @param totalSteps        the step the run will end at (unless stopped early or cancelled)
     * @param startStep         0, or the step a resumed checkpoint had reached
     * @param pretrained        the pretrained weights' match summary, or null when none were loaded
     */
    public record Started(String source, int classes, int trainingImages, int validationImages,
                          int droppedIdentities, int stepsPerEpoch, long totalSteps, long startStep,
                          String pretrained) {
    }

    /**
     * @param epoch           the epoch this step belongs to, from 1
     * @param epochs          the configured number of epochs
     * @param step            optimizer steps done, this one included
     * @param totalSteps      see {@link Started#totalSteps()}
     * @param loss            this step's loss (cross-entropy + weight decay)
     * @param epochLoss       mean loss of the epoch's steps so far (in this run)
     * @param epochAccuracy   training accuracy of the epoch's steps so far (class with the highest cosine)
     * @param learningRate    the rate this step used
     * @param imagesPerSecond recent throughput, loading included
     * @param eta             time left at that pace
     */
    public record Progress(int epoch, int epochs, long step, long totalSteps, double loss, double epochLoss,
                           double epochAccuracy, double learningRate, double imagesPerSecond, Duration eta) {
    }

    /**
     * @param epoch    the epoch just finished, from 1
     * @param step     steps done
     * @param loss     mean cross-entropy on the validation split (inference mode: moving statistics, no dropout)
     * @param accuracy share of validation images whose highest cosine is their own class
     * @param best     the lowest validation loss of the run so far
     */
    public record Validation(int epoch, long step, double loss, double accuracy, boolean best) {
    }

    /**
     * @param file           the checkpoint file (portable format, io.facestream.model.checkpoint)
     * @param step           steps done
     * @param epoch          epochs completed
     * @param metrics        what the checkpoint's manifest records
     * @param best           it has the lowest validation loss of the run so far
     * @param finalCheckpoint the run's last checkpoint (completed, stopped early, or cancelled)
     * @param sha256         the file's digest
     * @param sizeBytes      the file's size
     */
    public record SavedCheckpoint(Path file, long step, int epoch, Map<String, Double> metrics, boolean best,
                                  boolean finalCheckpoint, String sha256, long sizeBytes) {
        public SavedCheckpoint {
            metrics = Map.copyOf(metrics);
        }
    }

    /** How a run ended. */
    public enum Status { COMPLETED, EARLY_STOPPED, CANCELLED }

    /**
     * @param status the way the run ended
     * @param steps  steps done in all (a resumed run counts its checkpoint's)
     * @param last   the final checkpoint
     * @param best   the best-validation checkpoint, or null without validation
     */
    public record Result(Status status, long steps, SavedCheckpoint last, SavedCheckpoint best) {
    }
}
