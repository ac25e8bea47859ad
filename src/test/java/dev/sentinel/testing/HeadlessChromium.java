package dev.sentinel.testing;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Debian's Chromium, headless, driven by its own chromedriver (no Selenium Manager: the machine
 * has no network). Each instance has a fresh profile, so nothing (keys in sessionStorage,
 * caches) carries over from another run. Screenshots go to target/ui-screenshots/.
 */
public final class HeadlessChromium implements AutoCloseable {

  public static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
  private static final String BROWSER = System.getProperty("chromium.binary", "/usr/bin/chromium");
  private static final String DRIVER = System.getProperty("chromedriver.binary", "/usr/bin/chromedriver");
  /** Generous: the machine is shared with other builds. */
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  public final ChromeDriver driver;
  private final Path profile;

  public HeadlessChromium(int width, int height) {
    if (!new File(BROWSER).canExecute() || !new File(DRIVER).canExecute()) {
      throw new IllegalStateException("Chromium and chromedriver are needed at " + BROWSER + " and " + DRIVER
          + ": apt-get install -y chromium chromium-driver (.ci/run does it)");
    }
    try {
      profile = Files.createTempDirectory("sentinel-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions().setBinary(BROWSER).addArguments(
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        // with the network closed, Chromium's background fetches would hang its start
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
        .usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(PATIENCE);
  }

  public void open(String url) {
    driver.get(url);
  }

  /**
   * Waits (generously) until the condition holds; the wait's message names what was awaited.
   * An element a live page replaced meanwhile counts as "not yet".
   */
  public <T> T await(String what, ExpectedCondition<T> condition) {
    return new WebDriverWait(driver, PATIENCE).withMessage(what).ignoring(StaleElementReferenceException.class)
        .until(condition);
  }

  /** The first element matching, once there is one. */
  public WebElement find(By by) {
    return await("an element " + by, d -> d.findElements(by).stream().findFirst().orElse(null));
  }

  /** Clicks the element, finding it again if the page replaced it meanwhile (live pages do). */
  public void click(By by) {
    await("to click " + by, d -> {
      d.findElement(by).click();
      return true;
    });
  }

  public List<WebElement> findAll(By by) {
    return driver.findElements(by);
  }

  public Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  /**
   * The page's viewport in CSS pixels, exactly (a window size would include the browser's own
   * chrome); narrow widths are emulated as a phone would report them.
   */
  public void viewport(int width, int height) {
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
        "width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 700));
  }

  /** The page as if the system preferred a dark (or light) colour scheme. */
  public void colorScheme(String scheme) {
    driver.executeCdpCommand("Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
  }

  /** Saves the viewport as target/ui-screenshots/{name}.png. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path out = SCREENSHOTS.resolve(name + ".png");
      Files.write(out, driver.getScreenshotAs(OutputType.BYTES));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public WebDriver raw() { return driver; }

  @Override public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temp dir left behind is harmless
      }
    }
  }
}
