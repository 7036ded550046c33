package io.facestream.gallery.live;

import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MatchBroadcasterTest {

    @Test
    void every_client_gets_every_message_in_order() {
        MatchBroadcaster broadcaster = new MatchBroadcaster(8, 0);
        AssertSubscriber<String> a = broadcaster.subscribe().subscribe().withSubscriber(AssertSubscriber.create(100));
        AssertSubscriber<String> b = broadcaster.subscribe().subscribe().withSubscriber(AssertSubscriber.create(100));
        assertEquals(2, broadcaster.clients());

        broadcaster.broadcast("m1");
        broadcaster.broadcast("m2");

        assertEquals(List.of("m1", "m2"), a.getItems());
        assertEquals(List.of("m1", "m2"), b.getItems());
        a.cancel();
        assertEquals(1, broadcaster.clients(), "a client that leaves is forgotten");
        broadcaster.broadcast("m3");
        assertEquals(List.of("m1", "m2", "m3"), b.getItems());
    }

    @Test
    void a_new_client_first_gets_the_latest_messages() {
        MatchBroadcaster broadcaster = new MatchBroadcaster(8, 2);
        broadcaster.broadcast("m1");
        broadcaster.broadcast("m2");
        broadcaster.broadcast("m3");

        AssertSubscriber<String> late = broadcaster.subscribe().subscribe().withSubscriber(AssertSubscriber.create(100));
        broadcaster.broadcast("m4");

        assertEquals(List.of("m2", "m3", "m4"), late.getItems(), "the two latest, then what comes");
    }

    @Test
    void a_slow_client_is_dropped_when_its_buffer_is_full_and_the_others_go_on() {
        MatchBroadcaster broadcaster = new MatchBroadcaster(4, 0);
        AssertSubscriber<String> slow = broadcaster.subscribe().subscribe().withSubscriber(AssertSubscriber.create(1));
        AssertSubscriber<String> fast = broadcaster.subscribe().subscribe().withSubscriber(AssertSubscriber.create(100));

        // the slow client takes one message and then nothing: 4 more fill its buffer, the 6th is one too many
        IntStream.rangeClosed(1, 6).forEach(i -> broadcaster.broadcast("m" + i));

        assertEquals(1, broadcaster.clients(), "only the fast client is left");
        assertEquals(1, broadcaster.dropped());
        assertEquals(List.of("m1"), slow.getItems());
        slow.assertCompleted(); // its stream ends cleanly; a browser's EventSource then reconnects
        assertEquals(6, fast.getItems().size());
        assertFalse(fast.isCancelled());

        broadcaster.broadcast("m7");
        assertEquals(7, fast.getItems().size());
        assertEquals(List.of("m1"), slow.getItems(), "nothing more reaches the dropped client");
    }

    @Test
    void the_replay_must_fit_a_client_buffer() {
        assertThrows(IllegalArgumentException.class, () -> new MatchBroadcaster(10, 11));
        assertThrows(IllegalArgumentException.class, () -> new MatchBroadcaster(0, 0));
    }

    @Test
    void a_client_that_keeps_up_is_never_dropped() {
        MatchBroadcaster broadcaster = new MatchBroadcaster(2, 0);
        AssertSubscriber<String> steady = broadcaster.subscribe().subscribe().withSubscriber(AssertSubscriber.create(0));
        for (int i = 0; i < 50; i++) {
            broadcaster.broadcast("m" + i);
            steady.request(1); // reads each message before the next comes
        }
        assertEquals(50, steady.getItems().size());
        assertEquals(0, broadcaster.dropped());
        assertEquals(1, broadcaster.clients());
    }
}
