package dev.sentinel.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** GET /docs: Swagger UI (from its webjar, inside the jar) showing /openapi.yaml. */
final class DocsHandler {

  private DocsHandler() {}

  static void mount(Router router) {
    String root = "META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion();
    String page = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Sentinel API</title>
        <link rel="stylesheet" href="/docs/swagger-ui.css"></head>
        <body><div id="swagger-ui"></div>
        <script src="/docs/swagger-ui-bundle.js"></script>
        <script>window.ui = SwaggerUIBundle({url: '/openapi.yaml', dom_id: '#swagger-ui'});</script>
        </body></html>""";
    router.get("/docs").handler(rc -> rc.response().putHeader("content-type", "text/html; charset=utf-8").end(page));
    router.get("/docs/").handler(rc -> rc.redirect("/docs"));
    router.get("/docs/*").handler(StaticHandler.create(root).setCachingEnabled(true));
  }

  private static String swaggerUiVersion() {
    Properties p = new Properties();
    try (InputStream in = DocsHandler.class.getResourceAsStream("/build.properties")) {
      if (in != null) p.load(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return p.getProperty("swagger_ui_version", "5.34.1");
  }
}
