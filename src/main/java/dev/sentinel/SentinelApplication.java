package dev.sentinel;

import io.vertx.core.json.JsonObject;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;

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

  SentinelApplication(String[] args) {
    super(args);
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
    if (code != 0) System.exit(code);
  }

  private static void fail(String message) {
    System.err.println(message);
    System.err.println(USAGE);
    System.exit(2);
  }
}
