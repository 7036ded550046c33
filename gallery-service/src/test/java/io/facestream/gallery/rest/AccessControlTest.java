package io.facestream.gallery.rest;

import io.facestream.kafka.testing.KafkaTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * Access control on, with reads requiring a token too (facestream.auth.read-requires-token): deleting a person needs
 * an admin token, the queries a reader (or admin) token; the live page's own files and the health checks stay open.
 */
@QuarkusTest
@TestProfile(AccessControlTest.SecuredReads.class)
@WithTestResource(KafkaTestResource.class)
class AccessControlTest {

    static final String ADMIN = "admin-token-for-the-gallery-test";
    static final String READER = "reader-token-for-the-gallery-test";

    public static class SecuredReads implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("%test.facestream.auth.enabled", "true",
                    "facestream.auth.read-requires-token", "true",
                    "facestream.auth.tokens", "admin:" + ADMIN + ",reader:" + READER);
        }
    }

    @Test
    void reads_need_a_reader_or_admin_token() {
        given().get("/live/config").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("status", is(401))
                .body("message", containsString("GET /live/config needs a bearer token of role reader"));
        given().auth().oauth2(READER).get("/live/config").then().statusCode(200);
        given().auth().oauth2(ADMIN).get("/live/config").then().statusCode(200);
    }

    @Test
    void deleting_a_person_needs_an_admin_token() {
        given().auth().oauth2(READER).delete("/persons/{person}", "Ada Lovelace").then().statusCode(403)
                .body("status", is(403))
                .body("message", containsString("needs a token of role admin"));
        // refused for the name, by the endpoint: the token got it there
        given().auth().oauth2(ADMIN).delete("/persons/{person}", "a|b").then().statusCode(400)
                .body("message", containsString("must not contain '|'"));
    }

    @Test
    void the_live_page_files_and_health_checks_need_no_token() {
        given().get("/").then().statusCode(200).body(containsString("live.js"));
        given().get("/live.js").then().statusCode(200);
        given().get("/live.css").then().statusCode(200);
        // open means no 401/403: the health answer itself is UP or, while Kafka Streams is still starting, DOWN
        given().get("/q/health/live").then().statusCode(anyOf(is(200), is(503)))
                .body(containsString("\"checks\""));
    }
}
