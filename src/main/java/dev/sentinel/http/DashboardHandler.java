package dev.sentinel.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The dashboard at GET /ui: static HTML, CSS and ES modules from the jar (resources/ui), and the
 * chart and graph-layout libraries (uPlot, dagre) from their webjars. The pages themselves need no key: they hold no data. Every
 * datum comes from the public API, which keeps its own auth, so the UI can do nothing a client
 * with the same key could not.
 */
final class DashboardHandler {

  static final String PATH = "/ui";

  private DashboardHandler() {}

  /** The page and its assets are public; what they fetch is not. */
  static boolean serves(String path) {
    return path.equals(PATH) || path.startsWith(PATH + "/");
  }

  static void mount(Router router, String uplotVersion, String dagreVersion) {
    // index.html links its assets by absolute path, so /ui and /ui/ both load it; read once,
    // at start-up (a few hundred bytes from the jar), never per request
    String index = indexPage();
    router.get(PATH).handler(rc -> rc.response().putHeader("content-type", "text/html; charset=utf-8")
        .putHeader("cache-control", "no-cache").end(index));
    router.get(PATH + "/vendor/uplot/*").handler(
        StaticHandler.create("META-INF/resources/webjars/uplot/" + uplotVersion + "/dist").setCachingEnabled(true));
    router.get(PATH + "/vendor/dagre/*").handler(
        StaticHandler.create("META-INF/resources/webjars/dagre/" + dagreVersion + "/dist").setCachingEnabled(true));
    // no caching: a redeployed jar's pages must not mix with a browser's old modules
    router.get(PATH + "/*").handler(StaticHandler.create("ui").setCachingEnabled(false).setIndexPage("index.html"));
  }

  private static String indexPage() {
    try (InputStream in = DashboardHandler.class.getResourceAsStream("/ui/index.html")) {
      if (in == null) throw new IllegalStateException("ui/index.html is missing from the jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
