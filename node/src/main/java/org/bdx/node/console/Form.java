package org.bdx.node.console;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fields of a submitted form ({@code application/x-www-form-urlencoded}), each maybe many. */
final class Form {
  private final Map<String, List<String>> fields;

  private Form(Map<String, List<String>> fields) {
    this.fields = fields;
  }

  static Form parse(String encoded) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    if (encoded != null && !encoded.isEmpty()) {
      for (String pair : encoded.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String k = decode(eq < 0 ? pair : pair.substring(0, eq));
        String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
        m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
      }
    }
    return new Form(m);
  }

  /** A form holding one value per name, in order; empty values are left out. */
  static Form of(Map<String, String> values) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          if (v != null && !v.isEmpty()) {
            m.put(k, List.of(v));
          }
        });
    return new Form(m);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return ""; // a malformed escape: treated as an empty value, which validation then names
    }
  }

  /** The first value of {@code name}, stripped; empty if absent. */
  String get(String name) {
    List<String> v = fields.get(name);
    return v == null || v.isEmpty() ? "" : v.get(0).strip();
  }

  /** Every value of {@code name}, as sent. */
  List<String> all(String name) {
    return fields.getOrDefault(name, List.of());
  }

  /** The same fields without {@code name} (a draft is kept without the form's CSRF token). */
  Form without(String name) {
    Map<String, List<String>> m = new LinkedHashMap<>(fields);
    m.remove(name);
    return new Form(m);
  }

  /** How many characters the names and values hold, for bounding what a session keeps. */
  int chars() {
    int n = 0;
    for (Map.Entry<String, List<String>> e : fields.entrySet()) {
      for (String v : e.getValue()) {
        n += e.getKey().length() + v.length();
      }
    }
    return n;
  }

  /** The value split into one entry per line or comma, blanks dropped. */
  List<String> list(String name) {
    List<String> out = new ArrayList<>();
    for (String part : get(name).split("[\\r\\n,]+")) {
      if (!part.isBlank()) {
        out.add(part.strip());
      }
    }
    return out;
  }
}
