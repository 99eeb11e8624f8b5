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
   * A whole page: the navigation when someone is logged in, then {@code body}.
   *
   * @param who the logged-in account, or null on the login page
   * @param csrf the session's CSRF token, for the logout form
   */
  static String page(String title, Principal who, String csrf, String body) {
    String nav =
        who == null
            ? ""
            : """
              <nav aria-label="Main">
                <ul>
                  %s
                  <li><a href="/check">Check a number or plate</a></li>
                  %s
                </ul>
                <form method="post" action="/logout" class="logout">
                  %s
                  <span>Logged in as %s</span>
                  <button type="submit">Log out</button>
                </form>
              </nav>
              """
                .formatted(
                    // A viewer may not enter reports (the node would refuse): no link to offer it.
                    who.mayAct(StaffRole.STAFF_ROLE_INTAKE)
                        ? "<li><a href=\"/report\">New report</a></li>"
                        : "",
                    moreLinks(who),
                    csrfField(csrf),
                    esc(who.name()));
    return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>%s · bdx console</title>
        <link rel="stylesheet" href="/console.css">
        </head>
        <body>
        <header><p class="brand">bdx console</p>%s</header>
        <main id="main">
        <h1>%s</h1>
        %s
        </main>
        </body>
        </html>
        """
        .formatted(esc(title), nav, esc(title), body);
  }

  /** The bulletin for everyone; the network for coordinators, the only ones it answers. */
  private static String moreLinks(Principal who) {
    return "<li><a href=\"/bulletin\">Bulletin</a></li>"
        + (who.mayAct(StaffRole.STAFF_ROLE_COORDINATOR)
            ? "<li><a href=\"/network\">Partners and agreements</a></li>"
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

  /** The attributes that mark a field invalid and point at its message, or nothing. */
  static String invalidAttrs(String field, String message) {
    return message == null ? "" : " aria-invalid=\"true\" aria-describedby=\"" + field + "-error\"";
  }
}
