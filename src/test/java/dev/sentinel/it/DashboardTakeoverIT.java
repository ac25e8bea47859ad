package dev.sentinel.it;

import dev.sentinel.testing.HeadlessChromium;
import dev.sentinel.testing.Http;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.SentinelProcess;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A takeover seen on the task page: a worker process (the real jar) is killed with SIGKILL
 * mid-task, its lease expires, a worker of another node claims the task under a new epoch and
 * finishes it. The workers page shows the killed worker vanish; the task page shows the expiry,
 * the takeover claim and the steps' new epoch.
 */
class DashboardTakeoverIT {

  private static final long LEASE_MS = 1500;
  /** Enough that the task is still running when its worker is killed. */
  private static final int STEPS = 12;

  @RegisterExtension static final RealRedis redis = new RealRedis();
  StoreFixture f;
  TestNode node;
  Http api;
  SentinelProcess doomed;
  HeadlessChromium browser;

  @BeforeEach void start() {
    f = redis.fixture();
    node = new TestNode(redis.url(), f.keys.prefix(), "http: {port: 0}\nworker: {instances: 1, lease_ms: " + LEASE_MS
        + "}\nwatcher: {interval_ms: 200}\n");
    api = node.startApi();
    node.startWatcher();
    doomed = SentinelProcess.start("ui-doomed", "worker", Map.of(
        "SENTINEL_REDIS_URL", redis.url(),
        "SENTINEL_KEY_PREFIX", f.keys.prefix(),
        "SENTINEL_LEASE_MS", String.valueOf(LEASE_MS),
        "SENTINEL_WORKER_INSTANCES", "1"));
  }

  @AfterEach void stop() {
    try {
      if (browser != null) browser.close();
      doomed.close();
    } finally {
      node.close();
      f.close();
    }
  }

  @Test void aKilledWorkerVanishesAndTheTakeoverShowsOnTheTaskPage() {
    browser = new HeadlessChromium(1280, 800);
    browser.viewport(1280, 800);
    Dashboard ui = new Dashboard(browser, api.port());
    ui.open("#/workers");
    Http.Reply submitted = api.post("/tasks", new JsonObject().put("tenant_id", "acme").put("task_type", "ui")
        .put("agent_type", "noop").put("task_params", new JsonObject().put("steps", STEPS).put("step_ms", 400)).encode());
    String id = submitted.json().getString("task_id");
    await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/tasks/" + id).json().getInteger("step") >= 2);
    String first = api.get("/tasks/" + id).json().getString("owner");
    browser.find(By.cssSelector("#workers tr[data-worker='" + first + "']"));

    doomed.kill9();
    browser.await("the killed worker among the vanished", d -> d.findElements(By.id("vanished")).stream()
        .anyMatch(t -> t.getText().contains(first)));
    browser.screenshot("workers-vanished");
    node.startWorkers("rescuer");
    await().atMost(Duration.ofSeconds(60)).until(() -> "completed".equals(api.get("/tasks/" + id).json().getString("status")));

    ui.open("#/tasks/" + id);
    browser.await("every step", d -> d.findElements(By.cssSelector("#steps tbody tr[data-step]")).size() == STEPS);
    WebElement takeover = browser.find(By.cssSelector("#steps .tag.takeover"));
    WebElement row = takeover.findElement(By.xpath("ancestor::tr"));
    assertThat(row.getText()).contains("rescuer");
    List<WebElement> rows = browser.findAll(By.cssSelector("#steps tbody tr[data-step]"));
    assertThat(rows.get(0).getText()).as("the first steps by the killed worker").contains(first);
    assertThat(Integer.parseInt(row.getAttribute("data-epoch"))).as("the takeover's epoch")
        .isGreaterThan(Integer.parseInt(rows.get(0).getAttribute("data-epoch")));
    browser.find(By.cssSelector("#task-events li[data-type=expired]"));
    assertThat(browser.find(By.cssSelector("#task-events li.takeover")).getText()).contains("takeover", "rescuer");
    browser.screenshot("task-takeover");
  }
}
