package dev.sentinel;

import dev.sentinel.metrics.SentinelMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;

import java.util.EnumSet;
import java.util.function.Supplier;

/**
 * {@code java -jar sentinel.jar [--conf FILE] [--roles api,worker,watcher]}.
 * Our flags are parsed here and handed to {@link MainVerticle} as its config; the Vert.x
 * launcher does the rest, including the shutdown hook that closes Vert.x on SIGTERM (which
 * undeploys the workers, and they hand their tasks back).
 */
final class SentinelApplication extends VertxApplication implements VertxApplicationHooks {

  private static final String USAGE = """
      usage: java -jar sentinel.jar [--conf FILE] [--roles api,worker,watcher]
        --conf FILE   YAML merged over the built-in conf/sentinel.yaml
        --roles LIST  what this node runs (default: all three)
      Environment variables (SENTINEL_REDIS_URL, SENTINEL_HTTP_PORT, ...) override both; see README.""";

  /** The node's one registry: Vert.x's meters (HTTP, pools, event bus, JVM) and Sentinel's, in one scrape. */
  private final PrometheusMeterRegistry registry = SentinelMetrics.prometheusRegistry();

  /**
   * exitOnFailure off: the launcher would call System.exit(15) itself on a failed deployment,
   * racing our hook's exit(1) (CI saw 15); {@link #run} exits with 1 once launch() returns.
   */
  SentinelApplication(String[] args) {
    super(args, null, true, false);
  }

  /**
   * Vert.x's metrics must be switched on before Vert.x starts, so they are always on, into our
   * registry. Labels: the route template, never the path (a task id in a path would make a
   * series per task), the method and the status code.
   */
  @Override public VertxBuilder createVertxBuilder(VertxOptions options) {
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME)));
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
  }

  /** The composition root gets the registry from here rather than from a static lookup. */
  @Override public Supplier<? extends Deployable> verticleSupplier() {
    return () -> new MainVerticle(registry);
  }

  /**
   * The launcher logs a failed deployment and keeps the JVM running with nothing deployed: a
   * node that looks alive to its supervisor but does no work. Exit non-zero instead, from a
   * thread of our own (System.exit runs the shutdown hooks, which need the event loops).
   */
  @Override public void afterFailureToDeployVerticle(HookContext context, Throwable t) {
    Thread exit = new Thread(() -> System.exit(1), "sentinel-exit");
    exit.setDaemon(false);
    exit.start();
  }

  /** Called by {@link Main} once logging is set up. */
  static void run(String[] args) {
    JsonObject cli = new JsonObject();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--conf", "--roles" -> {
          if (value == null) fail(a + " needs a value");
          cli.put(a.equals("--conf") ? "conf_file" : "roles", value);
          i++;
        }
        case "-h", "--help" -> {
          System.out.println(USAGE);
          return;
        }
        default -> fail("unknown argument: " + a);
      }
    }
    int code = new SentinelApplication(new String[] {MainVerticle.class.getName(), "-conf", cli.encode()}).launch();
    // the launcher answers a failed deployment with its own code (15); our hook above exits with 1
    // from another thread, and so does this line: one code for "did not start".
    if (code != 0) System.exit(1);
  }

  private static void fail(String message) {
    System.err.println(message);
    System.err.println(USAGE);
    System.exit(2);
  }
}
