package dev.imageclassifier.serve;

import dev.imageclassifier.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every answer carries the security headers (issue 21, hole 9), and the web page and Swagger UI work under the
 * policy in a real Chromium without a single violation in the console.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SecurityHeadersTest {

    private static final Map<String, String> EXPECTED = Map.of(
            "Content-Security-Policy", SecurityHeaders.POLICY,
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer");

    private static TestServer api;
    private static HeadlessChromium chromium;

    @BeforeAll
    static void start() throws IOException {
        api = TestServer.serving(java.nio.file.Path.of("model", "classifier.onnx"));
        chromium = HeadlessChromium.startIfInstalled();
    }

    @AfterAll
    static void stop() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
        api.close();
    }

    @Test
    void every_kind_of_answer_carries_the_headers() {
        for (String path : List.of("/", "/app.js", "/style.css", "/docs", "/docs/docs-init.js", "/docs/swagger-ui-bundle.js",
                "/docs/favicon-32x32.png", "/health", "/model", "/openapi.json", "/metrics", "/no/such/page", "/report")) {
            assertHeaders("GET " + path, api.get(path));
        }
        HttpResponse<String> noFile = api.send(HttpRequest.newBuilder(api.uri("/predict")).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(noFile.statusCode()).isGreaterThanOrEqualTo(400);
        assertHeaders("POST /predict without a file", noFile);
        assertHeaders("POST /predict with a text file", api.upload("/predict", "file", "a.txt", "text/plain", new byte[]{'x'}));
        assertHeaders("DELETE /health", api.send(HttpRequest.newBuilder(api.uri("/health")).DELETE()));
        HttpResponse<String> head = api.send(HttpRequest.newBuilder(api.uri("/docs")).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertHeaders("HEAD /docs", head);
    }

    @Test
    void answers_jetty_writes_before_any_route_carry_them_too() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", api.server.port())) {
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 400");
            for (Map.Entry<String, String> header : EXPECTED.entrySet()) {
                assertThat(answer).contains(header.getKey() + ": " + header.getValue());
            }
        }
    }

    @Test
    void the_evaluation_report_keeps_its_own_stricter_policy_with_no_framing() {
        assertThat(ReportFile.POLICY).contains("default-src 'none'", "frame-ancestors 'none'").doesNotContain("script-src");
    }

    @Test
    void the_web_page_works_under_the_policy_without_a_violation() {
        WebDriver browser = browser();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get(api.uri("/").toString());
        wait.until(ExpectedConditions.not(ExpectedConditions.textToBe(By.id("model-classes"), "…")));
        browser.findElement(By.id("file")).sendKeys(TestImages.caltechFile("airplanes").toString());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("result")));
        browser.findElement(By.id("heatmap-toggle")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("heatmap")));
        assertThat(problems(browser)).as("console warnings and errors on /").isEmpty();
        assertInlineScriptIsRefused(browser);
    }

    @Test
    void swagger_ui_works_under_the_policy_without_a_violation() {
        WebDriver browser = browser();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get(api.uri("/docs").toString());
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".opblock-summary-path")));
        assertThat(browser.findElements(By.cssSelector(".opblock-summary-path")).stream().map(e -> e.getAttribute("data-path")))
                .contains("/predict", "/health");
        // Try it out: GET /health through Swagger UI's own request.
        browser.findElement(By.cssSelector("#operations-default-health .opblock-summary")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".try-out__btn"))).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".execute"))).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".live-responses-table tr.response .response-col_status")));
        assertThat(browser.findElement(By.cssSelector(".live-responses-table tr.response .response-col_status")).getText()).contains("200");
        assertThat(problems(browser)).as("console warnings and errors on /docs").isEmpty();
        assertInlineScriptIsRefused(browser);
    }

    private static WebDriver browser() {
        HeadlessChromium.requireOrSkip();
        WebDriver browser = chromium.browser;
        browser.manage().logs().get(LogType.BROWSER); // drop the messages of earlier pages
        return browser;
    }

    /** The console's warnings and errors: a CSP violation is logged as an error ("Refused to ..."). */
    private static List<String> problems(WebDriver browser) {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue()).map(LogEntry::getMessage).toList();
    }

    /** The policy is really in force: an injected inline script does not run, and the browser says why. */
    private static void assertInlineScriptIsRefused(WebDriver browser) {
        Object ran = ((JavascriptExecutor) browser).executeScript("""
                const script = document.createElement('script');
                script.textContent = 'window.inlineRan = true;';
                document.body.appendChild(script);
                return window.inlineRan === true;""");
        assertThat(ran).isEqualTo(false);
        assertThat(problems(browser)).anySatisfy(message -> assertThat(message).contains("Content Security Policy"));
    }

    private static void assertHeaders(String what, HttpResponse<?> response) {
        for (Map.Entry<String, String> header : EXPECTED.entrySet()) {
            assertThat(response.headers().firstValue(header.getKey())).as(what + " (" + response.statusCode() + "): " + header.getKey())
                    .hasValue(header.getValue());
        }
    }
}
