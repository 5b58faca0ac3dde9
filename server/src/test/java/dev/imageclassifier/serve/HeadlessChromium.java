package dev.imageclassifier.serve;

import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A headless Chromium driven through WebDriver, for the browser tests. Where Chromium is not installed they are
 * skipped (never silently passed), and failed instead when {@code REQUIRE_BROWSER_TESTS=true} (CI).
 */
final class HeadlessChromium implements AutoCloseable {

    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM_BINARY", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver"));

    final WebDriver browser;
    private final Path profile;

    private HeadlessChromium(WebDriver browser, Path profile) {
        this.browser = browser;
        this.profile = profile;
    }

    static boolean installed() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** Skips the calling test where Chromium is missing, or fails it when the browser tests are required. */
    static void requireOrSkip() {
        if (!installed()) {
            String missing = "headless Chromium needs " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (Debian: apt-get install chromium chromium-driver)";
            if ("true".equalsIgnoreCase(System.getenv("REQUIRE_BROWSER_TESTS"))) {
                fail("REQUIRE_BROWSER_TESTS=true but " + missing);
            }
            assumeTrue(false, "Skipping the browser test: " + missing);
        }
    }

    /** A browser with a fresh profile that keeps its console messages for the tests; null where none is installed. */
    static HeadlessChromium startIfInstalled() throws IOException {
        return installed() ? start(false) : null;
    }

    /** A browser that emulates a phone: a 390 × 844 touch screen (coarse pointer, no mouse). */
    static HeadlessChromium startPhone() throws IOException {
        return start(true);
    }

    private static HeadlessChromium start(boolean phone) throws IOException {
        Path profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Without the background-networking switches Chromium stalls on an offline machine.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1200,900");
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL")); // console messages
        if (phone) {
            options.setExperimentalOption("mobileEmulation", Map.of("deviceMetrics",
                    Map.of("width", 390, "height", 844, "pixelRatio", 3.0, "touch", true, "mobile", true),
                    "userAgent", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"));
        }
        // An explicit driver: Selenium Manager would try to download one.
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new HeadlessChromium(new ChromeDriver(service, options), profile);
    }

    @Override
    public void close() throws IOException {
        browser.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
