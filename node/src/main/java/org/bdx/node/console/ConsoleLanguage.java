package org.bdx.node.console;

import com.sun.net.httpserver.HttpExchange;

/**
 * Which language a console request is answered in, and the switch that changes it.
 *
 * <p>The choice is kept in a long-lived cookie holding only the language tag, not with the staff
 * account: a language is not secret, the cookie needs no schema change, and it outlives logout and
 * a restart of the node, as a choice kept with the account would. On a browser several people
 * share, the last choice made there stays until someone changes it, one click away on every page.
 * Before anyone chooses, the browser's Accept-Language decides.
 */
final class ConsoleLanguage {
  /** The chosen language's cookie: only a language tag. */
  static final String COOKIE = "bdx_lang";

  private static final int COOKIE_SECONDS = 365 * 24 * 60 * 60;

  private ConsoleLanguage() {}

  /**
   * The language of this request: the one chosen in this browser (its cookie), else the best the
   * browser's Accept-Language offers, else English.
   */
  static ConsoleWords of(HttpExchange ex) {
    return ConsoleWords.find(ConsoleServer.cookie(ex, COOKIE))
        .orElseGet(
            () ->
                ConsoleWords.forAcceptLanguage(ex.getRequestHeaders().getFirst("Accept-Language")));
  }

  /**
   * Remembers the language the switch chose, in its cookie ({@code Secure} over TLS). A tag the
   * console does not speak changes nothing.
   */
  static void choose(HttpExchange ex, Form form, boolean secure) {
    ConsoleWords.find(form.get("lang"))
        .ifPresent(
            w ->
                ex.getResponseHeaders()
                    .add(
                        "Set-Cookie",
                        COOKIE
                            + "="
                            + w.language()
                            + "; Path=/; Max-Age="
                            + COOKIE_SECONDS
                            + "; HttpOnly; SameSite=Strict"
                            + (secure ? "; Secure" : "")));
  }

  /**
   * Where the language switch on the page answering this request returns to: the page itself when a
   * GET shows it, else the console's start.
   */
  static String backTo(String method, String path, String query) {
    if (method.equals("GET")) {
      return query.isEmpty() ? path : path + "?" + query;
    }
    return path.equals("/report") || path.equals("/check") || path.equals("/login") ? path : "/";
  }

  /** A path of this console to return to, or "/" for anything else (no open redirect). */
  static String safeBack(String back) {
    if (back == null
        || !back.startsWith("/")
        || back.startsWith("//")
        || back.contains("\\")
        || back.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      return "/";
    }
    return back;
  }
}
