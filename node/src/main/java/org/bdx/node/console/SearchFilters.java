package org.bdx.node.console;

import static org.bdx.node.console.Html.esc;
import static org.bdx.node.console.Html.fieldError;
import static org.bdx.node.console.Html.invalidAttrs;

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
  private final Map<String, String> errors = new LinkedHashMap<>();

  private SearchFilters(String area, String since, String until) {
    this.area = area;
    this.since = since;
    this.until = until;
    LocalDate from = date("since", since, "The first date");
    LocalDate to = date("until", until, "The last date");
    if (from != null && to != null && from.isAfter(to)) {
      errors.put("until", "The last date is before the first date.");
    }
  }

  static SearchFilters none() {
    return new SearchFilters("", "", "");
  }

  static SearchFilters of(Form f) {
    return new SearchFilters(f.get("area"), f.get("since"), f.get("until"));
  }

  private LocalDate date(String field, String text, String name) {
    if (text.isEmpty()) {
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      errors.put(field, name + " is not a date. Write it as year-month-day, e.g. 2026-11-30.");
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
      b.append(" in ").append(area);
    }
    if (!since.isEmpty()) {
      b.append(" from ").append(since);
    }
    if (!until.isEmpty()) {
      b.append(since.isEmpty() ? " up to " : " to ").append(until);
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
        <fieldset class="filters"><legend>Narrow it down (optional)</legend>
        %s%s%s
        </fieldset>
        """
        .formatted(
            field("area", "Area", "text", area),
            field("since", "Incident on or after", "date", since),
            field("until", "Incident on or before", "date", until));
  }

  private String field(String name, String label, String type, String value) {
    String err = errors.get(name);
    return "<div class=\"field\"><label for=\""
        + name
        + "\">"
        + esc(label)
        + "</label>"
        + fieldError(name, err)
        + "<input type=\""
        + type
        + "\" id=\""
        + name
        + "\" name=\""
        + name
        + "\" value=\""
        + esc(value)
        + "\""
        + invalidAttrs(name, err)
        + "></div>";
  }
}
