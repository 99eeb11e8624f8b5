package org.bdx.node.console;

import com.google.common.escape.Escaper;
import com.google.common.html.HtmlEscapers;
import org.bdx.node.access.Principal;
import org.bdx.proto.v1.StaffRole;

/**
 * The page frame and the small pieces every page uses. Pages are written as Java text blocks, and
 * every value that came from a person or a partner goes through {@link #esc}: the escaping is at
 * the one place text enters markup.
 */
final class Html {
  private static final Escaper ESCAPER = HtmlEscapers.htmlEscaper();

  private Html() {}

  static String esc(String s) {
    return s == null ? "" : ESCAPER.escape(s);
  }

  /**
   * A whole page: the language switch, the navigation when someone is logged in, then {@code body}.
   *
   * @param w the words of the page's language, which also sets {@code <html lang>}
   * @param who the logged-in account, or null on the login page
   * @param csrf the session's CSRF token, for the header's forms; null shows no form at all
   * @param back where the language switch returns to: this page's own path
   */
  static String page(
      ConsoleWords w, String title, Principal who, String csrf, String back, String body) {
    String nav =
        who == null
            ? ""
            : """
              <nav aria-label="%s">
                <ul>
                  %s
                  <li><a href="/check">%s</a></li>
                  %s
                </ul>
                <form method="post" action="/logout" class="logout">
                  %s
                  <span>%s</span>
                  <button type="submit">%s</button>
                </form>
              </nav>
              """
                .formatted(
                    w.esc("nav.label"),
                    // A viewer may not enter reports (the node would refuse): no link to offer it.
                    who.mayAct(StaffRole.STAFF_ROLE_INTAKE)
                        ? "<li><a href=\"/report\">" + w.esc("nav.report") + "</a></li>"
                        : "",
                    w.esc("nav.check"),
                    moreLinks(w, who),
                    csrfField(csrf),
                    w.esc("nav.loggedIn", java.util.Map.of("name", who.name())),
                    w.esc("nav.logout"));
    return """
        <!DOCTYPE html>
        <html lang="%s" dir="%s">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>%s</title>
        <link rel="stylesheet" href="/console.css">
        </head>
        <body>
        <header><p class="brand">%s</p>%s%s</header>
        <main id="main">
        <h1>%s</h1>
        %s
        </main>
        </body>
        </html>
        """
        .formatted(
            esc(w.language()),
            w.dir(),
            w.esc("page.title", java.util.Map.of("title", title)),
            w.esc("brand"),
            csrf == null ? "" : languageSwitch(w, csrf, back),
            nav,
            esc(title),
            body);
  }

  /**
   * The language switch: each language in its own name (and marked as that language, so a screen
   * reader says it rightly), posted with the CSRF token; no script, so a button sends it.
   */
  static String languageSwitch(ConsoleWords w, String csrf, String back) {
    StringBuilder options = new StringBuilder();
    for (String l : ConsoleWords.LANGUAGES) {
      options
          .append("<option value=\"")
          .append(esc(l))
          .append("\" lang=\"")
          .append(esc(l))
          .append("\"")
          .append(l.equals(w.language()) ? " selected" : "")
          .append(">")
          .append(esc(ConsoleWords.ownName(l)))
          .append("</option>");
    }
    return """
        <form method="post" action="/language" class="language">
        %s
        <input type="hidden" name="back" value="%s">
        <label for="console-lang">%s</label>
        <select id="console-lang" name="lang">%s</select>
        <button type="submit">%s</button>
        </form>
        """
        .formatted(
            csrfField(csrf),
            esc(back == null ? "/" : back),
            w.esc("language.label"),
            options,
            w.esc("language.change"));
  }

  /** A whole page in the session's language, for its person. */
  static String page(Sessions.Session s, String title, String body) {
    return page(s.words, title, s.who, s.csrf, s.back, body);
  }

  /** The bulletin for everyone; the network for coordinators, the only ones it answers. */
  private static String moreLinks(ConsoleWords w, Principal who) {
    return "<li><a href=\"/bulletin\">"
        + w.esc("nav.bulletin")
        + "</a></li>"
        + (who.mayAct(StaffRole.STAFF_ROLE_COORDINATOR)
            ? "<li><a href=\"/network\">" + w.esc("nav.network") + "</a></li>"
            : "");
  }

  static String csrfField(String csrf) {
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(csrf) + "\">";
  }

  /** An error message tied to its field for screen readers ({@code aria-describedby}). */
  static String fieldError(String field, String message) {
    return message == null
        ? ""
        : "<p class=\"error\" id=\"" + field + "-error\">" + esc(message) + "</p>";
  }

  /**
   * One labelled field: its label ({@code labelHtml}, already escaped), its error message when it
   * has one, and the control.
   */
  static String labelled(String name, String labelHtml, String error, String control) {
    return "<div class=\"field\"><label for=\""
        + name
        + "\">"
        + labelHtml
        + "</label>"
        + fieldError(name, error)
        + control
        + "</div>";
  }

  /**
   * A labelled {@code <input>} holding {@code value}; {@code attrs} are further attributes, each
   * with a leading space, already escaped.
   */
  static String labelledInput(
      String name, String labelHtml, String type, String value, String attrs, String error) {
    return labelled(
        name,
        labelHtml,
        error,
        "<input type=\""
            + type
            + "\" id=\""
            + name
            + "\" name=\""
            + name
            + "\" value=\""
            + esc(value)
            + "\""
            + attrs
            + invalidAttrs(name, error)
            + ">");
  }

  /** The attributes that mark a field invalid and point at its message, or nothing. */
  static String invalidAttrs(String field, String message) {
    return message == null ? "" : " aria-invalid=\"true\" aria-describedby=\"" + field + "-error\"";
  }
}
