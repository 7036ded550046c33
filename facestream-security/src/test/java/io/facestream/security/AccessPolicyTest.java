package io.facestream.security;

import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class AccessPolicyTest {

    private static AccessPolicy policy(boolean enabled, boolean readRequiresToken, List<String> openPaths) {
        return new AccessPolicy(new AccessConfig() {
            public boolean enabled() {
                return enabled;
            }

            public Optional<List<String>> tokens() {
                return Optional.empty();
            }

            public boolean readRequiresToken() {
                return readRequiresToken;
            }

            public List<String> openPaths() {
                return openPaths;
            }
        });
    }

    @Test
    void writes_need_admin_and_reads_need_nothing_by_default() {
        AccessPolicy p = policy(true, false, List.of("/q/health", "/q/health/*"));
        for (HttpMethod write : List.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH)) {
            assertEquals("admin", p.requiredRole(write, "/training-runs"), write.name());
        }
        assertNull(p.requiredRole(HttpMethod.GET, "/training-runs"));
        assertNull(p.requiredRole(HttpMethod.HEAD, "/artifacts/a/model.tflite"));
        assertNull(p.requiredRole(HttpMethod.OPTIONS, "/training-runs"), "CORS preflights carry no token");
    }

    @Test
    void reads_need_reader_when_configured_and_open_paths_need_nothing() {
        AccessPolicy p = policy(true, true, List.of("/q/health", "/q/health/*", "/", "/live.js"));
        assertEquals("reader", p.requiredRole(HttpMethod.GET, "/persons"));
        assertEquals("reader", p.requiredRole(HttpMethod.GET, "/q/healthy"), "a prefix is a whole path segment");
        assertNull(p.requiredRole(HttpMethod.GET, "/q/health"));
        assertNull(p.requiredRole(HttpMethod.GET, "/q/health/ready"));
        assertNull(p.requiredRole(HttpMethod.POST, "/q/health/ready"), "open whatever the method");
        assertNull(p.requiredRole(HttpMethod.GET, "/"));
        assertNull(p.requiredRole(HttpMethod.GET, "/live.js"));
        assertEquals("reader", p.requiredRole(HttpMethod.GET, "/live/identities"));
    }

    @Test
    void nothing_is_checked_when_access_control_is_off() {
        AccessPolicy p = policy(false, true, List.of());
        assertNull(p.requiredRole(HttpMethod.DELETE, "/persons/ada"));
        assertNull(p.requiredRole(HttpMethod.GET, "/persons"));
    }
}
