package dev.sentinel.it;

import dev.sentinel.testing.HeadlessChromium;
import dev.sentinel.testing.Http;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real browser (headless Chromium) against a real node in this JVM (API,
 * workers, watcher) on a real Redis, with API keys on: every datum the pages show came through
 * the public API under the key the page was given.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardIT {

  private static final String ADMIN = "dashboard-admin-key";

  @RegisterExtension static final RealRedis redis = new RealRedis();
  StoreFixture f;
  TestNode node;
  Http admin;
  HeadlessChromium browser;
  Dashboard ui;

  @BeforeAll void start() {
    f = redis.fixture();
    node = new TestNode(redis.url(), f.keys.prefix(), "http: {port: 0}\nworker: {instances: 1, concurrency: 8}\n"
        + "watcher: {interval_ms: 200}\nllm: {provider: mock}\n" + TestNode.adminKeyYaml(ADMIN));
    admin = node.startApi().withKey(ADMIN);
    node.startWorkers("ui").startWatcher();
    browser = new HeadlessChromium(1280, 800);
    ui = new Dashboard(browser, admin.port());
  }

  @AfterAll void stop() {
    try {
      if (browser != null) browser.close();
    } finally {
      node.close();
      f.close();
    }
  }

  @BeforeEach void asAdmin() {
    browser.viewport(1280, 800);
    browser.colorScheme("light");
    ui.useKey(ADMIN);
  }

  private String submit(String tenant, JsonObject params) {
    return submit(tenant, "noop", params);
  }

  private String submit(String tenant, String agent, JsonObject params) {
    Http.Reply r = admin.post("/tasks", new JsonObject().put("tenant_id", tenant).put("task_type", "ui")
        .put("agent_type", agent).put("task_params", params).encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("task_id");
  }

  private JsonObject task(String id) {
    return admin.get("/tasks/" + id).json();
  }

  private void awaitApiStatus(String id, String status) {
    await().atMost(Duration.ofSeconds(30)).until(() -> status.equals(task(id).getString("status")));
  }

  @Test void theTasksPageListsASubmittedTaskAndItsStatusAdvancesToCompletedWithoutAReload() {
    String id = submit("live", new JsonObject().put("steps", 10).put("step_ms", 500));   // 5 s: still running when the page shows it
    ui.open("#/tasks?tenant_id=live");
    browser.find(ui.row(id));
    assertThat(ui.rowStatus(id)).as("listed before it finished").isNotEqualTo("completed");
    browser.script("window.sameDocument = true");   // gone if anything reloads the page
    browser.screenshot("tasks-running");

    browser.await("the row showing completed", d -> "completed".equals(ui.rowStatus(id)));
    assertThat(browser.script("return window.sameDocument === true")).as("no reload").isEqualTo(true);
    browser.await("the row's task followed through its event stream", d -> (Boolean) browser.script(
        "return performance.getEntriesByType('resource').some(e => e.name.endsWith('/tasks/' + arguments[0] + '/events'))", id));
    browser.await("the row's progress at the last step", d -> d.findElement(ui.row(id)).getText().contains("step 10 of 10"));
    browser.screenshot("tasks");
  }

  @Test void theTaskPageShowsItsStepsWithTheirEpochsAndWorkers() {
    String id = submit("steps", new JsonObject().put("steps", 3).put("step_ms", 50));
    awaitApiStatus(id, "completed");
    List<JsonObject> steps = admin.get("/tasks/" + id + "/steps").json().getJsonArray("steps").stream()
        .map(JsonObject.class::cast).toList();

    ui.open("#/tasks/" + id);
    browser.await("three steps shown", d -> d.findElements(By.cssSelector("#steps tbody tr[data-step]")).size() == 3);
    List<WebElement> rows = browser.findAll(By.cssSelector("#steps tbody tr[data-step]"));
    for (int i = 0; i < steps.size(); i++) {
      List<WebElement> cells = rows.get(i).findElements(By.tagName("td"));
      assertThat(cells.get(0).getText()).isEqualTo(String.valueOf(steps.get(i).getInteger("step")));
      assertThat(cells.get(1).getText()).isEqualTo(steps.get(i).getString("node"));
      assertThat(cells.get(2).getText()).as("epoch").isEqualTo(String.valueOf(steps.get(i).getInteger("epoch")));
      assertThat(cells.get(3).getText()).contains(steps.get(i).getString("worker_id"));
      assertThat(cells.get(5).getText()).as("how long the node ran").isEqualTo(steps.get(i).getLong("duration_ms") + " ms");
    }
    browser.await("the claim in the timeline", d -> !d.findElements(By.cssSelector("#task-events li[data-type=claimed]")).isEmpty());
    WebElement output = browser.find(By.cssSelector("#task-events li[data-type=step] details.output"));
    output.click();
    assertThat(output.getText()).as("a step's output").contains("\"step\": 1");
    browser.find(By.cssSelector("#task-graph li.node[data-node='step-1']"));
    browser.find(By.cssSelector("#checkpoint-view pre"));
    browser.screenshot("task");
  }

  /** A graph that branches is drawn as a diagram (dagre's layout from its webjar): its nodes, its edges, the branch's condition. */
  @Test void aBranchingGraphIsDrawnAsADiagram() {
    String id = submit("graph", "ticket-triage", new JsonObject().put("ticket", "the printer is on fire")
        .put("webhook_url", "http://127.0.0.1:9/page"));
    ui.open("#/tasks/" + id);
    browser.await("the diagram", d -> d.findElements(By.cssSelector("#task-graph svg.graph-diagram g.dnode")).size() == 4);
    List<String> drawn = browser.findAll(By.cssSelector("#task-graph svg.graph-diagram g.dnode")).stream()
        .map(e -> e.getAttribute("data-node")).toList();
    assertThat(drawn).containsExactlyInAnyOrder("classify", "route", "page", "draft");
    assertThat(browser.findAll(By.cssSelector("#task-graph svg.graph-diagram g.edge"))).as("classify-route, route-page, route-draft, page-draft")
        .hasSize(4);
    assertThat(browser.find(By.cssSelector("#task-graph svg.graph-diagram")).getText()).contains("contains urgent");
    awaitApiStatus(id, "completed");
    browser.screenshot("task-graph");
  }

  @Test void cancelAndRetryFromTheTaskPage() {
    String id = submit("cancel", new JsonObject().put("steps", 200).put("step_ms", 300));
    ui.open("#/tasks/" + id);
    browser.click(By.id("cancel-task"));
    ui.awaitTaskStatus("cancelled");
    assertThat(task(id).getString("status")).isEqualTo("cancelled");
    assertThat(browser.findAll(By.id("cancel-task"))).as("no cancel for a cancelled task").isEmpty();
    browser.screenshot("task-cancelled");

    browser.click(By.id("retry-task"));
    ui.awaitTaskStatus("in_progress");   // followed live again: its stream had ended with the cancel
    assertThat(task(id).getString("status")).isNotEqualTo("cancelled");
    browser.click(By.id("cancel-task"));
    ui.awaitTaskStatus("cancelled");
  }

  @Test void inputGivenOnTheTaskPageResumesAWaitingTask() {
    String id = submit("input", new JsonObject().put("steps", 2).put("wait_input_at_step", 2));
    awaitApiStatus(id, "waiting");
    ui.open("#/tasks/" + id);
    ui.fill(By.id("input-data"), "{\"approved\": true}");
    browser.screenshot("task-waiting");
    browser.click(By.id("give-input"));

    ui.awaitTaskStatus("completed");
    assertThat(task(id).getJsonObject("result").getJsonObject("input")).isEqualTo(new JsonObject().put("approved", true));
  }

  @Test void replayFromTheTaskPageOpensTheNewTaskStartedAfterThatStep() {
    String id = submit("replay", new JsonObject().put("steps", 3).put("step_ms", 20));
    awaitApiStatus(id, "completed");
    ui.open("#/tasks/" + id);
    ui.fill(By.id("replay-step"), "2");
    browser.click(By.id("replay-task"));

    String fork = browser.await("the replay's own page", d -> {
      String hash = (String) browser.script("return location.hash");
      return hash.startsWith("#/tasks/") && !hash.endsWith(id) ? hash.substring("#/tasks/".length()) : null;
    });
    JsonObject replay = task(fork);
    assertThat(replay.getString("parent_task_id")).isEqualTo(id);
    assertThat(replay.getInteger("replayed_from_step")).isEqualTo(2);
    browser.find(By.cssSelector("#task-summary a[href='#/tasks/" + id + "']"));
    ui.awaitTaskStatus("completed");
  }

  @Test void limitsSavedOnTheTenantsPageAreTheTenantsLimits() {
    ui.open("#/tenants?tenant=limits");
    WebElement maxRunning = browser.find(By.cssSelector("#limits-form input[name=max_running]"));
    maxRunning.sendKeys("5");
    browser.click(By.cssSelector("#limits-form button[type=submit]"));
    browser.await("the save confirmed", d -> d.findElement(By.cssSelector("#limits-form .note")).getText().equals("Saved."));
    JsonObject limits = admin.get("/tenants/limits/limits").json();
    assertThat(limits.getInteger("max_running")).isEqualTo(5);
    assertThat(limits.getJsonArray("own").getList()).containsExactly("max_running");
  }

  @Test void aTenantKeyGivenInTheDialogSeesOnlyItsTenantsTasks() {
    String mine = submit("acme", new JsonObject().put("steps", 1));
    String theirs = submit("globex", new JsonObject().put("steps", 1));
    String acmeKey = admin.post("/admin/api-keys", "{\"tenant_id\":\"acme\"}").json().getString("api_key");

    ui.useKey("");   // no key: the first request is refused and the page asks for one
    browser.script("sessionStorage.clear()");
    ui.open("#/tasks");
    ui.enterKeyInDialog(acmeKey);
    browser.find(ui.row(mine));
    assertThat(browser.findAll(ui.row(theirs))).as("another tenant's task in the list").isEmpty();
    assertThat(browser.script("return sessionStorage.getItem('sentinel.apiKey')")).isEqualTo(acmeKey);
    browser.await("the header naming the key's tenant", d -> d.findElement(By.id("who")).getText().equals("tenant acme"));
    assertThat(browser.script("return localStorage.length")).as("nothing kept beyond the tab").isEqualTo(0L);
    browser.screenshot("tasks-tenant-key");

    ui.open("#/tasks/" + theirs);
    WebElement refused = browser.find(By.cssSelector("#task-summary .problem"));
    assertThat(refused.getText()).startsWith("404");
    assertThat(browser.findAll(By.cssSelector("#steps tbody tr[data-step]"))).isEmpty();
  }

  @Test void everyPageRendersAtDesktopAndPhoneWidthsInLightAndDark() {
    // three LLM calls on the offline mock provider: calls on the task page, spend on the tenant's
    String id = submit("pages", "prompt-based", new JsonObject().put("query", "fencing tokens"));
    awaitApiStatus(id, "completed");
    ui.open("#/tasks/" + id);
    browser.await("the task's three LLM calls", d -> d.findElements(By.cssSelector("#calls tbody tr")).size() == 3);
    assertThat(browser.find(By.id("calls")).getText()).contains("gpt-4o-mini");
    ui.open("#/workers");
    browser.find(By.cssSelector("#workers tr[data-worker^='ui-w']"));
    browser.screenshot("workers");
    ui.open("#/tenants?tenant=pages");
    browser.find(By.id("limits-form"));
    assertThat(browser.find(By.cssSelector("#tenant .grid")).getText()).contains("Tasks\n1");
    assertThat(browser.find(By.id("models")).getText()).contains("gpt-4o-mini");
    browser.find(By.cssSelector("#cost-chart canvas"));
    browser.screenshot("tenants");
    ui.open("#/cluster");
    browser.await("the counts", d -> !d.findElements(By.cssSelector("#stats [data-status=completed]")).isEmpty());
    browser.find(By.cssSelector("#depth-chart canvas"));
    browser.screenshot("cluster");

    // each page, and what shows it has loaded all it reads
    List<List<String>> pages = List.of(
        List.of("tasks", "#/tasks", "#tasks tr[data-task-id]"),
        List.of("task", "#/tasks/" + id, "#calls tbody tr"),
        List.of("workers", "#/workers", "#workers tr[data-worker]"),
        List.of("tenants", "#/tenants?tenant=pages", "#cost-chart canvas"),
        List.of("cluster", "#/cluster", "#stats [data-status=completed]"));
    for (String scheme : List.of("light", "dark")) {
      browser.colorScheme(scheme);
      for (List<String> page : pages) {
        String name = page.get(0);
        browser.viewport(390, 844);
        ui.open(page.get(1));
        browser.find(By.cssSelector(page.get(2)));
        // a phone widens its viewport to fit what overflows, so compare the page's blocks with
        // the layout width (tables may scroll inside their own box)
        assertThat(browser.script("const w = document.documentElement.clientWidth;"
            + "return [...document.querySelectorAll('main > *, main .card, .top')].filter(e => e.getBoundingClientRect().right > w + 1)"
            + ".map(e => e.id || e.className || e.tagName)"))
            .as(name + " fits a phone's width").asList().isEmpty();
        browser.screenshot("phone-" + scheme + "-" + name);
        if (scheme.equals("dark")) {
          browser.viewport(1280, 800);
          ui.open(page.get(1));
          browser.find(By.cssSelector(page.get(2)));
          browser.screenshot("dark-" + name);
        }
      }
    }
  }
}
