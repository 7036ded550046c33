package io.facestream.kafka.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.Arrays;

/**
 * JUnit 5 extension for tests without Quarkus: starts (or reuses) the JVM's real broker, creates the class's
 * {@link KafkaTopics}, and injects the bootstrap servers into a {@code String} parameter annotated
 * {@link Bootstrap}.
 */
public class KafkaExtension implements BeforeAllCallback, ParameterResolver {

    /** Marks a String parameter that receives the bootstrap servers. */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(java.lang.annotation.ElementType.PARAMETER)
    public @interface Bootstrap {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        TestKafka.bootstrapServers();
        KafkaTopics topics = context.getRequiredTestClass().getAnnotation(KafkaTopics.class);
        if (topics != null) {
            TestKafka.createTopics(TestKafka.parseTopics(Arrays.asList(topics.value())));
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == String.class && p.isAnnotated(Bootstrap.class);
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return TestKafka.bootstrapServers();
    }
}
