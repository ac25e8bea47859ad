package dev.sentinel.agent;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The registry of node kinds, by name: the built-in ones, those given by the caller (llm, http:
 * they need clients), and any {@link NodeHandler} on the class path found with
 * {@link ServiceLoader} (META-INF/services/NodeHandler). Built once at
 * start-up, then only read.
 */
public final class NodeKinds {

  private final Map<String, NodeHandler> kinds = new TreeMap<>();

  public static NodeKinds builtIn() {
    return new NodeKinds().register(new NoopNodeKind()).register(new TransformNodeHandler()).register(new BranchNodeHandler())
        .register(new WaitInputNodeKind()).register(new SleepNodeKind());
  }

  /** Adds the handlers found with ServiceLoader. */
  public NodeKinds withPlugins() {
    for (NodeHandler h : ServiceLoader.load(NodeHandler.class)) register(h);
    return this;
  }

  public NodeKinds register(NodeHandler kind) {
    String name = kind.name();
    if (name == null || name.isBlank()) throw new IllegalArgumentException("node kind " + kind.getClass().getName() + " has no name");
    NodeHandler before = kinds.putIfAbsent(name, kind);
    // a plugin's author needs to know which two classes clash, not only the name
    if (before != null) {
      throw new IllegalArgumentException("node kind '" + name + "' is registered twice: by " + before.getClass().getName()
          + " and by " + kind.getClass().getName());
    }
    return this;
  }

  public NodeHandler get(String name) {
    NodeHandler k = kinds.get(name);
    if (k == null) throw new IllegalStateException("unknown node kind '" + name + "' (known: " + kinds.keySet() + ")");
    return k;
  }

  public boolean has(String name) { return kinds.containsKey(name); }

  public Set<String> names() { return kinds.keySet(); }
}
