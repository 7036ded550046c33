package io.facestream.trainer.domain;

/**
 * A run's latest step.
 *
 * @param epoch           the epoch of the step, from 1
 * @param epochs          epochs configured
 * @param step            steps done
 * @param totalSteps      the step the run ends at unless it stops early
 * @param loss            this step's loss
 * @param epochLoss       mean loss of the epoch so far
 * @param accuracy        training accuracy of the epoch so far
 * @param learningRate    the step's learning rate
 * @param imagesPerSecond recent training throughput
 * @param etaSeconds      time left at that pace
 */
public record RunProgress(int epoch, int epochs, long step, long totalSteps, double loss, double epochLoss,
                          double accuracy, double learningRate, double imagesPerSecond, long etaSeconds) {
}
