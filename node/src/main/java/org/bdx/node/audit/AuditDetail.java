package org.bdx.node.audit;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * The detail of an audit entry: {@code key=value} pairs separated by spaces. Values are ids,
 * versions, names of accounts and partners, field paths, kinds and counts; a character outside
 * {@code [A-Za-z0-9._,-]} becomes {@code ?}, so a value has no spaces, quotes or line breaks: it
 * cannot forge another pair or entry, and free text (a narrative, a searched phrase) comes out
 * mangled. What goes in is still the caller's choice: callers pass ids, never values (the tests
 * search with canaries and scan the log).
 */
public final class AuditDetail {
  private static final Pattern KEY = Pattern.compile("[a-z_]{1,32}");
  private static final int MAX_VALUE = 600;

  private final StringBuilder text = new StringBuilder();

  private AuditDetail() {}

  public static AuditDetail of() {
    return new AuditDetail();
  }

  /** Adds {@code key=value}; {@code value} as its string form, restricted as the class says. */
  public AuditDetail add(String key, Object value) {
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("an audit detail key is a lower-case word");
    }
    if (!text.isEmpty()) {
      text.append(' ');
    }
    text.append(key).append('=').append(clean(String.valueOf(value)));
    return this;
  }

  /** Adds {@code key=a,b,c}, or {@code key=} followed by {@code ifEmpty} when there are none. */
  public AuditDetail list(String key, Collection<?> values, String ifEmpty) {
    if (values.isEmpty()) {
      return add(key, ifEmpty);
    }
    StringBuilder joined = new StringBuilder();
    for (Object v : values) {
      if (!joined.isEmpty()) {
        joined.append(',');
      }
      joined.append(v);
    }
    return add(key, joined);
  }

  private static String clean(String v) {
    StringBuilder out = new StringBuilder(Math.min(v.length(), MAX_VALUE));
    for (int i = 0; i < v.length() && out.length() < MAX_VALUE; i++) {
      char c = v.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == ','
              || c == '-';
      out.append(allowed ? c : '?');
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return text.toString();
  }
}
