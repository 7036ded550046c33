package io.facestream.trainer.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Reads a server-sent event stream on its own thread, keeping every event, until the server ends it. */
final class SseReader implements AutoCloseable {

    record Event(String name, JsonNode data) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    final List<Event> events = new CopyOnWriteArrayList<>();
    private final CountDownLatch first = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Thread thread;
    private volatile Stream<String> lines;
    private volatile int status;

    /** Opens the stream; onEvent is called on the reader thread for each event, after it is kept. */
    SseReader(URI uri, Consumer<Event> onEvent) {
        thread = new Thread(() -> {
            try {
                HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
                        .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
                status = response.statusCode();
                lines = response.body();
                String[] name = {null};
                StringBuilder data = new StringBuilder();
                lines.forEach(line -> {
                    if (line.startsWith("event:")) {
                        name[0] = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).trim());
                    } else if (line.isEmpty() && name[0] != null) {
                        Event event = new Event(name[0], parse(data.toString()));
                        events.add(event);
                        first.countDown();
                        onEvent.accept(event);
                        name[0] = null;
                        data.setLength(0);
                    }
                });
            } catch (IOException | InterruptedException e) {
                // the stream was closed from this side, or the server went away: the events so far are kept
            } finally {
                first.countDown();
                ended.countDown();
            }
        }, "sse-reader");
        thread.setDaemon(true);
        thread.start();
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("an event's data is not JSON: " + text, e);
        }
    }

    boolean awaitFirst(long seconds) throws InterruptedException {
        return first.await(seconds, TimeUnit.SECONDS) && !events.isEmpty();
    }

    /** True when the server ended the stream within the time. */
    boolean awaitEnd(long seconds) throws InterruptedException {
        return ended.await(seconds, TimeUnit.SECONDS);
    }

    int status() {
        return status;
    }

    List<String> names() {
        return events.stream().map(Event::name).toList();
    }

    @Override
    public void close() {
        Stream<String> l = lines;
        if (l != null) {
            l.close();
        }
        thread.interrupt();
    }
}
