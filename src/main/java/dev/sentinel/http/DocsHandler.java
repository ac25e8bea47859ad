package dev.sentinel.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The API reference, from webjars inside the jar (no CDN): GET /docs is Swagger UI, GET /redoc
 * ReDoc (the seed served both), each showing the contract as written.
 */
final class DocsHandler {

  private DocsHandler() {}

  static void mount(Router router) {
    Properties versions = buildProperties();
    String swaggerRoot = "META-INF/resources/webjars/swagger-ui/" + versions.getProperty("swagger_ui_version", "5.34.1");
    String swagger = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Sentinel API</title>
        <link rel="stylesheet" href="/docs/swagger-ui.css"></head>
        <body><div id="swagger-ui"></div>
        <script src="/docs/swagger-ui-bundle.js"></script>
        <script>window.ui = SwaggerUIBundle({url: '/openapi.yaml', dom_id: '#swagger-ui'});</script>
        </body></html>""";
    router.get("/docs").handler(rc -> rc.response().putHeader("content-type", "text/html; charset=utf-8").end(swagger));
    router.get("/docs/").handler(rc -> rc.redirect("/docs"));
    router.get("/docs/*").handler(StaticHandler.create(swaggerRoot).setCachingEnabled(true));

    String redocRoot = "META-INF/resources/webjars/redoc/" + versions.getProperty("redoc_version", "2.1.4") + "/bundles";
    String redoc = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Sentinel API</title>
        <meta name="viewport" content="width=device-width, initial-scale=1"></head>
        <body><redoc spec-url="/openapi.json"></redoc>
        <script src="/redoc/redoc.standalone.js"></script>
        </body></html>""";
    router.get("/redoc").handler(rc -> rc.response().putHeader("content-type", "text/html; charset=utf-8").end(redoc));
    router.get("/redoc/").handler(rc -> rc.redirect("/redoc"));
    router.get("/redoc/*").handler(StaticHandler.create(redocRoot).setCachingEnabled(true));
  }

  /** The versions Maven wrote into build.properties (webjar folders are named by version). */
  static Properties buildProperties() {
    Properties p = new Properties();
    try (InputStream in = DocsHandler.class.getResourceAsStream("/build.properties")) {
      if (in != null) p.load(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return p;
  }
}
