package io.facestream.trainer.training;

import java.util.ArrayList;
import java.util.List;

/** Keeps every event a run reports. */
class RecordingListener implements TrainingListener {
    final List<TrainingEvents.Started> started = new ArrayList<>();
    final List<TrainingEvents.Progress> progress = new ArrayList<>();
    final List<TrainingEvents.Validation> validations = new ArrayList<>();
    final List<TrainingEvents.SavedCheckpoint> checkpoints = new ArrayList<>();

    @Override
    public void started(TrainingEvents.Started s) {
        started.add(s);
    }

    @Override
    public void progress(TrainingEvents.Progress p) {
        progress.add(p);
    }

    @Override
    public void validated(TrainingEvents.Validation v) {
        validations.add(v);
    }

    @Override
    public void checkpointSaved(TrainingEvents.SavedCheckpoint c) {
        checkpoints.add(c);
    }

    /** Mean step loss over the steps of one epoch (from 1). */
    double epochLoss(int epoch) {
        return progress.stream().filter(p -> p.epoch() == epoch).mapToDouble(TrainingEvents.Progress::loss)
                .average().orElseThrow();
    }

    List<Double> losses() {
        return progress.stream().map(TrainingEvents.Progress::loss).toList();
    }
}
