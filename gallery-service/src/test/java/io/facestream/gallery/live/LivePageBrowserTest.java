package io.facestream.gallery.live;

import io.facestream.events.domain.FrameEvent;
import io.facestream.kafka.testing.KafkaTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live page in a real browser (Debian's headless Chromium, driven by Selenium through chromedriver) against the
 * running gallery-service on the real broker, with stand-ins for embedder-service and trainer-service: two people
 * are enrolled while the page is open, a frame and its probe embedding are published, and the page shows the match
 * with the face's thumbnail, the two people, the active model and the training run's loss curve. Saves
 * target/screenshots/live-page.png. Then the embedder goes away and the page says so.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakeUpstreams.class)
@EnabledIf(value = "browserInstalled", disabledReason = "the live page test needs Debian's chromium and "
        + "chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver): apt-get install -y chromium chromium-driver")
class LivePageBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final Duration WAIT = Duration.ofSeconds(40);

    @Inject
    LiveFeeds feeds;
    @TestHTTPResource("/")
    URL page;
    /** Set by {@link FakeUpstreams}: takes the fake embedder-service away. */
    Runnable stopFakeEmbedder;

    static boolean browserInstalled() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    @Test
    void the_page_shows_matches_with_faces_the_gallery_the_model_and_training() throws Exception {
        LiveTestData.awaitPositioned(feeds);
        String version = FakeUpstreams.MODEL_VERSION;
        // this JVM's broker is fresh, and no other test enrols these names
        String grace = "Grace Hopper";
        String alan = "Alan Turing";
        String frameId = "cam-lobby-" + System.nanoTime();

        WebDriver browser = chromium();
        try {
            browser.get(page.toString());
            WebDriverWait wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(200));
            JavascriptExecutor js = (JavascriptExecutor) browser;

            // enrolled while the page is open: its periodic refresh lists them
            LiveTestData.enrol(grace, version, LiveTestData.axis(0));
            LiveTestData.enrol(alan, version, LiveTestData.axis(1));
            wait.withMessage("the gallery lists both people").until(b -> (Boolean) js.executeScript(
                    "const names = [...document.querySelectorAll('#persons li')].map(li => li.dataset.person);"
                            + "return names.includes(arguments[0]) && names.includes(arguments[1]);", grace, alan));

            LiveTestData.frameAndProbe(new FrameEvent(frameId, "cam-lobby", System.currentTimeMillis() - 35,
                    "image/jpeg", false, LiveTestData.cameraFrame()), version, LiveTestData.FACE_BOX,
                    LiveTestData.near(1, 0));
            wait.withMessage("the match row with its identity and loaded thumbnail").until(b -> (Boolean)
                    js.executeScript("const row = [...document.querySelectorAll('tr.match')]"
                            + "  .find(r => r.dataset.frameId === arguments[0]);"
                            + "if (!row) return false;"
                            + "const img = row.querySelector('img.thumb');"
                            + "return row.querySelector('.identity').textContent === arguments[1]"
                            + "  && img !== null && img.complete && img.naturalWidth === 96;", frameId, alan));
            String row = (String) js.executeScript("return [...document.querySelectorAll('tr.match')]"
                    + ".find(r => r.dataset.frameId === arguments[0]).innerText;", frameId);
            assertTrue(row.contains(grace), "the runner-up is shown: " + row);
            assertTrue(row.contains(version), "the model version is shown: " + row);

            wait.withMessage("the active model from the embedder").until(b -> text(js, "#model-card")
                    .contains(version) && text(js, "#active-model").contains("MobileFaceNet"));
            assertEquals(2L, js.executeScript("return document.querySelectorAll('#models tbody tr').length;"));
            wait.withMessage("the training run's steps on the loss chart").until(b -> (Boolean) js.executeScript(
                    "return Number(document.getElementById('loss-chart').dataset.points) === arguments[0];",
                    FakeUpstreams.STEPS));
            assertTrue(text(js, "#training-card").contains(FakeUpstreams.RUN_ID));
            assertEquals("RUNNING", text(js, "#run-state"));
            assertEquals("ok", js.executeScript("return document.getElementById('pill-feed').dataset.state;"));
            screenshot(browser, "live-page.png");

            stopFakeEmbedder.run();
            wait.withMessage("the page says the embedder is unreachable").until(b ->
                    text(js, "#model-notice").contains("unreachable"));
            assertTrue(text(js, "#model-notice").contains("embedder-service at http://localhost:"),
                    text(js, "#model-notice"));
            assertEquals("down", js.executeScript("return document.getElementById('pill-embedder').dataset.state;"));
            screenshot(browser, "live-page-embedder-down.png");
        } finally {
            browser.quit();
        }
    }

    private static String text(JavascriptExecutor js, String selector) {
        Object text = js.executeScript("const e = document.querySelector(arguments[0]);"
                + "return e ? e.innerText : '';", selector);
        return String.valueOf(text);
    }

    private static WebDriver chromium() throws IOException {
        Path tmp = Path.of(System.getProperty("facestream.test.tmp", "target/test-tmp"));
        Files.createDirectories(tmp);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory(tmp, "chromium-profile-"),
                "--window-size=1440,1100");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private static void screenshot(WebDriver browser, String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
