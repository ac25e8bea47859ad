package dev.sentinel.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a free loopback port in front of one upstream port, which can cut the link the
 * way a network partition does (the chaos test puts one between each worker and Redis):
 * <ul>
 *   <li>{@link #stall()}: nothing is forwarded either way and every connection stays open; new
 *       ones are accepted and held too. The client's commands hang. Whatever it sends meanwhile
 *       is kept and delivered in order on {@link #heal()}, as TCP delivers it once a partition
 *       heals: late, after the lease it was sent under may have expired.</li>
 *   <li>{@link #drop()}: every connection is reset (RST), and so is every new one as soon as it
 *       is accepted: the client sees its connections fail and cannot make new ones.</li>
 *   <li>{@link #heal()}: forward again (held bytes first).</li>
 * </ul>
 * Each of them returns once it is in force: after {@code stall()} or {@code drop()} returns, no
 * byte the client sends reaches the upstream, and no reply reaches the client, until
 * {@code heal()}. That is what lets the chaos checker say "the worker could not renew its lease
 * after this instant".
 *
 * <p>Plain JDK sockets and two threads per connection: no dependency (toxiproxy is not packaged
 * for this machine), a reset is one socket's SO_LINGER 0, and "in force" is a lock per direction
 * that a forwarding write holds, so a stall waits for a write in progress instead of racing it.
 * Test traffic only: a handful of connections per worker.
 */
public final class TcpProxy implements AutoCloseable {

  public enum Mode { PASS, STALL, DROP }

  private final String name;
  private final int upstreamPort;
  private final ServerSocket server;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger resets = new AtomicInteger();
  /** Written under {@code this}, together with the snapshot of links it applies to. */
  private volatile Mode mode = Mode.PASS;
  private volatile boolean closed;

  private TcpProxy(String name, int upstreamPort, ServerSocket server) {
    this.name = name;
    this.upstreamPort = upstreamPort;
    this.server = server;
  }

  /** Listens on a free loopback port; forwards to 127.0.0.1:{@code upstreamPort}. */
  public static TcpProxy start(String name, int upstreamPort) {
    try {
      ServerSocket server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      TcpProxy proxy = new TcpProxy(name, upstreamPort, server);
      daemon(name + "-accept", proxy::acceptLoop).start();
      return proxy;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the proxy " + name, e);
    }
  }

  public int port() { return server.getLocalPort(); }

  public Mode mode() { return mode; }

  /** Connections accepted so far, and how many of them a drop (or drop mode) reset. */
  public int connectionsAccepted() { return connections.get(); }

  public int connectionsReset() { return resets.get(); }

  /** Hold every byte both ways, on open and new connections alike; returns once nothing more is forwarded. */
  public void stall() {
    for (Link l : switchTo(Mode.STALL)) l.hold();
  }

  /** Reset every connection, and every new one on arrival; returns once all are closed. */
  public void drop() {
    for (Link l : switchTo(Mode.DROP)) l.close(true);
  }

  /** Forward again; a stalled connection delivers what it held, in order. */
  public void heal() {
    for (Link l : switchTo(Mode.PASS)) l.release();
  }

  /** The mode and the links it must be applied to, in one step with the acceptor's registration. */
  private synchronized List<Link> switchTo(Mode m) {
    mode = m;
    return List.copyOf(links);
  }

  private void acceptLoop() {
    while (!closed) {
      Socket down;
      try {
        down = server.accept();
      } catch (IOException e) {
        if (closed) return;
        continue;
      }
      connections.incrementAndGet();
      Link link;
      synchronized (this) {
        if (mode == Mode.DROP) {
          resets.incrementAndGet();
          reset(down);
          continue;
        }
        link = new Link(down, mode == Mode.STALL);
        links.add(link);
      }
      daemon(name + "-link", link::run).start();
    }
  }

  @Override public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Link l : List.copyOf(links)) l.close(true);
  }

  /** One client connection and its upstream twin, forwarded by one thread per direction. */
  private final class Link {
    private final Socket down;
    private volatile Socket up;
    private final Direction toUpstream;
    private final Direction toClient;
    private volatile boolean dead;
    private final AtomicBoolean closing = new AtomicBoolean();

    Link(Socket down, boolean held) {
      this.down = down;
      this.toUpstream = new Direction(held);
      this.toClient = new Direction(held);
    }

    void run() {
      try {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 2000);
        down.setTcpNoDelay(true);
        up = s;
        if (dead) {   // dropped while connecting
          reset(s);
          return;
        }
      } catch (IOException e) {   // the upstream is down (Redis killed): the client sees a reset, as if refused
        close(true);
        return;
      }
      daemon(name + "-reply", () -> toClient.pump(up, down)).start();
      toUpstream.pump(down, up);
    }

    void hold() {
      toUpstream.hold();
      toClient.hold();
    }

    void release() {
      toUpstream.release();
      toClient.release();
    }

    void close(boolean withReset) {
      dead = true;
      toUpstream.release();
      toClient.release();
      if (!closing.compareAndSet(false, true)) return;
      links.remove(this);
      if (withReset) resets.incrementAndGet();
      for (Socket s : new Socket[] {down, up}) {
        if (s == null) continue;   // still connecting: run() resets it once connected
        if (withReset) reset(s);
        else quietly(s);
      }
    }

    /** One direction: read, then (once not held) write, the write under this direction's lock. */
    private final class Direction {
      private boolean held;

      Direction(boolean held) { this.held = held; }

      synchronized void hold() { held = true; }   // waits for a write in progress

      synchronized void release() {
        held = false;
        notifyAll();
      }

      void pump(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try {
          InputStream in = from.getInputStream();
          OutputStream out = to.getOutputStream();
          while (true) {
            int n = in.read(buf);
            if (n < 0) break;
            synchronized (this) {
              while (held && !dead) wait();
              if (dead) return;
              out.write(buf, 0, n);
              out.flush();
            }
          }
        } catch (IOException e) {
          // a side went away (a reset, Redis killed): close the other side too
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (!dead) close(false);
      }
    }
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);   // close() now sends RST instead of FIN
    } catch (IOException ignored) {
      // already closed
    }
    quietly(s);
  }

  private static void quietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  private static Thread daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
