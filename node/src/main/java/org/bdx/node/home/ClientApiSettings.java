package org.bdx.node.home;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/**
 * How the client API is served (spec API-2). With {@code client.tls=on} in the node's settings it
 * speaks TLS 1.3 with the node's own certificate, which tools pin by the node id, so it may listen
 * on an address other machines reach; with {@code off} (the default) it speaks plaintext and must
 * stay on loopback.
 *
 * @param tls whether the client API speaks TLS
 */
public record ClientApiSettings(boolean tls) {
  public static final ClientApiSettings DEFAULTS = new ClientApiSettings(false);

  public static final String KEY_TLS = "client.tls";

  /** The settings in the node's settings file; the defaults for what it does not say. */
  public static ClientApiSettings load(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    String v = p.getProperty(KEY_TLS, "off").strip().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "on", "true", "yes" -> new ClientApiSettings(true);
      case "off", "false", "no", "" -> DEFAULTS;
      default -> throw new IllegalArgumentException(file + ": " + KEY_TLS + " must be on or off");
    };
  }
}
