package dev.sentinel.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The meters of one metric, one per label combination, built once and then found by a small key
 * record: the hot path hashes a record instead of building Micrometer tags and looking the meter
 * up in the registry on every step.
 *
 * @param <K> a record of the (already bounded) label values
 * @param <M> the meter
 */
final class MeterFamily<K, M> {

  private final Map<K, M> meters = new ConcurrentHashMap<>();
  private final Function<K, M> create;

  MeterFamily(Function<K, M> create) {
    this.create = create;
  }

  M get(K key) {
    M m = meters.get(key);
    return m != null ? m : meters.computeIfAbsent(key, create);
  }
}
