package org.bdx.node.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The fixed words of one language, as a UTF-8 {@code words/<language>.properties} resource beside
 * the class that uses them (bulletins, e-mail), read exactly as written.
 */
public final class WordBundles {
  private WordBundles() {}

  /**
   * The bundle {@code words/<language>.properties} next to {@code owner}.
   *
   * @throws IllegalStateException if there is none: a language listed without its bundle is a build
   *     error, caught by each bundle's completeness test
   */
  public static Map<String, String> read(Class<?> owner, String language) {
    String name = "words/" + language + ".properties";
    try (InputStream in = owner.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("no bundle " + name);
      }
      Properties p = new Properties();
      try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        p.load(r);
      }
      Map<String, String> m = new HashMap<>();
      p.forEach((k, v) -> m.put((String) k, (String) v));
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
