package io.facestream.converter.messaging;

import io.facestream.converter.domain.CheckpointPolicy;
import io.facestream.converter.domain.Conversion;
import io.facestream.converter.service.ConversionService;
import io.facestream.events.Topics;
import io.facestream.events.domain.CheckpointEvent;
import io.facestream.events.messaging.DeadLetters;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Follows models.checkpoints as a member of the converter's consumer group, one record at a time: a malformed
 * event goes to models.checkpoints.dlq with the reason, an event the policy does not select is skipped, any other is
 * converted, and the offset is committed once the conversion has ended (published, or failed with its reason). A
 * crash mid-conversion therefore converts the checkpoint again after the restart (at least once); one already
 * published is recognised and not published twice.
 */
public final class CheckpointConsumer implements Runnable {

    private static final Logger LOG = Logger.getLogger(CheckpointConsumer.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> deadLetterProducer;
    private final ConversionService conversions;
    private final CheckpointPolicy policy;
    private final MeterRegistry metrics;
    private volatile boolean running = true;
    private volatile boolean alive = true;

    public CheckpointConsumer(KafkaConsumer<byte[], byte[]> consumer, Producer<byte[], byte[]> deadLetterProducer,
                              ConversionService conversions, CheckpointPolicy policy, MeterRegistry metrics) {
        this.consumer = consumer;
        this.deadLetterProducer = deadLetterProducer;
        this.conversions = conversions;
        this.policy = policy;
        this.metrics = metrics;
    }

    /** False once the loop has ended (stopped, or broken: readiness reports it). */
    public boolean alive() {
        return alive;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(Topics.CHECKPOINTS.name()));
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    if (!handle(r)) {
                        return; // stopped mid-conversion: not committed, converted again after the restart
                    }
                    consumer.commitSync(Map.of(new TopicPartition(r.topic(), r.partition()),
                            new OffsetAndMetadata(r.offset() + 1)));
                }
            }
        } catch (WakeupException e) {
            // stop() was called
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "checkpoint consumer stopped");
        } finally {
            alive = false;
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** @return true when the record is done with (its offset may be committed), false when stopped before */
    private boolean handle(ConsumerRecord<byte[], byte[]> r) throws InterruptedException {
        if (r.value() == null) {
            LOG.debugf("tombstone at %s-%d@%d skipped", r.topic(), r.partition(), r.offset());
            return true;
        }
        CheckpointEvent event;
        try {
            event = Topics.CHECKPOINTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
            conversions.checkEvent(event);
        } catch (RuntimeException e) {
            deadLetter(r, e);
            return true;
        }
        if (!policy.accepts(event)) {
            metrics.counter("converter.checkpoints.skipped").increment();
            LOG.infof("checkpoint %s of run %s skipped (policy %s, best=%s)", event.checkpointId(), event.runId(),
                    policy, event.best());
            return true;
        }
        try {
            CompletableFuture<Conversion> conversion = conversions.convert(event);
            while (true) {
                try {
                    Conversion c = conversion.get(1, TimeUnit.SECONDS);
                    LOG.infof("checkpoint %s of run %s: conversion %s %s%s", event.checkpointId(), event.runId(),
                            c.id(), c.status(), c.reason() == null ? "" : " (" + c.reason() + ")");
                    return true;
                } catch (TimeoutException e) {
                    if (!running) {
                        return false;
                    }
                }
            }
        } catch (ExecutionException | IOException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOG.errorf(cause, "checkpoint %s of run %s could not be converted", event.checkpointId(), event.runId());
            return true;
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> r, RuntimeException e) throws InterruptedException {
        LOG.warnf("dead-lettering checkpoint event at %s-%d@%d: %s", r.topic(), r.partition(), r.offset(),
                e.getMessage());
        try {
            deadLetterProducer.send(DeadLetters.toDeadLetter(r, e, System.currentTimeMillis())).get();
            metrics.counter("converter.checkpoints.dead-lettered").increment();
        } catch (ExecutionException ex) {
            throw new IllegalStateException("cannot write to " + DeadLetters.dlqTopic(r.topic()) + ": "
                    + ex.getCause().getMessage(), ex.getCause());
        }
    }

    public void stop() {
        running = false;
        consumer.wakeup();
    }
}
