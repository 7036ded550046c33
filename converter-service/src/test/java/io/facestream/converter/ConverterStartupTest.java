package io.facestream.converter;

import io.facestream.kafka.testing.KafkaTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/** The service starts against the real broker, creates the topics, and reports ready; OpenAPI and metrics answer. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(ConverterTestData.class)
class ConverterStartupTest {

    @Test
    void ready_against_the_real_broker() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void openapi_and_metrics_are_served() {
        given().when().get("/q/openapi").then().statusCode(200).body(containsString("converter-service"));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("jvm_"));
    }
}
