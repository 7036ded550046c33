package io.facestream.trainer.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Keras' EarlyStopping on the validation loss, in epochs: the lowest loss so far is the best; after patience
 * validations in a row without a lower one, training should stop. Patience 0 never stops. Its state travels in
 * checkpoints, so a resumed run keeps counting where it stopped.
 */
final class EarlyStopping {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int patience;
    private double bestLoss = Double.POSITIVE_INFINITY;
    private long bestStep = -1;
    private int staleEpochs;

    EarlyStopping(int patience) {
        this.patience = patience;
    }

    /** Records one validation; true when its loss is the lowest so far. */
    boolean record(double loss, long step) {
        if (loss < bestLoss) {
            bestLoss = loss;
            bestStep = step;
            staleEpochs = 0;
            return true;
        }
        staleEpochs++;
        return false;
    }

    boolean shouldStop() {
        return patience > 0 && staleEpochs >= patience;
    }

    boolean hasBest() {
        return bestStep >= 0;
    }

    double bestLoss() {
        return bestLoss;
    }

    /** The step of the best validation, or -1 before any. */
    long bestStep() {
        return bestStep;
    }

    JsonNode toJson() {
        ObjectNode node = JSON.createObjectNode();
        if (hasBest()) {
            node.put("best_val_loss", bestLoss);
        }
        node.put("best_step", bestStep);
        node.put("stale_epochs", staleEpochs);
        return node;
    }

    /** Takes over the state {@link #toJson()} saved. */
    void restore(JsonNode node) {
        bestStep = node.path("best_step").asLong(-1);
        bestLoss = bestStep >= 0 ? node.path("best_val_loss").asDouble(Double.POSITIVE_INFINITY)
                : Double.POSITIVE_INFINITY;
        staleEpochs = node.path("stale_epochs").asInt(0);
    }
}
