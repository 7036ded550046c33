package io.facestream.events.messaging;

import io.facestream.events.Topic;
import io.facestream.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates missing topics with their partitions, retention and cleanup policy. Idempotent: every service runs it at
 * start, and an existing topic (made by another service, or by an operator on a shared cluster) is left as it is.
 */
public final class TopicAdmin {

    private static final System.Logger LOG = System.getLogger(TopicAdmin.class.getName());

    private TopicAdmin() {
    }

    /**
     * The start-up step of every service: creates the system's topics (and a service's own, if it has any) that are
     * missing on the cluster these client settings reach, and logs what it did.
     */
    public static List<String> ensureSystemTopics(Map<String, Object> kafkaConfig, Topic<?, ?>... ownTopics) {
        List<Topic<?, ?>> topics = new ArrayList<>(Topics.all());
        topics.addAll(List.of(ownTopics));
        List<String> created = ensureTopics(kafkaConfig, topics, 30_000);
        LOG.log(System.Logger.Level.INFO, "topics ready ({0} created: {1})", created.size(), created);
        return created;
    }

    /**
     * Creates the missing topics on the cluster these client settings reach (bootstrap servers plus any TLS/SASL
     * settings, as the services' kafka.* configuration gives them).
     */
    public static List<String> ensureTopics(Map<String, Object> kafkaConfig,
                                            Collection<? extends Topic<?, ?>> topics, long timeoutMs) {
        try (Admin admin = Admin.create(kafkaConfig)) {
            return ensureTopics(admin, topics, timeoutMs);
        }
    }

    /** @return the names of the topics this call created */
    public static List<String> ensureTopics(Admin admin, Collection<? extends Topic<?, ?>> topics, long timeoutMs) {
        try {
            Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<?, ?> t : topics) {
                if (!existing.contains(t.name())) {
                    missing.add(t.newTopic());
                }
            }
            List<String> created = new ArrayList<>();
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(timeoutMs, TimeUnit.MILLISECONDS);
                    created.add(entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) { // another service won the race
                        throw new IllegalStateException("cannot create topic " + entry.getKey() + ": "
                                + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot reach Kafka to create topics: " + e.getMessage(), e);
        }
    }
}
