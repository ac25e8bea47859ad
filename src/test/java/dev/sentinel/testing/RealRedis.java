package dev.sentinel.testing;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real redis-server (on a free port, never 6379) and one Vert.x for a test class, started
 * before its first test and stopped after its last:
 * <pre>
 *   {@literal @}RegisterExtension static final RealRedis redis = new RealRedis();
 *   ... StoreFixture f = redis.fixture();   // a key prefix of its own per fixture
 * </pre>
 */
public final class RealRedis implements BeforeAllCallback, AfterAllCallback {

  private RedisServerProcess server;
  private Vertx vertx;

  @Override public void beforeAll(ExtensionContext context) {
    server = RedisServerProcess.start();
    vertx = Vertx.vertx();
  }

  @Override public void afterAll(ExtensionContext context) {
    vertx.close().await();
    server.close();
  }

  public String url() { return server.url(); }

  public Vertx vertx() { return vertx; }

  /** A store on this Redis under a fresh key prefix, so the tests of a class never see each other's keys. */
  public StoreFixture fixture() { return new StoreFixture(vertx, server.url()); }
}
