package org.bdx.node.bulletin;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bdx.node.search.PhoneNumbers;
import org.bdx.node.text.VisibleText;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.TimeOfDay;
import org.bdx.proto.v1.WorkSetting;

/**
 * A bulletin as plain text (UTF-8), for a text message, an e-mail's text part or a quick look in a
 * terminal: harm words in capitals, one identifier to a line. Partners' text goes through {@link
 * VisibleText#oneLine}, so it can neither forge a line nor reorder one.
 */
public final class TextBulletin implements BulletinFormat {
  @Override
  public String mediaType() {
    return "text/plain; charset=utf-8";
  }

  @Override
  public byte[] render(Bulletin b, BulletinWords w) {
    StringBuilder out = new StringBuilder();
    String title = w.upper(w.word("title"));
    out.append(title).append('\n').append("=".repeat(Math.min(60, title.length()))).append('\n');
    out.append(Parts.period(b, w)).append('\n');
    out.append(Parts.made(b, w)).append(" · ").append(w.count(b.count())).append("\n\n");
    if (b.areas().isEmpty()) {
      out.append(w.word("none")).append("\n\n");
    }
    for (BulletinArea area : b.areas()) {
      out.append("## ")
          .append(Parts.areaName(area, w))
          .append(" (")
          .append(w.count(area.entries().size()))
          .append(")\n\n");
      for (BulletinEntry e : area.entries()) {
        entry(out, e, w);
        out.append('\n');
      }
    }
    out.append("----\n")
        .append(w.word("footer.heading"))
        .append(' ')
        .append(Parts.footer(b, w))
        .append('\n');
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void entry(StringBuilder out, BulletinEntry e, BulletinWords w) {
    AlertFields f = e.shown();
    out.append("* ").append(String.join(" · ", Parts.when(f, w)));
    if (e.updated()) {
      out.append("  [").append(w.upper(w.word("updated"))).append(']');
    }
    if (e.repeat()) {
      out.append("  [").append(w.upper(w.word("repeat"))).append(']');
    }
    out.append('\n');
    List<String> harms = new ArrayList<>();
    for (HarmCategory h : f.getHarmsList()) {
      harms.add(w.harm(h));
    }
    if (!harms.isEmpty()) {
      out.append("  ").append(w.upper(w.list(harms))).append('\n');
    }
    if (f.getSeverity() != Severity.SEVERITY_UNSPECIFIED
        && f.getSeverity() != Severity.UNRECOGNIZED) {
      line(out, w.word("label.severity"), w.severity(f.getSeverity()));
    }
    lines(
        out,
        w.word("label.phones"),
        f.getPhoneNumbersList().stream().map(PhoneNumbers::forReading).toList());
    line(out, w.word("label.plate"), f.getVehiclePlate());
    line(out, w.word("label.vehicle"), f.getVehicleDescription());
    lines(out, w.word("label.handles"), f.getOnlineHandlesList());
    lines(out, w.word("label.names"), f.getNamesUsedList());
    line(out, w.word("label.description"), f.getAggressorDescription());
    line(out, w.word("label.modus"), f.getModusOperandi());
    if (f.getLanguagesCount() > 0) {
      line(out, w.word("label.languages"), String.join(", ", f.getLanguagesList()));
    }
    if (!e.source().isEmpty()) {
      out.append("  ")
          .append(VisibleText.oneLine(w.format("source", Map.of("org", e.source()))))
          .append('\n');
    }
  }

  private static void lines(StringBuilder out, String label, List<String> values) {
    for (String v : values) {
      line(out, label, v);
    }
  }

  private static void line(StringBuilder out, String label, String value) {
    if (value != null && !value.isBlank()) {
      out.append("  ").append(label).append(": ").append(VisibleText.oneLine(value)).append('\n');
    }
  }

  /** The pieces both formats share, in the bulletin's language. */
  static final class Parts {
    private Parts() {}

    static String period(Bulletin b, BulletinWords w) {
      String since = w.date(b.since());
      return VisibleText.oneLine(
          b.area().isEmpty()
              ? w.format("period", Map.of("since", since))
              : w.format("period.area", Map.of("since", since, "area", b.area())));
    }

    static String made(Bulletin b, BulletinWords w) {
      return VisibleText.oneLine(
          w.format("made", Map.of("org", b.organization(), "date", w.longDate(b.madeOn()))));
    }

    static String areaName(BulletinArea a, BulletinWords w) {
      return a.name().isEmpty() ? w.word("area.unknown") : VisibleText.oneLine(a.name());
    }

    static String footer(Bulletin b, BulletinWords w) {
      return b.footer().isEmpty() ? w.word("footer.default") : VisibleText.oneLine(b.footer());
    }

    /** Date, time of day and setting, those that are shown. */
    static List<String> when(AlertFields f, BulletinWords w) {
      List<String> parts = new ArrayList<>();
      if (!f.getIncidentDate().isEmpty()) {
        parts.add(date(f.getIncidentDate(), w));
      }
      if (f.getTimeOfDay() != TimeOfDay.TIME_OF_DAY_UNSPECIFIED
          && f.getTimeOfDay() != TimeOfDay.UNRECOGNIZED) {
        parts.add(w.time(f.getTimeOfDay()));
      }
      if (f.getWorkSetting() != WorkSetting.WORK_SETTING_UNSPECIFIED
          && f.getWorkSetting() != WorkSetting.UNRECOGNIZED) {
        parts.add(w.setting(f.getWorkSetting()));
      }
      return parts;
    }

    private static String date(String iso, BulletinWords w) {
      try {
        return w.date(java.time.LocalDate.parse(iso));
      } catch (java.time.format.DateTimeParseException e) {
        return VisibleText.oneLine(iso);
      }
    }
  }
}
