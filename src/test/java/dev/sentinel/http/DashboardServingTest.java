package dev.sentinel.http;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /ui and its assets come from the jar without a key; the API they call still wants one. */
class DashboardServingTest {

  @RegisterExtension static final RealRedis redis = new RealRedis();
  StoreFixture f;
  TestNode node;
  Http anonymous;

  @BeforeEach void start() {
    f = redis.fixture();
    node = new TestNode(redis.url(), f.keys.prefix(), "http: {port: 0}\n" + TestNode.adminKeyYaml("serving-admin"));
    anonymous = node.startApi();
  }

  @AfterEach void stop() {
    node.close();
    f.close();
  }

  @Test void theDashboardsPagesLoadWithoutAKey() {
    Http.Reply page = anonymous.get("/ui");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("content-type")).startsWith("text/html");
    assertThat(page.body()).contains("/ui/js/app.js");
    assertThat(anonymous.get("/ui/").body()).isEqualTo(page.body());
    Http.Reply module = anonymous.get("/ui/js/pages/tasks.js");
    assertThat(module.status()).isEqualTo(200);
    assertThat(module.header("content-type")).contains("javascript");
    assertThat(anonymous.get("/ui/app.css").status()).isEqualTo(200);
    assertThat(anonymous.get("/ui/vendor/uplot/uPlot.esm.js").status()).as("uPlot from its webjar").isEqualTo(200);
  }

  @Test void everythingElseKeepsItsAuth() {
    assertThat(anonymous.get("/tasks").status()).isEqualTo(401);
    assertThat(anonymous.get("/workers").status()).isEqualTo(401);
    assertThat(anonymous.get("/uix").status()).as("a path that only begins like /ui").isEqualTo(401);
    assertThat(anonymous.get("/ui/../tasks").status()).isIn(400, 401, 404);
    assertThat(anonymous.withKey("serving-admin").get("/ui/nope.js").status()).isEqualTo(404);
  }
}
