package io.facestream.cli;

import java.util.Iterator;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Reads a text/event-stream as the HTML specification defines it: "event:", "data:" (lines joined with a line
 * break) and "id:" fields, comments starting with ':', an event dispatched at each blank line.
 */
final class ServerSentEvents {

    /** One event; name is "message" when the stream gives none. */
    record Event(String name, String data, String id) {
    }

    private ServerSentEvents() {
    }

    /**
     * Hands each event to the handler until the stream ends or the handler answers false.
     *
     * @return whether the stream ended (false: the handler stopped)
     */
    static boolean read(Stream<String> lines, Predicate<Event> handler) {
        String name = null;
        String id = null;
        StringBuilder data = null;
        Iterator<String> it = lines.iterator();
        while (it.hasNext()) {
            String line = it.next();
            if (line.isEmpty()) {
                if (data != null && !handler.test(new Event(name == null ? "message" : name, data.toString(), id))) {
                    return false;
                }
                name = null;
                data = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> name = value;
                case "id" -> id = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> {
                    // "retry" and unknown fields: nothing to do for a client that reconnects by itself
                }
            }
        }
        return true;
    }
}
