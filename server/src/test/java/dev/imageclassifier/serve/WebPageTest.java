package dev.imageclassifier.serve;

import dev.imageclassifier.DatasetSplit;
import dev.imageclassifier.Int8Quantizer;
import dev.imageclassifier.TestImages;
import dev.imageclassifier.quantize.SyntheticClassifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web page in a real headless Chromium, driven through WebDriver. Skipped (never silently passed)
 * where Chromium is not installed, and failed instead when {@code REQUIRE_BROWSER_TESTS=true} (CI).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WebPageTest {

    private static final Path SCREENSHOTS = Path.of("server", "target");
    private static final Path TRAINED = Path.of("model", "classifier.onnx");

    private static TestServer api;
    private static HeadlessChromium chromium;
    private static WebDriver browser;
    private static WebDriverWait wait;

    @BeforeAll
    static void startBrowserAndServer() throws IOException {
        chromium = HeadlessChromium.startIfInstalled();
        if (chromium == null) {
            return; // each test then reports itself skipped (or failed, in CI)
        }
        // The committed, trained classifier: the page must show a real answer for a real photo.
        api = TestServer.serving(TRAINED);
        browser = chromium.browser;
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopBrowserAndServer() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
        if (api != null) {
            api.close();
        }
    }

    @BeforeEach
    void openThePage() {
        HeadlessChromium.requireOrSkip();
        browser.manage().window().setSize(new Dimension(1200, 900));
        browser.get(api.uri("/").toString());
        wait.until(ExpectedConditions.not(ExpectedConditions.textToBe(By.id("model-classes"), "…")));
    }

    @Test
    void choosing_a_photo_shows_the_preview_the_predicted_class_and_five_labelled_bars() throws IOException {
        Path photo = TestImages.caltechFile("airplanes");
        fileInput().sendKeys(photo.toString());

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("result")));
        List<WebElement> bars = browser.findElements(By.cssSelector("#top5 li"));
        assertThat(bars).hasSize(5);
        String predicted = text("predicted-class");
        assertThat(predicted).isEqualTo("airplanes");
        assertThat(bars.get(0).findElement(By.className("bar-label")).getText()).isEqualTo(predicted);
        for (WebElement bar : bars) {
            assertThat(bar.findElement(By.className("bar-label")).getText()).isNotBlank();
            assertThat(bar.findElement(By.className("bar-value")).getText()).matches("\\d+(\\.\\d)?%");
        }
        assertThat(browser.findElement(By.id("preview")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("spinner")).isDisplayed()).isFalse();
        screenshot("web-page.png");
    }

    @Test
    void the_heatmap_toggle_lays_the_map_over_the_photo_and_a_bar_shows_its_own_class() throws IOException {
        fileInput().sendKeys(TestImages.caltechFile("airplanes").toString());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("result")));
        WebElement overlay = browser.findElement(By.id("heatmap"));
        assertThat(overlay.isDisplayed()).as("no heatmap before it is asked for").isFalse();

        browser.findElement(By.id("heatmap-toggle")).click();
        wait.until(ExpectedConditions.visibilityOf(overlay));
        assertThat(text("heatmap-caption")).contains("“airplanes”");
        WebElement preview = browser.findElement(By.id("preview"));
        assertThat(overlay.getRect()).as("the overlay covers the photo").isEqualTo(preview.getRect());
        // Painted inside the framing box (the centre), dimmed outside it: the map is really drawn.
        Object[] centre = pixel(0.5, 0.5);
        assertThat(((Number) centre[3]).intValue()).as("alpha at the centre").isGreaterThan(100);
        screenshot("web-page-heatmap.png");

        List<WebElement> bars = browser.findElements(By.cssSelector("#top5 button"));
        String second = bars.get(1).findElement(By.className("bar-label")).getText();
        bars.get(1).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("heatmap-caption"), "“" + second + "”"));
        assertThat(bars.get(1).getAttribute("aria-pressed")).isEqualTo("true");
        assertThat(bars.get(0).getAttribute("aria-pressed")).isEqualTo("false");
        screenshot("web-page-heatmap-second-class.png");

        browser.findElement(By.id("heatmap-toggle")).click();
        assertThat(overlay.isDisplayed()).as("the toggle hides it again").isFalse();
    }

    /** RGBA of the overlay canvas at a fraction of its width and height. */
    private static Object[] pixel(double fx, double fy) {
        List<?> rgba = (List<?>) ((JavascriptExecutor) browser).executeScript("""
                const c = document.getElementById('heatmap');
                return Array.from(c.getContext('2d').getImageData(Math.floor(c.width * arguments[0]),
                    Math.floor(c.height * arguments[1]), 1, 1).data);""", fx, fy);
        return rgba.toArray();
    }

    @Test
    void the_evaluation_report_renders_offline_without_console_errors() throws Exception {
        Path report = dev.imageclassifier.report.VisualReportTest.writeReport(Files.createTempDirectory("report"));
        browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER); // drop the page's earlier messages
        browser.get(report.toUri().toString());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("svg.matrix")));
        JavascriptExecutor js = (JavascriptExecutor) browser;
        assertThat(((Number) js.executeScript("return performance.getEntriesByType('resource').length;")).intValue())
                .as("network requests").isZero();
        assertThat(((Number) js.executeScript("return document.querySelector('svg.matrix').getBoundingClientRect().width;")).doubleValue())
                .isGreaterThan(300);
        assertThat(((Number) js.executeScript(
                "return [...document.images].filter(i => i.complete && i.naturalWidth > 0).length;")).intValue()).isEqualTo(3);
        assertThat(browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll())
                .filteredOn(entry -> entry.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()).isEmpty();
        screenshot("report.png");
    }

    @Test
    void a_text_file_shows_the_api_error_detail() throws IOException {
        Path text = Files.writeString(Files.createTempFile("notes", ".txt"), "not an image");
        fileInput().sendKeys(text.toString());

        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
        assertThat(error.getText()).startsWith("Invalid file type");
        assertThat(browser.findElement(By.id("result")).isDisplayed()).isFalse();
        // no broken-image icon with its cut-off alt text over the hint: the preview is gone, the hint is whole
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("preview")));
        assertThat(((Number) ((JavascriptExecutor) browser).executeScript(
                "const r = document.getElementById('preview').getBoundingClientRect(); return r.width * r.height;")).doubleValue()).isZero();
        assertThat(browser.findElement(By.id("hint-keyboard")).isDisplayed()).isTrue();
        screenshot("web-page-error.png");
        Files.delete(text);
    }

    @Test
    void the_model_panel_shows_the_class_count_backbone_framing_accuracy_and_a_link_to_the_docs() {
        assertThat(text("model-classes")).isEqualTo("101");
        assertThat(text("model-backbone")).isEqualTo("mobilenetv2-int8");
        assertThat(text("model-framing")).isEqualTo("whole image"); // the committed model's, chosen for Caltech-101
        assertThat(text("model-accuracy")).matches("9\\d(\\.\\d)?%");
        assertThat(text("model-quantization")).isEqualTo("none (the file as trained)");
        assertThat(browser.findElement(By.linkText("API documentation (Swagger UI)")).getAttribute("href")).endsWith("/docs");
        assertThat(browser.findElement(By.linkText("Evaluation report of this model")).getAttribute("href")).endsWith("/report");
    }

    @Test
    void an_int8_model_shows_how_it_compares_with_its_float_original() throws Exception {
        Path dir = Files.createTempDirectory("int8-page");
        Path floatModel = SyntheticClassifier.write(dir.resolve("float.onnx"));
        Path split = SyntheticClassifier.split(dir.resolve("photos"), 2, -1);
        Int8Quantizer.builder().calibrationImages(4).seed(42).speedRun(Duration.ofMillis(20)).build()
                .quantize(floatModel, DatasetSplit.read(split)).write(dir.resolve("int8.onnx"), dir);
        try (TestServer int8 = TestServer.serving(dir.resolve("int8.onnx"))) {
            browser.get(int8.uri("/").toString());
            wait.until(ExpectedConditions.not(ExpectedConditions.textToBe(By.id("model-quantization"), "…")));
            assertThat(text("model-quantization")).matches("int8: 100% same answers as float \\(top-1 100% → 100%\\), "
                    + "\\d+\\.\\d× the float speed");
            assertThat(text("model-accuracy")).isEqualTo("100%");
        }
    }

    @Test
    void a_pasted_image_is_classified() {
        ((JavascriptExecutor) browser).executeAsyncScript(IMAGE_EVENT, "paste");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("result")));
        assertThat(browser.findElements(By.cssSelector("#top5 li"))).hasSize(5);
    }

    @Test
    void a_dropped_image_is_classified() {
        ((JavascriptExecutor) browser).executeAsyncScript(IMAGE_EVENT, "drop");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("result")));
        assertThat(text("predicted-class")).isNotBlank();
    }

    @Test
    void the_drop_zone_is_reachable_by_keyboard() {
        browser.findElement(By.tagName("body")).sendKeys(Keys.TAB);
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("drop");
    }

    @Test
    void at_phone_width_nothing_overflows_sideways() throws IOException {
        browser.manage().window().setSize(new Dimension(390, 844));
        fileInput().sendKeys(TestImages.caltechFile("watch").toString());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("result")));
        Object overflow = ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);
        screenshot("web-page-phone.png");
    }

    @Test
    void following_the_report_link_before_any_evaluation_shows_a_page_not_json() {
        browser.findElement(By.linkText("Evaluation report of this model")).click();
        wait.until(ExpectedConditions.titleIs("No evaluation report yet"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("No evaluation report yet");
        assertThat(browser.getPageSource()).doesNotContain("\"detail\"");
    }

    @Test
    void a_touch_screen_is_told_to_tap_not_to_press_enter_or_ctrl_v() throws IOException {
        HeadlessChromium.requireOrSkip();
        try (HeadlessChromium phone = HeadlessChromium.startPhone()) {
            phone.browser.get(api.uri("/").toString());
            new WebDriverWait(phone.browser, Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(By.id("hint-touch")));
            assertThat(phone.browser.findElement(By.id("hint-touch")).getText()).isEqualTo("or tap to choose a photo or take one");
            assertThat(phone.browser.findElement(By.id("hint-keyboard")).isDisplayed()).isFalse();
            assertThat(phone.browser.findElement(By.id("drop")).getText()).doesNotContain("Enter", "Ctrl+V");
        }
    }

    @Test
    void the_report_fits_a_phone_and_its_curve_labels_stay_inside_the_charts() throws Exception {
        Path report = dev.imageclassifier.report.VisualReportTest.writeReport(Files.createTempDirectory("report"));
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.get(report.toUri().toString());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("svg.matrix")));
        JavascriptExecutor js = (JavascriptExecutor) browser;
        // no table sticks out of its card, and the page does not scroll sideways
        // (a table wider than its card is fine only inside a box that scrolls sideways and itself fits the card)
        Object overflowing = js.executeScript("return [...document.querySelectorAll('section')].filter(s => {"
                + " const card = s.getBoundingClientRect();"
                + " return [...s.querySelectorAll('table')].some(t => { const box = t.parentElement;"
                + "   const fits = t.getBoundingClientRect().right <= card.right + 0.5;"
                + "   const scrolls = ['auto', 'scroll'].includes(getComputedStyle(box).overflowX) && box !== s"
                + "     && box.getBoundingClientRect().right <= card.right + 0.5;"
                + "   return !fits && !scrolls; }); }).map(s => s.querySelector('h2').textContent);");
        assertThat((java.util.List<?>) overflowing).isEmpty();
        assertThat(((Number) js.executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth;")).intValue())
                .isLessThanOrEqualTo(0);
        // every text of the curves lies within its chart, and no legend overlaps a line's bounding box of the plot area
        Object outside = js.executeScript("return [...document.querySelectorAll('svg.curve')].flatMap(svg => {"
                + " const box = svg.getBoundingClientRect();"
                + " return [...svg.querySelectorAll('text')].filter(t => { const r = t.getBoundingClientRect();"
                + "   return r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5; })"
                + "  .map(t => t.textContent); });");
        assertThat((java.util.List<?>) outside).isEmpty();
        Object struck = js.executeScript("return [...document.querySelectorAll('svg.curve')].flatMap(svg => {"
                + " const lines = [...svg.querySelectorAll('polyline')].map(p => p.getBoundingClientRect());"
                + " return [...svg.querySelectorAll('text.legend')].filter(t => { const r = t.getBoundingClientRect();"
                + "   return lines.some(l => r.left < l.right && r.right > l.left && r.top < l.bottom && r.bottom > l.top); })"
                + "  .map(t => t.textContent); });");
        assertThat((java.util.List<?>) struck).isEmpty();
        screenshot("report-phone.png");
    }

    /** Draws a small picture on a canvas and delivers it to the page as a paste or a drop (argument 0). */
    private static final String IMAGE_EVENT = """
            const [kind, done] = arguments;
            const canvas = document.createElement('canvas');
            canvas.width = 96; canvas.height = 64;
            const g = canvas.getContext('2d');
            g.fillStyle = '#3366cc'; g.fillRect(0, 0, 96, 64);
            g.fillStyle = '#ffcc00'; g.beginPath(); g.arc(48, 32, 20, 0, 2 * Math.PI); g.fill();
            canvas.toBlob((blob) => {
              const data = new DataTransfer();
              data.items.add(new File([blob], 'drawn.png', {type: 'image/png'}));
              const event = kind === 'paste'
                ? new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true})
                : new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true});
              (kind === 'paste' ? document : document.getElementById('drop')).dispatchEvent(event);
              done();
            }, 'image/png');
            """;

    private static WebElement fileInput() {
        return browser.findElement(By.id("file"));
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static void screenshot(String name) throws IOException {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.createDirectories(SCREENSHOTS);
        Files.copy(shot, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
