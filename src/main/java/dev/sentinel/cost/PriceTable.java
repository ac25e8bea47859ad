package dev.sentinel.cost;

import dev.sentinel.agent.PricedModels;
import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * USD per million tokens per model (conf/pricing.yaml), with a version recorded on every call.
 * A call's cost is in nano-USD: exact for prices with up to three decimals (USD per million
 * tokens is then a whole number of nano-USD per token); a finer price is rounded up, once per
 * call, so recorded money is never less than spent.
 */
public record PriceTable(String version, Map<String, Price> models) implements PricedModels {

  /** USD per million tokens; cached input tokens are billed at {@code cachedInput} (else input). */
  public record Price(BigDecimal input, BigDecimal output, BigDecimal cachedInput) {}

  public Optional<Price> price(String model) { return Optional.ofNullable(models.get(model)); }

  @Override public boolean isPriced(String model) { return models.containsKey(model); }

  /** Nano-USD for this usage (1 USD per million tokens = 1,000 nano-USD per token). */
  public long nanos(String model, Usage u) {
    Price p = price(model).orElseThrow(() -> new IllegalArgumentException("no price for model " + model));
    long cached = Math.min(u.cachedInput(), u.input());
    BigDecimal cost = p.input().multiply(BigDecimal.valueOf(u.input() - cached))
        .add(p.cachedInput().multiply(BigDecimal.valueOf(cached)))
        .add(p.output().multiply(BigDecimal.valueOf(u.output())));
    return cost.movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
  }

  /** The built-in table, or the given file when set. */
  public static PriceTable load(String file) {
    try (InputStream in = file == null || file.isBlank() ? PriceTable.class.getResourceAsStream("/conf/pricing.yaml")
        : Files.newInputStream(Path.of(file))) {
      if (in == null) throw new IllegalStateException("conf/pricing.yaml is missing from the classpath");
      Map<String, Object> tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      return fromJson(new JsonObject(tree));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the price table " + file + ": " + e.getMessage(), e);
    }
  }

  static PriceTable fromJson(JsonObject j) {
    String version = String.valueOf(j.getValue("version", "unversioned"));
    JsonObject models = j.getJsonObject("models", new JsonObject());
    Map<String, Price> out = new TreeMap<>();
    for (String model : models.fieldNames()) {
      JsonObject m = models.getJsonObject(model);
      BigDecimal input = usd(m, "input", model);
      out.put(model, new Price(input, usd(m, "output", model), m.containsKey("cached_input") ? usd(m, "cached_input", model) : input));
    }
    return new PriceTable(version, Map.copyOf(out));
  }

  private static BigDecimal usd(JsonObject m, String key, String model) {
    Object v = m.getValue(key);
    if (!(v instanceof Number n) || n.doubleValue() < 0) {
      throw new IllegalArgumentException("pricing: model " + model + " needs a non-negative '" + key + "' (USD per million tokens)");
    }
    return new BigDecimal(n.toString());
  }
}
