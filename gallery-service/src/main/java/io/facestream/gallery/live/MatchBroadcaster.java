package io.facestream.gallery.live;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureFailure;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import org.jboss.logging.Logger;

import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands every message (one identity match as JSON) to every connected client, each through its own bounded buffer.
 * A client whose buffer is full (it reads slower than matches arrive) has its stream ended and is forgotten; nobody
 * else waits for it and its memory is freed. Browsers' EventSource reconnects by itself. A new client first receives
 * the latest few messages.
 */
public final class MatchBroadcaster {

    private static final Logger LOG = Logger.getLogger(MatchBroadcaster.class);

    private final int clientBuffer;
    private final int recentLimit;
    private final ArrayDeque<String> recent = new ArrayDeque<>();
    // iterated while a send may end a client's stream, which removes it: a copy-on-write set allows that
    private final Set<MultiEmitter<? super String>> clients = new CopyOnWriteArraySet<>();
    private final AtomicLong dropped = new AtomicLong();

    /**
     * @param clientBuffer messages a client may have waiting before it is dropped
     * @param recentLimit  messages replayed to a new client
     */
    public MatchBroadcaster(int clientBuffer, int recentLimit) {
        if (clientBuffer < 1 || recentLimit < 0 || recentLimit > clientBuffer) {
            // the replay goes into the new client's buffer: more than fits would drop every client at once
            throw new IllegalArgumentException("need 1 <= client buffer and 0 <= recent matches <= client buffer, got "
                    + clientBuffer + " and " + recentLimit);
        }
        this.clientBuffer = clientBuffer;
        this.recentLimit = recentLimit;
    }

    /** One client's stream: the recent messages, then every new one until the client leaves or falls behind. */
    public Multi<String> subscribe() {
        return Multi.createFrom().<String>emitter(this::register, BackPressureStrategy.ERROR)
                .onOverflow().buffer(clientBuffer)
                .onFailure(BackPressureFailure.class).invoke(e -> {
                    dropped.incrementAndGet();
                    LOG.infof("dropped a live-page client that fell %d matches behind", clientBuffer);
                })
                .onFailure(BackPressureFailure.class).recoverWithCompletion();
    }

    public synchronized void broadcast(String message) {
        recent.addLast(message);
        if (recent.size() > recentLimit) {
            recent.removeFirst();
        }
        for (MultiEmitter<? super String> client : clients) {
            client.emit(message);
        }
    }

    /** Clients connected now. */
    public int clients() {
        return clients.size();
    }

    /** Clients dropped for falling behind, since the start. */
    public long dropped() {
        return dropped.get();
    }

    // under the same lock as broadcast, so a new client gets each message once and in order: replayed or sent
    private synchronized void register(MultiEmitter<? super String> client) {
        client.onTermination(() -> clients.remove(client));
        for (String message : recent) {
            client.emit(message);
        }
        clients.add(client);
    }
}
