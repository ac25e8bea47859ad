package dev.sentinel.testing;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real redis-server (on a free port, never 6379) and a Vert.x for tests: the one Redis fixture.
 * Per class, started before its first test and stopped after its last:
 * <pre>
 *   {@literal @}RegisterExtension static final RealRedis redis = new RealRedis();
 *   ... StoreFixture f = redis.fixture();   // a key prefix of its own per fixture
 * </pre>
 * or per test, for tests that count everything in Redis or that a node under test writes to
 * without a prefix (started before each {@code @BeforeEach}, stopped after each {@code @AfterEach}):
 * <pre>
 *   {@literal @}RegisterExtension final RealRedis redis = RealRedis.perTest();
 * </pre>
 */
public final class RealRedis implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private final boolean perTest;
  private RedisServerProcess server;
  private Vertx vertx;

  public RealRedis() {
    this(false);
  }

  private RealRedis(boolean perTest) {
    this.perTest = perTest;
  }

  /** A fresh Redis for every test of the class (register it on an instance field). */
  public static RealRedis perTest() {
    return new RealRedis(true);
  }

  @Override public void beforeAll(ExtensionContext context) {
    if (!perTest) start();
  }

  @Override public void afterAll(ExtensionContext context) {
    if (!perTest) stop();
  }

  @Override public void beforeEach(ExtensionContext context) {
    if (perTest) start();
  }

  @Override public void afterEach(ExtensionContext context) {
    if (perTest) stop();
  }

  private void start() {
    server = RedisServerProcess.start();
  }

  private void stop() {
    try {
      if (vertx != null) vertx.close().await();
    } finally {
      vertx = null;
      server.close();
    }
  }

  public String url() { return server.url(); }

  /** The server process itself, for tests that pause, kill or restart it. */
  public RedisServerProcess server() { return server; }

  /** A Vert.x for this Redis's fixtures, made on first use and closed with the Redis. */
  public Vertx vertx() {
    if (vertx == null) vertx = Vertx.vertx();
    return vertx;
  }

  /** A store on this Redis under a fresh key prefix, so the tests of a class never see each other's keys. */
  public StoreFixture fixture() { return new StoreFixture(vertx(), server.url()); }
}
