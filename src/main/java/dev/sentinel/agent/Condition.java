package dev.sentinel.agent;

import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A test on the task state, for conditional edges: the value at {@code path} compared with
 * {@code value} by {@code op} (equals, not_equals, contains, exists, gt, lt).
 */
public record Condition(String path, String op, Object value) {

  public static final Set<String> OPS = Set.of("equals", "not_equals", "contains", "exists", "gt", "lt");

  public Condition {
    if (!OPS.contains(op)) throw new IllegalArgumentException("unknown condition operator '" + op + "' (known: " + OPS + ")");
  }

  public boolean test(JsonObject state) {
    Object actual = Template.lookup(state, path);
    return switch (op) {
      case "exists" -> actual != null;
      case "equals" -> Objects.equals(normal(actual), normal(value));
      case "not_equals" -> !Objects.equals(normal(actual), normal(value));
      case "contains" -> actual != null && String.valueOf(actual).toLowerCase(Locale.ROOT)
          .contains(String.valueOf(value).toLowerCase(Locale.ROOT));
      case "gt" -> actual instanceof Number a && value instanceof Number b && a.doubleValue() > b.doubleValue();
      case "lt" -> actual instanceof Number a && value instanceof Number b && a.doubleValue() < b.doubleValue();
      default -> false;
    };
  }

  private static Object normal(Object v) {
    return v instanceof Number n ? (Object) n.doubleValue() : v;
  }
}
