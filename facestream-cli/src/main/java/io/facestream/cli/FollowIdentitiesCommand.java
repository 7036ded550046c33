package io.facestream.cli;

import io.facestream.events.Topics;
import io.facestream.events.domain.IdentityMatch;
import io.facestream.events.serde.MalformedMessageException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Identity matches as they arrive. */
@Command(name = "identities", sortOptions = false,
        description = {"Print each IdentityMatch on faces.identities as a line (or as JSON), from now on or from the "
                + "beginning. Reads without a consumer group: nothing is committed and no service is disturbed."})
final class FollowIdentitiesCommand implements Callable<Integer> {

    private static final Duration POLL = Duration.ofMillis(200);

    @Spec
    CommandSpec spec;

    @Option(names = "--from-beginning", description = "Start at the oldest match the topic keeps (default: new ones).")
    boolean fromBeginning;

    @Option(names = "--source", paramLabel = "ID", description = "Only the matches of this source (camera) id.")
    String source;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N matches.")
    Integer count;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Stop after this long; with --count, fewer matches by then is a failure (exit 1).")
    Integer timeoutSeconds;

    @Option(names = "--json", description = "One JSON object a line, the match's fields.")
    boolean json;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() {
        if (count != null && count < 1) {
            throw new ParameterException(spec.commandLine(), "--count must be 1 or more, got " + count);
        }
        if (timeoutSeconds != null && timeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--timeout must be 1 or more, got " + timeoutSeconds);
        }
        kafka.requireTopic(Topics.IDENTITIES);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String topic = Topics.IDENTITIES.name();
        long deadline = timeoutSeconds == null ? Long.MAX_VALUE : System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        int seen = 0;
        try (KafkaConsumer<String, byte[]> consumer = kafka.consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            partitions.forEach(consumer::position); // the start is fixed now, before the first poll
            err.println("following " + topic + (fromBeginning ? " from the beginning" : " from now on")
                    + (source == null ? "" : ", source " + source) + " (Ctrl-C stops)");
            err.flush();
            while ((count == null || seen < count) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    IdentityMatch match;
                    try {
                        match = Topics.IDENTITIES.valueSerde().deserializer().deserialize(topic, record.value());
                    } catch (MalformedMessageException e) {
                        err.println("skipped a malformed record at " + record.topic() + "-" + record.partition()
                                + "@" + record.offset() + ": " + e.getMessage());
                        continue;
                    }
                    String matchSource = match.sourceId() != null ? match.sourceId() : record.key();
                    if (source != null && !source.equals(matchSource)) {
                        continue;
                    }
                    out.println(json ? Json.line(match) : line(match));
                    out.flush();
                    if (count != null && ++seen == count) {
                        break;
                    }
                }
            }
        } catch (KafkaException e) {
            throw new CliException(ExitCodes.FAILED, "reading " + topic + ": " + Text.reason(e), e);
        }
        if (count != null && seen < count) {
            throw new CliException(ExitCodes.FAILED, "timed out after " + timeoutSeconds + " s with " + seen + " of "
                    + count + " matches");
        }
        return ExitCodes.OK;
    }

    /**
     * "2026-06-01T10:15:02.123Z cam-1 frame-7 face 0: Ada_Lovelace 0.812 (threshold 0.450; runner-up Bob 0.310)
     * model v3", or "unknown (best Ada 0.312 ...)" below the threshold.
     */
    static String line(IdentityMatch m) {
        StringBuilder s = new StringBuilder();
        s.append(Instant.ofEpochMilli(m.matchedAtMs())).append(' ').append(m.sourceId()).append(' ')
                .append(m.frameId()).append(" face ").append(m.faceIndex()).append(": ");
        if (m.known()) {
            s.append(m.identity()).append(' ').append(score(m.score()));
            s.append(" (threshold ").append(score(m.threshold()));
        } else {
            s.append(IdentityMatch.UNKNOWN).append(" (best ")
                    .append(m.bestCandidate() == null ? "none: empty gallery" : m.bestCandidate() + " "
                            + score(m.score()))
                    .append(", threshold ").append(score(m.threshold()));
        }
        if (m.runnerUp() != null) {
            s.append("; runner-up ").append(m.runnerUp()).append(' ').append(score(m.runnerUpScore()));
        }
        s.append(") model ").append(m.modelVersion());
        return s.toString();
    }

    private static String score(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
