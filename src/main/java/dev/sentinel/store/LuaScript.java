package dev.sentinel.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One script of src/main/resources/lua, with the shared fragment _lib.lua put in front of it
 * (included, not pasted, so every script shares one definition of keys, fencing and indexes).
 * The SHA-1 is computed here, so callers can EVALSHA without asking Redis first.
 */
public record LuaScript(String name, String source, String sha) {

  private static final String LIB = "_lib.lua";

  public static LuaScript load(String name) {
    String source = read(LIB) + "\n-- ==== " + name + ".lua ====\n" + read(name + ".lua");
    return new LuaScript(name, source, sha1(source));
  }

  private static String read(String file) {
    try (InputStream in = LuaScript.class.getResourceAsStream("/lua/" + file)) {
      if (in == null) throw new IllegalStateException("missing Lua script on the classpath: lua/" + file);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read lua/" + file, e);
    }
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
