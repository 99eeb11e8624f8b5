package org.bdx.node.bulletin;

import com.google.common.escape.Escaper;
import com.google.common.html.HtmlEscapers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.bdx.node.search.PhoneNumbers;
import org.bdx.node.text.VisibleText;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Severity;

/**
 * A bulletin as one self-contained HTML page (UTF-8): inline CSS, no scripts, no images, nothing
 * fetched. Made for a phone first and for print: one column, large bold harm words and identifiers,
 * each warning a card that does not break across pages. A PDF is made from this page.
 *
 * <p>Every piece of text, partners' and the bundles' alike, goes through {@link VisibleText} and
 * then a real HTML escaper, so a partner's {@code <script>} is shown as text and a bidirectional
 * override is shown as a visible escape instead of reordering a phone number.
 */
public final class HtmlBulletin implements BulletinFormat {
  private static final Escaper HTML = HtmlEscapers.htmlEscaper();

  static final String STYLE =
      """
      *{box-sizing:border-box}
      body{max-width:720px;margin:0 auto;padding:12px;font-family:"Noto Sans","Helvetica Neue",Arial,sans-serif;\
      font-size:17px;line-height:1.4;color:#111;background:#fff}
      header{border-bottom:4px solid #111;padding-bottom:8px;margin-bottom:12px}
      h1{font-size:28px;margin:0 0 4px}
      .meta{margin:2px 0;font-size:16px}
      .count{font-weight:700}
      h2{font-size:22px;margin:20px 0 8px;padding:6px 10px;background:#111;color:#fff;\
      border-radius:4px}
      .keep{break-inside:avoid;page-break-inside:avoid}
      .card{border:2px solid #111;border-radius:6px;padding:10px 12px;margin:0 0 12px;\
      break-inside:avoid;page-break-inside:avoid}
      .when{font-size:16px;color:#333;margin:0 0 4px}
      .updated{display:inline-block;font-size:14px;font-weight:700;padding:1px 8px;\
      border:2px solid #111;border-radius:10px;margin-left:6px;text-transform:uppercase}
      .harms{font-size:22px;font-weight:800;margin:2px 0 6px;color:#a00000}
      .sev{font-size:16px;margin:0 0 6px}
      .sev .k{font-size:15px;color:#333;margin-right:6px}
      .id{font-size:22px;font-weight:800;margin:2px 0;word-break:break-all}
      .id .k,.row .k{font-size:15px;font-weight:400;color:#333;margin-right:6px}
      .row{margin:4px 0}
      .source{font-size:14px;color:#333;margin-top:6px}
      .none{font-size:20px;margin:24px 0}
      footer{border-top:4px solid #111;margin-top:20px;padding-top:8px;font-size:18px}
      footer b{display:block;font-size:20px}
      @media print{body{padding:0;font-size:12pt}h2{background:none;color:#111;\
      border:2px solid #111}.harms{color:#111}}
      """;

  @Override
  public String mediaType() {
    return "text/html; charset=utf-8";
  }

  @Override
  public byte[] render(Bulletin b, BulletinWords w) {
    return page(b, w, "", "").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The page, with {@code extraStyle} after the page's own rules and {@code bodyStart} (markup,
   * already escaped) first in its body. Well-formed XML as well as HTML (void elements closed), so
   * the PDF renderer's XML parser reads the same page a browser does.
   */
  static String page(Bulletin b, BulletinWords w, String extraStyle, String bodyStart) {
    StringBuilder out = new StringBuilder(4096);
    out.append("<!DOCTYPE html>\n<html lang=\"")
        .append(esc(w.language()))
        .append("\">\n<head>\n<meta charset=\"utf-8\"/>\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
        .append("<title>")
        .append(esc(w.word("title") + " · " + b.organization()))
        .append("</title>\n<style>\n")
        .append(STYLE)
        .append(extraStyle)
        .append("</style>\n</head>\n<body>\n")
        .append(bodyStart)
        .append("<header>\n<h1>")
        .append(esc(w.word("title")))
        .append("</h1>\n<p class=\"meta\">")
        .append(esc(TextBulletin.Parts.period(b, w)))
        .append("</p>\n<p class=\"meta\">")
        .append(esc(TextBulletin.Parts.made(b, w)))
        .append(" · <span class=\"count\">")
        .append(esc(w.count(b.count())))
        .append("</span></p>\n</header>\n<main>\n");
    if (b.areas().isEmpty()) {
      out.append("<p class=\"none\">").append(esc(w.word("none"))).append("</p>\n");
    }
    for (BulletinArea area : b.areas()) {
      // The area's name and its first warning stay on one page: a name alone at a page's
      // foot reads as an area with no warnings.
      out.append("<section>\n<div class=\"keep\">\n<h2>")
          .append(esc(TextBulletin.Parts.areaName(area, w)))
          .append(" · ")
          .append(esc(w.count(area.entries().size())))
          .append("</h2>\n");
      for (int i = 0; i < area.entries().size(); i++) {
        entry(out, area.entries().get(i), w);
        if (i == 0) {
          out.append("</div>\n");
        }
      }
      out.append("</section>\n");
    }
    out.append("</main>\n<footer><b>")
        .append(esc(w.word("footer.heading")))
        .append("</b>")
        .append(esc(TextBulletin.Parts.footer(b, w)))
        .append("</footer>\n</body>\n</html>\n");
    return out.toString();
  }

  private static void entry(StringBuilder out, BulletinEntry e, BulletinWords w) {
    AlertFields f = e.shown();
    out.append("<article class=\"card\">\n<p class=\"when\">")
        .append(esc(String.join(" · ", TextBulletin.Parts.when(f, w))));
    if (e.updated()) {
      out.append("<span class=\"updated\">").append(esc(w.word("updated"))).append("</span>");
    }
    if (e.repeat()) {
      out.append("<span class=\"updated repeat\">").append(esc(w.word("repeat"))).append("</span>");
    }
    out.append("</p>\n");
    List<String> harms =
        f.getHarmsList().stream().filter(h -> h != HarmCategory.UNRECOGNIZED).map(w::harm).toList();
    if (!harms.isEmpty()) {
      out.append("<p class=\"harms\">").append(esc(w.list(harms))).append("</p>\n");
    }
    if (f.getSeverity() != Severity.SEVERITY_UNSPECIFIED
        && f.getSeverity() != Severity.UNRECOGNIZED) {
      out.append("<p class=\"sev\"><span class=\"k\">")
          .append(esc(w.word("label.severity")))
          .append("</span><b>")
          .append(esc(w.severity(f.getSeverity())))
          .append("</b></p>\n");
    }
    for (String phone : f.getPhoneNumbersList()) {
      identifier(out, w.word("label.phones"), PhoneNumbers.forReading(phone));
    }
    identifier(out, w.word("label.plate"), f.getVehiclePlate());
    for (String handle : f.getOnlineHandlesList()) {
      identifier(out, w.word("label.handles"), handle);
    }
    for (String name : f.getNamesUsedList()) {
      identifier(out, w.word("label.names"), name);
    }
    row(out, w.word("label.vehicle"), f.getVehicleDescription());
    row(out, w.word("label.description"), f.getAggressorDescription());
    row(out, w.word("label.modus"), f.getModusOperandi());
    if (f.getLanguagesCount() > 0) {
      row(out, w.word("label.languages"), String.join(", ", f.getLanguagesList()));
    }
    if (!e.source().isEmpty()) {
      out.append("<p class=\"source\">")
          .append(esc(w.format("source", Map.of("org", e.source()))))
          .append("</p>\n");
    }
    out.append("</article>\n");
  }

  private static void identifier(StringBuilder out, String label, String value) {
    if (!value.isBlank()) {
      out.append("<p class=\"id\"><span class=\"k\">")
          .append(esc(label))
          .append("</span><bdi>")
          .append(esc(value))
          .append("</bdi></p>\n");
    }
  }

  private static void row(StringBuilder out, String label, String value) {
    if (!value.isBlank()) {
      out.append("<p class=\"row\"><span class=\"k\">")
          .append(esc(label))
          .append("</span>")
          .append(esc(value))
          .append("</p>\n");
    }
  }

  /** Shown safely ({@link VisibleText#oneLine}), then HTML-escaped. */
  static String esc(String s) {
    return HTML.escape(VisibleText.oneLine(s));
  }
}
