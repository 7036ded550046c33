package io.facestream.trainer.rest;

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
 * Access control on (it is off in the other tests): starting, cancelling and resuming runs needs an admin token; the
 * reads and the health checks stay open; refusals are 401 (with WWW-Authenticate: Bearer) or 403, in the JSON error
 * shape.
 */
@QuarkusTest
@TestProfile(AccessControlTest.Secured.class)
@WithTestResource(KafkaTestResource.class)
class AccessControlTest {

    static final String ADMIN = "admin-token-for-the-trainer-test";
    static final String READER = "reader-token-for-the-trainer-test";

    public static class Secured implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("%test.facestream.auth.enabled", "true",
                    "facestream.auth.tokens", "admin:" + ADMIN + ",reader:" + READER);
        }
    }

    @Test
    void a_write_without_a_token_is_401_with_what_to_send() {
        given().contentType("application/json").body("{}").post("/training-runs").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("status", is(401))
                .body("message", containsString("POST /training-runs needs a bearer token of role admin"))
                .body("message", containsString("Authorization: Bearer <token>"));
        given().header("Authorization", "Basic YWRtaW46YWRtaW4=").post("/training-runs/r1/resume").then()
                .statusCode(401).body("message", containsString("is not 'Bearer <token>'"));
    }

    @Test
    void an_unknown_token_is_401_invalid_token() {
        given().auth().oauth2(ADMIN + "x").contentType("application/json").body("{}").post("/training-runs").then()
                .statusCode(401)
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
                .body("message", containsString("not one of this service's tokens"));
    }

    @Test
    void a_reader_token_may_read_but_not_write() {
        given().auth().oauth2(READER).delete("/training-runs/r1").then().statusCode(403)
                .body("status", is(403))
                .body("message", containsString("DELETE /training-runs/r1 needs a token of role admin"));
        given().auth().oauth2(READER).get("/training-runs").then().statusCode(200);
    }

    @Test
    void an_admin_token_reaches_the_endpoints() {
        // the run is refused for its content, by the endpoint: the token got it there
        given().auth().oauth2(ADMIN).contentType("application/json").body("{\"batch_size\": -1}")
                .post("/training-runs").then().statusCode(400).body("status", is(400));
        given().auth().oauth2(ADMIN).post("/training-runs/no-such-run/resume").then().statusCode(404);
    }

    @Test
    void reads_and_health_checks_need_no_token() {
        given().get("/training-runs").then().statusCode(200);
        given().get("/training-runs/no-such-run").then().statusCode(404);
        given().get("/q/health/ready").then().statusCode(200);
    }
}
