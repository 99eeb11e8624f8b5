package org.bdx.node.console;

import static org.bdx.node.console.Html.esc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import org.bdx.node.bulletin.BulletinWords;
import org.bdx.node.console.ConsoleServer.Answer;
import org.bdx.node.console.ConsoleServer.Apis;
import org.bdx.node.console.Sessions.Session;
import org.bdx.proto.v1.BulletinFormat;
import org.bdx.proto.v1.RenderBulletinRequest;
import org.bdx.proto.v1.RenderBulletinResponse;
import org.bdx.proto.v1.SendBulletinsRequest;
import org.bdx.proto.v1.SendBulletinsResponse;
import org.bdx.proto.v1.StaffRole;

/**
 * The bulletin page: the printable sheet of warnings for workers, previewed in the page, opened
 * alone to print, and (for coordinators) sent to the subscribers by e-mail.
 *
 * <p>The bulletin is the node's own self-contained HTML page, with its styles inline. The console's
 * policy forbids inline styles, so the bulletin is served at its own address with a policy of its
 * own (its inline styles, nothing fetched, no script, sandboxed) and shown in a frame that only
 * this console may make: the one page that frames it says so in its own policy.
 */
final class BulletinPages {
  /** The bulletin page's policy: the console's, and frames from this console only. */
  static final String FRAMING_CSP =
      ConsoleServer.CSP.replace("default-src 'none';", "default-src 'none'; frame-src 'self';");

  /**
   * The bulletin's own policy: its inline styles and nothing else; no script, no form, nothing
   * fetched; framed only by this console; sandboxed, so even a framed copy runs nothing.
   */
  static final String BULLETIN_CSP =
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none';"
          + " form-action 'none'; sandbox";

  private static final int DEFAULT_DAYS = 30;

  private final Clock clock;

  BulletinPages(Clock clock) {
    this.clock = clock;
  }

  /** The choices, and once chosen, how many warnings it holds, its preview and how to print. */
  Answer page(Session s, Apis api, String query) {
    Form q = Form.parse(query);
    String since = q.get("since").isEmpty() ? defaultSince() : q.get("since");
    String area = q.get("area");
    ConsoleWords w = s.words;
    // The bulletin in the console's language unless another is asked for.
    String lang = q.get("lang").isEmpty() ? w.language() : q.get("lang");
    StringBuilder b = new StringBuilder();
    b.append("<p>").append(w.esc("bulletin.intro")).append("</p>");
    String error = null;
    RenderBulletinResponse shown = null;
    if (!q.get("since").isEmpty()) {
      try {
        shown = api.client().renderBulletin(request(since, area, lang));
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT) {
          throw e;
        }
        error = e.getStatus().getDescription();
      }
    }
    b.append(choices(w, since, area, lang, error));
    if (shown != null) {
      String view = "/bulletin/view?" + query(since, area, lang);
      b.append("<section aria-labelledby=\"preview\"><h2 id=\"preview\">")
          .append(w.esc("bulletin.count", Map.of("count", shown.getAlertCount(), "since", since)))
          .append("</h2>")
          .append("<p>")
          .append(
              w.html(
                  "bulletin.print",
                  Map.of(
                      "link",
                      "<a href=\"" + esc(view) + "\">" + w.esc("bulletin.printLink") + "</a>")))
          .append("</p>")
          .append("<iframe class=\"bulletin\" title=\"")
          .append(w.esc("bulletin.frame"))
          .append("\" sandbox src=\"")
          .append(esc(view))
          .append("\"></iframe></section>");
    }
    if (s.who.mayAct(StaffRole.STAFF_ROLE_COORDINATOR)) {
      b.append(sendForm(s, since));
    }
    return Answer.page(
        error == null ? 200 : 400, Html.page(s, w.word("nav.bulletin"), b.toString()));
  }

  /** The bulletin alone, as the node made it, for the frame and for printing. */
  Answer view(Apis api, String query) {
    Form q = Form.parse(query);
    String since = q.get("since").isEmpty() ? defaultSince() : q.get("since");
    RenderBulletinResponse r =
        api.client().renderBulletin(request(since, q.get("area"), q.get("lang")));
    return Answer.page(r.getContent().toString(StandardCharsets.UTF_8));
  }

  /** Sends the bulletin to every subscriber and says what became of it. */
  Answer send(Session s, Apis api, Form form) {
    SendBulletinsResponse r =
        api.distribution()
            .sendBulletins(SendBulletinsRequest.newBuilder().setSince(form.get("since")).build());
    ConsoleWords w = s.words;
    StringBuilder b = new StringBuilder("<div role=\"status\">");
    if (r.getQueued() == 0) {
      b.append("<p class=\"note\">")
          .append(
              w.html(
                  "bulletin.noSubscriber", Map.of("command", "<code>bdx subscribers add</code>")))
          .append("</p>");
    } else {
      b.append("<p class=\"note\">")
          .append(w.esc("bulletin.sentTo", Map.of("count", r.getQueued())))
          .append("</p>");
    }
    b.append("<dl>");
    row(b, w.word("bulletin.delivered"), Integer.toString(r.getDelivered()));
    row(
        b,
        w.word("bulletin.stillWaiting"),
        r.getStillQueued() == 0
            ? w.word("bulletin.none")
            : w.format("bulletin.stillWaiting.count", Map.of("count", r.getStillQueued())));
    row(
        b,
        w.word("bulletin.givenUp"),
        r.getGivenUp() == 0
            ? w.word("bulletin.none")
            : w.format("bulletin.givenUp.count", Map.of("count", r.getGivenUp())));
    if (!r.getFailure().isEmpty()) {
      row(b, w.word("bulletin.lastProblem"), r.getFailure());
    }
    b.append("</dl></div><p><a href=\"/bulletin\">")
        .append(w.esc("bulletin.back"))
        .append("</a></p>");
    return Answer.page(Html.page(s, w.word("bulletin.sent"), b.toString()));
  }

  private String choices(ConsoleWords w, String since, String area, String lang, String error) {
    StringBuilder langs = new StringBuilder();
    for (String tag : BulletinWords.LANGUAGES) {
      langs
          .append("<option value=\"")
          .append(esc(tag))
          .append("\" lang=\"")
          .append(esc(tag))
          .append('"')
          .append(tag.equals(lang) ? " selected" : "")
          .append('>')
          .append(esc(languageName(tag)))
          .append("</option>");
    }
    return """
        <form method="get" action="/bulletin">
        %s
        <div class="field">
        <label for="since">%s</label>
        %s
        <input type="date" id="since" name="since" value="%s" required%s>
        </div>
        <div class="field">
        <label for="area">%s</label>
        <input type="text" id="area" name="area" value="%s">
        </div>
        <div class="field">
        <label for="lang">%s</label>
        <select id="lang" name="lang">%s</select>
        </div>
        <p><button type="submit">%s</button></p>
        </form>
        """
        .formatted(
            error == null
                ? ""
                : "<p class=\"error\" role=\"alert\">" + w.esc("bulletin.notMade") + "</p>",
            w.esc("bulletin.since"),
            Html.fieldError("since", error),
            esc(since),
            Html.invalidAttrs("since", error),
            w.esc("bulletin.area"),
            esc(area),
            w.esc("bulletin.language"),
            langs,
            w.esc("bulletin.show"));
  }

  private static String sendForm(Session s, String since) {
    return """
        <form method="post" action="/bulletin/send">
        %s
        <h2>%s</h2>
        <p>%s</p>
        <div class="field">
        <label for="send-since">%s</label>
        <input type="date" id="send-since" name="since" value="%s">
        </div>
        <p><button type="submit">%s</button></p>
        </form>
        """
        .formatted(
            Html.csrfField(s.csrf),
            s.words.esc("bulletin.sendHeading"),
            s.words.esc("bulletin.sendText"),
            s.words.esc("bulletin.since"),
            esc(since),
            s.words.esc("bulletin.send"));
  }

  private static RenderBulletinRequest request(String since, String area, String lang) {
    return RenderBulletinRequest.newBuilder()
        .setSince(since)
        .setArea(area)
        .setLang(lang)
        .setFormat(BulletinFormat.BULLETIN_FORMAT_HTML)
        .build();
  }

  private String defaultSince() {
    return LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(DEFAULT_DAYS).toString();
  }

  private static String query(String since, String area, String lang) {
    return "since="
        + URLEncoder.encode(since, StandardCharsets.UTF_8)
        + "&area="
        + URLEncoder.encode(area, StandardCharsets.UTF_8)
        + "&lang="
        + URLEncoder.encode(lang, StandardCharsets.UTF_8);
  }

  /** A language's own name for itself, then its English name where they differ. */
  static String languageName(String tag) {
    Locale l = Locale.forLanguageTag(tag);
    String own = l.getDisplayName(l);
    String english = l.getDisplayName(Locale.ENGLISH);
    own = own.isEmpty() ? tag : own.substring(0, 1).toUpperCase(l) + own.substring(1);
    return own.equals(english) ? own : own + " (" + english + ")";
  }

  private static void row(StringBuilder b, String name, String value) {
    b.append("<dt>").append(esc(name)).append("</dt><dd>").append(esc(value)).append("</dd>");
  }
}
