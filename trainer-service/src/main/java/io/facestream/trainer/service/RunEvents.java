package io.facestream.trainer.service;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Live events of runs for whoever follows them (the server-sent event streams): "state" (the whole run, on every
 * change of state), "started" (the run, once its data is read), "progress" (every step), "validation" (every
 * epoch) and "checkpoint" (the run, after each checkpoint). Subscribers are called on the thread that publishes
 * (a training thread), so they must be quick; one that throws is dropped.
 */
@ApplicationScoped
public class RunEvents {

    public static final String STATE = "state";
    public static final String STARTED = "started";
    public static final String PROGRESS = "progress";
    public static final String VALIDATION = "validation";
    public static final String CHECKPOINT = "checkpoint";

    /** One event: its name and its data (a record that becomes JSON). */
    public record Event(String runId, String name, Object data) {
    }

    private final Map<String, Set<Consumer<Event>>> subscribers = new ConcurrentHashMap<>();

    /** Follows a run's events until the returned action is run. */
    public Runnable subscribe(String runId, Consumer<Event> subscriber) {
        subscribers.computeIfAbsent(runId, k -> ConcurrentHashMap.newKeySet()).add(subscriber);
        return () -> unsubscribe(runId, subscriber);
    }

    public void publish(String runId, String name, Object data) {
        Set<Consumer<Event>> set = subscribers.get(runId);
        if (set == null) {
            return;
        }
        Event event = new Event(runId, name, data);
        for (Consumer<Event> subscriber : set) {
            try {
                subscriber.accept(event);
            } catch (RuntimeException e) {
                unsubscribe(runId, subscriber);
            }
        }
    }

    private void unsubscribe(String runId, Consumer<Event> subscriber) {
        subscribers.computeIfPresent(runId, (k, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
    }
}
