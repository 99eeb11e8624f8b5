package org.bdx.node.console;

import static org.bdx.node.console.Html.esc;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bdx.proto.v1.SearchAlertsRequest;

/**
 * The check page's filters beside the one box: an area and a range of incident dates, as {@link
 * SearchAlertsRequest} takes them. The dates are checked here only so that a mistake is said in
 * plain words next to its field; the node checks them again.
 */
final class SearchFilters {
  private final String area;
  private final String since;
  private final String until;
  private final ConsoleWords w;
  private final Map<String, String> errors = new LinkedHashMap<>();

  private SearchFilters(String area, String since, String until, ConsoleWords w) {
    this.area = area;
    this.since = since;
    this.until = until;
    this.w = w;
    LocalDate from = date("since", since, "filters.sinceBad");
    LocalDate to = date("until", until, "filters.untilBad");
    if (from != null && to != null && from.isAfter(to)) {
      errors.put("until", w.word("filters.order"));
    }
  }

  static SearchFilters none(ConsoleWords w) {
    return new SearchFilters("", "", "", w);
  }

  static SearchFilters of(Form f, ConsoleWords w) {
    return new SearchFilters(f.get("area"), f.get("since"), f.get("until"), w);
  }

  private LocalDate date(String field, String text, String problemKey) {
    if (text.isEmpty()) {
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      errors.put(field, w.word(problemKey));
      return null;
    }
  }

  boolean isEmpty() {
    return area.isEmpty() && since.isEmpty() && until.isEmpty();
  }

  boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** Adds the filters to a search. */
  SearchAlertsRequest.Builder applyTo(SearchAlertsRequest.Builder req) {
    return req.setArea(area).setSince(since).setUntil(until);
  }

  /** What the filters narrowed the search to, in words, e.g. " in Eastside from 2026-11-01". */
  String describe() {
    StringBuilder b = new StringBuilder();
    if (!area.isEmpty()) {
      b.append(' ').append(w.format("filters.in", java.util.Map.of("area", area)));
    }
    if (!since.isEmpty() && !until.isEmpty()) {
      b.append(' ')
          .append(w.format("filters.between", java.util.Map.of("since", since, "until", until)));
    } else if (!since.isEmpty()) {
      b.append(' ').append(w.format("filters.from", java.util.Map.of("since", since)));
    } else if (!until.isEmpty()) {
      b.append(' ').append(w.format("filters.upTo", java.util.Map.of("until", until)));
    }
    return b.toString();
  }

  /** The filters as hidden fields, so another reading of the same box keeps them. */
  String hiddenFields() {
    return hidden("area", area) + hidden("since", since) + hidden("until", until);
  }

  private static String hidden(String name, String value) {
    return value.isEmpty()
        ? ""
        : "<input type=\"hidden\" name=\"" + name + "\" value=\"" + esc(value) + "\">";
  }

  /** The filter fields, filled with what was asked and any mistake next to its field. */
  String render() {
    return """
        <fieldset class="filters"><legend>%s</legend>
        %s%s%s
        </fieldset>
        """
        .formatted(
            w.esc("filters.legend"),
            field("area", w.word("row.area"), "text", area),
            field("since", w.word("filters.since"), "date", since),
            field("until", w.word("filters.until"), "date", until));
  }

  private String field(String name, String label, String type, String value) {
    return Html.labelledInput(name, esc(label), type, value, "", errors.get(name));
  }
}
