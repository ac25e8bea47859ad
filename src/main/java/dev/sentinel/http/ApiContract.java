package dev.sentinel.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * openapi.yaml, the API's single contract: served as written at /openapi.yaml (and as JSON at
 * /openapi.json), and the router and its request validation are built from it.
 *
 * <p>vertx-openapi 5.0.7 refuses contracts whose responses use media types it cannot
 * validate, among them {@code application/problem+json} and {@code text/event-stream}
 * (custom media types arrive in a later release). The router therefore gets a copy in which
 * those read {@code application/json} and {@code text/plain}. It also leaves out the
 * {@code security} requirements, which our own auth handler enforces (the router's security
 * chain would otherwise demand an auth provider per scheme). And a pattern's closing {@code $}
 * reads {@code \z}: JSON Schema patterns are ECMA-262 regular expressions, whose {@code $} is the
 * end of the input, but the validator runs them with java.util.regex, whose {@code $} also
 * matches before a final line terminator, so {@code "acme\n"} passed the Identifier pattern
 * (found by HttpFuzzTest's contract part). Nothing else differs, and the document clients see
 * is the original.
 */
public final class ApiContract {

  private final String yaml;

  private ApiContract(String yaml) {
    this.yaml = yaml;
  }

  public static ApiContract fromClasspath() {
    try (InputStream in = ApiContract.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) throw new IllegalStateException("openapi.yaml is missing from the classpath");
      return new ApiContract(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read openapi.yaml", e);
    }
  }

  /** The document as written, for GET /openapi.yaml. */
  public String yaml() { return yaml; }

  /** The document as written, as JSON, for GET /openapi.json (the seed served that one). */
  @SuppressWarnings("unchecked")
  public String json() {
    Map<String, Object> tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    return new JsonObject(tree).encodePrettily();
  }

  /** The copy the router and validators are built from. */
  @SuppressWarnings("unchecked")
  public JsonObject forValidation() {
    String adapted = yaml.replace("application/problem+json", "application/json").replace("text/event-stream", "text/plain");
    Map<String, Object> tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(adapted);
    JsonObject json = new JsonObject(tree);
    anchorPatternsAtTheEnd(json);
    json.remove("security");
    JsonObject paths = json.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String key : item.fieldNames()) {
        if (item.getValue(key) instanceof JsonObject op) op.remove("security");
      }
    }
    return json;
  }

  /** Every {@code pattern} ending in {@code $} ends in {@code \z} instead (see the class comment). */
  private static void anchorPatternsAtTheEnd(Object node) {
    if (node instanceof JsonObject o) {
      for (String key : o.fieldNames()) {
        Object v = o.getValue(key);
        if (key.equals("pattern") && v instanceof String p && p.endsWith("$") && !p.endsWith("\\$")) {
          o.put(key, p.substring(0, p.length() - 1) + "\\z");
        } else {
          anchorPatternsAtTheEnd(v);
        }
      }
    } else if (node instanceof JsonArray a) {
      for (Object v : a) anchorPatternsAtTheEnd(v);
    }
  }

  public Future<OpenAPIContract> load(Vertx vertx) {
    return OpenAPIContract.from(vertx, forValidation());
  }
}
