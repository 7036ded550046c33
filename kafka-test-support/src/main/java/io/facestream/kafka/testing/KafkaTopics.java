package io.facestream.kafka.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Topics a plain JUnit test declares, "name" or "name:partitions"; {@link KafkaExtension} creates them. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface KafkaTopics {
    String[] value();
}
