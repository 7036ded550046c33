package io.facestream.converter;

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
 * Access control on (it is off in the other tests): conversions and model uploads need an admin token; listing and
 * downloading stay open; refusals are 401 (with WWW-Authenticate: Bearer) or 403, in the JSON error shape.
 */
@QuarkusTest
@TestProfile(AccessControlTest.Secured.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(ConverterTestData.class)
class AccessControlTest {

    static final String ADMIN = "admin-token-for-the-converter-test";
    static final String READER = "reader-token-for-the-converter-test";

    public static class Secured implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("%test.facestream.auth.enabled", "true",
                    "facestream.auth.tokens", "admin:" + ADMIN + ",reader:" + READER);
        }
    }

    @Test
    void conversions_and_uploads_need_an_admin_token() {
        given().contentType("application/json").body("{}").post("/conversions").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("status", is(401))
                .body("message", containsString("POST /conversions needs a bearer token of role admin"));
        given().auth().oauth2("not-a-token-of-this-service").contentType("application/octet-stream")
                .body(new byte[]{1, 2, 3}).post("/artifacts").then().statusCode(401)
                .header("WWW-Authenticate", containsString("invalid_token"));
        given().auth().oauth2(READER).contentType("application/octet-stream").body(new byte[]{1, 2, 3})
                .post("/artifacts").then().statusCode(403)
                .body("message", containsString("POST /artifacts needs a token of role admin"));
    }

    @Test
    void an_admin_token_reaches_the_endpoint() {
        // refused for its content, by the endpoint: the token got it there
        given().auth().oauth2(ADMIN).contentType("application/json").body("{}").post("/conversions").then()
                .statusCode(400).body("message", is("url and sha256 are required"));
    }

    @Test
    void reads_and_health_checks_need_no_token() {
        given().get("/artifacts").then().statusCode(200);
        given().get("/conversions").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
    }
}
