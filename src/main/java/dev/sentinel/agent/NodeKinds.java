package dev.sentinel.agent;

import java.util.Map;
import java.util.TreeMap;

/** The registry of node kinds, by name. Built once at start-up and then only read. */
public final class NodeKinds {

  private final Map<String, NodeKind> kinds = new TreeMap<>();

  public static NodeKinds builtIn() {
    return new NodeKinds().register(new NoopNodeKind());
  }

  public NodeKinds register(NodeKind kind) {
    if (kinds.putIfAbsent(kind.name(), kind) != null) {
      throw new IllegalArgumentException("node kind " + kind.name() + " is registered twice");
    }
    return this;
  }

  public NodeKind get(String name) {
    NodeKind k = kinds.get(name);
    if (k == null) throw new IllegalStateException("unknown node kind '" + name + "' (known: " + kinds.keySet() + ")");
    return k;
  }

  public boolean has(String name) { return kinds.containsKey(name); }
}
