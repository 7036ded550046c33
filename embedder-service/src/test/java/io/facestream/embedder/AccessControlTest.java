package io.facestream.embedder;

import io.facestream.kafka.testing.KafkaTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * Access control on with reads requiring a token, but no token configured: every protected request is a 401 that
 * says which property to set; the health checks stay open.
 */
@QuarkusTest
@TestProfile(AccessControlTest.NoTokens.class)
@WithTestResource(KafkaTestResource.class)
class AccessControlTest {

    public static class NoTokens implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("%test.facestream.auth.enabled", "true",
                    "facestream.auth.read-requires-token", "true");
        }
    }

    @Test
    void without_configured_tokens_a_protected_endpoint_says_what_to_set() {
        given().get("/models").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("status", is(401))
                .body("message", containsString("set facestream.auth.tokens (env FACESTREAM_AUTH_TOKENS)"));
        given().auth().oauth2("any-token-at-all-0123456789").get("/models/active").then().statusCode(401)
                .body("message", containsString("set facestream.auth.tokens"));
    }

    @Test
    void health_checks_need_no_token() {
        given().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
    }
}
