package io.facestream.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parsers and formatters the commands rely on. */
class SmallPartsTest {

    @Test
    void rates() {
        assertEquals(10, Rate.parse("10/s").perSecond());
        assertEquals(10, Rate.parse("10").perSecond());
        assertEquals(0.5, Rate.parse(" 0.5/S ").perSecond());
        assertEquals(100_000_000L, Rate.parse("10/s").intervalNanos());
        for (String bad : new String[]{"", "fast", "0", "-1", "NaN", "Infinity", "200000/s", "10/min"}) {
            assertThrows(IllegalArgumentException.class, () -> Rate.parse(bad), bad);
        }
    }

    @Test
    void kafkaSettingsFromTheEnvironmentAreTheClientsOwnNamesOnly() {
        Map<String, String> props = KafkaOptions.fromEnvironment(Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/truststore.jks",
                "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
                "KAFKA_HOME", "/opt/kafka",
                "KAFKA_OPTS", "-Xmx1g",
                "PATH", "/usr/bin"));
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                "ssl.truststore.location", "/etc/kafka/truststore.jks"), props);
    }

    @Test
    void serverSentEvents() {
        List<ServerSentEvents.Event> events = new ArrayList<>();
        boolean ended = ServerSentEvents.read(Stream.of(
                ": a comment", "event: state", "id: 1", "data: {\"a\":", "data:1}", "",
                "data: no name", "", "", "event: progress", "data: last", ""), events::add);
        assertTrue(ended);
        assertEquals(List.of(new ServerSentEvents.Event("state", "{\"a\":\n1}", "1"),
                new ServerSentEvents.Event("message", "no name", "1"),
                new ServerSentEvents.Event("progress", "last", "1")), events);

        List<String> seen = new ArrayList<>();
        assertFalse(ServerSentEvents.read(Stream.of("event: a", "data: 1", "", "event: b", "data: 2", ""),
                e -> seen.add(e.name()) && false));
        assertEquals(List.of("a"), seen, "the handler stops the reading");
    }

    @Test
    void progressLinesAndBar() {
        StringWriter lines = new StringWriter();
        Progress p = new Progress(Progress.Mode.AUTO, false, new PrintWriter(lines, true), "frames", 20);
        for (int i = 1; i <= 20; i++) {
            p.update(i, i + "/s");
        }
        p.note("skipped x.jpg: EMPTY");
        p.finish(20, "done");
        List<String> printed = lines.toString().lines().toList();
        assertEquals("frames 1/20 5%  1/s", printed.get(0), "the first step");
        assertEquals("frames 2/20 10%  2/s", printed.get(1), "then a line every tenth");
        assertEquals("frames 18/20 90%  18/s", printed.get(9));
        assertEquals("skipped x.jpg: EMPTY", printed.get(10));
        assertEquals("frames 20/20 100%  done", printed.get(11));
        assertEquals(12, printed.size(), printed.toString());

        StringWriter bar = new StringWriter();
        Progress b = new Progress(Progress.Mode.AUTO, true, new PrintWriter(bar, true), "step", 4);
        b.update(1, "loss 2.5");
        b.note("checkpoint");
        b.finish(4, "loss 0.5");
        assertEquals("\rstep [#######.......................] 1/4 25%  loss 2.5"
                + "\r" + " ".repeat(37 + 18) + "\rcheckpoint" + System.lineSeparator()
                + "\rstep [#######.......................] 1/4 25%  loss 2.5"
                + "\rstep [##############################] 4/4 100%  loss 0.5" + System.lineSeparator(),
                bar.toString());

        StringWriter none = new StringWriter();
        Progress n = new Progress(Progress.Mode.NONE, true, new PrintWriter(none, true), "frames", 3);
        n.update(1, "");
        n.note("skipped y.png: CORRUPT");
        n.finish(3, "");
        assertEquals("skipped y.png: CORRUPT" + System.lineSeparator(), none.toString());
    }

    @Test
    void sizesAndDurations() {
        assertEquals("512 B", Text.bytes(512));
        assertEquals("1.5 KiB", Text.bytes(1536));
        assertEquals("8.0 MiB", Text.bytes(8 * 1024 * 1024));
        assertEquals("59s", Text.seconds(59));
        assertEquals("4m10s", Text.seconds(250));
        assertEquals("2h05m", Text.seconds(7500));
    }
}
