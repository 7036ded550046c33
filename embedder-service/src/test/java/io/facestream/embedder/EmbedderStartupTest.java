package io.facestream.embedder;

import io.facestream.kafka.testing.KafkaTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

/** The service starts against the real broker and is live; ready once a model serves; OpenAPI and metrics answer. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class EmbedderStartupTest {

    @Test
    void live_against_the_real_broker_and_ready_once_a_model_serves() throws Exception {
        given().when().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
        EmbedderTestSupport.ensureAModelServes();
        given().when().get("/q/health/ready").then().statusCode(200).body("status", is("UP"))
                .body("checks.find { it.name == 'model' }.data.version", notNullValue());
        given().when().get("/models").then().statusCode(200).body(containsString("READY"));
    }

    @Test
    void openapi_and_metrics_are_served() {
        given().when().get("/q/openapi").then().statusCode(200).body(containsString("embedder-service"));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("embedder_model_ready"));
    }
}
