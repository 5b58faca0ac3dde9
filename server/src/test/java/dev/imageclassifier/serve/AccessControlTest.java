package dev.imageclassifier.serve;

import ch.qos.logback.classic.Level;
import dev.imageclassifier.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bearer tokens on a real server: who gets in, who gets 401 or 403, and that no token reaches the log. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AccessControlTest {

    static final String TOKEN = "s3cret-token-for-tests_0123456789";
    static final String OTHER = "another-token";

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class With_tokens {

        TestServer api;

        @BeforeAll
        void start() {
            api = TestServer.start(s -> s.withAccess(new ApiAccess(AccessTokens.parse(TOKEN + ", " + OTHER), ApiAccess.DEFAULT_OPEN_ROUTES)));
        }

        @AfterAll
        void stop() {
            api.close();
        }

        @Test
        void predict_without_a_token_is_401_with_a_bearer_challenge() {
            HttpResponse<String> response = api.predict(TestImages.caltech("watch"));
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"image-classifier\"");
            assertThat(TestServer.json(response).get("detail").asText()).isEqualTo(AccessControl.MISSING);
        }

        @Test
        void predict_with_a_wrong_token_is_401_invalid_token_and_the_token_is_never_logged() {
            try (LogCapture log = LogCapture.of(AccessControl.class)) {
                ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(AccessControl.class);
                Level before = logger.getLevel();
                logger.setLevel(Level.DEBUG);
                try {
                    HttpResponse<String> response = post("/predict", "Bearer " + TOKEN + "x");
                    assertThat(response.statusCode()).isEqualTo(401);
                    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"image-classifier\", error=\"invalid_token\"");
                    assertThat(TestServer.json(response).get("detail").asText()).isEqualTo(AccessControl.WRONG);
                } finally {
                    logger.setLevel(before);
                }
                assertThat(log.messages()).isNotEmpty().noneMatch(m -> m.contains(TOKEN));
            }
        }

        @Test
        void a_right_token_of_either_kind_passes_and_the_scheme_is_case_insensitive() {
            assertThat(post("/predict", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
            assertThat(post("/predict", "bearer " + OTHER).statusCode()).isEqualTo(200);
            assertThat(post("/predict", "Basic " + TOKEN).statusCode()).isEqualTo(401);
        }

        @Test
        void other_routes_need_the_token_too_but_probes_and_metrics_stay_open() {
            assertThat(api.get("/model").statusCode()).isEqualTo(401);
            assertThat(api.get("/v2/models/classifier").statusCode()).isEqualTo(401);
            assertThat(TestServer.json(api.get("/v2/models/classifier")).has("error")).isTrue(); // the protocol's error shape
            assertThat(api.get("/health").statusCode()).isEqualTo(200);
            assertThat(api.get("/metrics").statusCode()).isEqualTo(200);
            assertThat(api.get("/v2/health/live").statusCode()).isEqualTo(200);
        }

        @Test
        void admin_routes_without_or_with_a_wrong_token_are_401_and_with_the_right_one_reach_the_routes() {
            assertThat(post("/admin/models/classifier/reload", null).statusCode()).isEqualTo(401);
            assertThat(post("/ADMIN/models/classifier/reload", "Bearer nope").statusCode()).isEqualTo(401);
            assertThat(post("/admin/models/classifier/reload", "Bearer " + TOKEN).statusCode()).isNotIn(401, 403);
            assertThat(api.get("/metrics").body()).containsPattern("http_server_requests_refused_access_total\\{status=\"401\",?\\} [1-9]");
        }

        @Test
        void an_anonymous_upload_is_refused_before_its_body_arrives() throws Exception {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", api.server.port())) {
                socket.setSoTimeout(5_000); // the receiver would wait 10 s for a body that never comes, then 408
                socket.getOutputStream().write(("POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                        + "Content-Length: 5000000\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                        java.nio.charset.StandardCharsets.US_ASCII)).readLine();
                assertThat(status).isEqualTo("HTTP/1.1 401 Unauthorized");
            }
        }

        private HttpResponse<String> post(String path, String authorization) {
            HttpRequest.Builder request = new MultipartBody().file("file", "a.jpg", "image/jpeg", TestImages.caltech("watch")).post(api.uri(path));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            return api.send(request);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Without_tokens {

        TestServer api;

        @BeforeAll
        void start() {
            api = TestServer.start();
        }

        @AfterAll
        void stop() {
            api.close();
        }

        @Test
        void admin_routes_are_refused_outright_even_with_a_token() {
            for (String authorization : new String[] {null, "Bearer " + TOKEN}) {
                HttpRequest.Builder request = HttpRequest.newBuilder(api.uri("/admin/models/classifier/reload")).POST(HttpRequest.BodyPublishers.noBody());
                if (authorization != null) {
                    request.header("Authorization", authorization);
                }
                HttpResponse<String> response = api.send(request);
                assertThat(response.statusCode()).isEqualTo(403);
                assertThat(TestServer.json(response).get("detail").asText()).isEqualTo(AccessControl.ADMIN_OFF);
            }
        }

        @Test
        void predict_is_open() {
            assertThat(api.predict(TestImages.caltech("watch")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void admin_routes_cannot_be_opened_and_tokens_cannot_hold_spaces() {
        assertThatThrownBy(() -> new ApiAccess(AccessTokens.NONE, List.of("/admin*"))).hasMessageContaining("always need a token");
        assertThatThrownBy(() -> new ApiAccess(AccessTokens.NONE, List.of("/*"))).hasMessageContaining("always need a token");
        assertThatThrownBy(() -> AccessTokens.of(List.of("two words"))).hasMessageContaining("space");
        assertThat(AccessTokens.parse(" , ").configured()).isFalse();
        assertThat(AccessTokens.parse(TOKEN).toString()).doesNotContain(TOKEN);
    }

    @Test
    void open_routes_match_exactly_or_by_a_trailing_star() {
        ApiAccess access = new ApiAccess(AccessTokens.parse(TOKEN), List.of("/health", "/docs*"));
        assertThat(access.isOpen("/health")).isTrue();
        assertThat(access.isOpen("/health/")).isTrue();
        assertThat(access.isOpen("/healthz")).isFalse();
        assertThat(access.isOpen("/docs/swagger-ui.css")).isTrue();
        assertThat(access.isOpen("/predict")).isFalse();
    }

    @Test
    void bearer_tokens_are_read_from_the_header() {
        assertThat(AccessControl.bearerToken("Bearer abc")).isEqualTo("abc");
        assertThat(AccessControl.bearerToken("BEARER   abc ")).isEqualTo("abc");
        assertThat(AccessControl.bearerToken("Bearer ")).isNull();
        assertThat(AccessControl.bearerToken("Token abc")).isNull();
        assertThat(AccessControl.bearerToken(null)).isNull();
    }

}
