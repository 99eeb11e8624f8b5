package org.bdx.node.search;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bdx.node.store.IndexEntry;
import org.bdx.node.store.Indexer;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.HarmCategory;

/**
 * What of an alert can be searched, normalised the same way queries are ({@link AlertSearch}): the
 * phone numbers in E.164 form, the plate in canonical form ({@link Plates}), the known harms, the
 * area lower-cased, and the descriptive text for word search. Only the fields disclosed to this
 * node are ever indexed, because only those are stored.
 */
public final class AlertIndex implements Indexer {

  @Override
  public IndexEntry entry(AlertFields f) {
    Set<String> phones = new LinkedHashSet<>();
    for (String p : f.getPhoneNumbersList()) {
      if (PhoneNumbers.isE164(p)) {
        phones.add(p);
      }
    }
    Set<Integer> harms = new LinkedHashSet<>();
    for (int h : f.getHarmsValueList()) {
      HarmCategory known = HarmCategory.forNumber(h);
      if (known != null && known != HarmCategory.HARM_CATEGORY_UNSPECIFIED) {
        harms.add(h);
      }
    }
    return new IndexEntry(
        isDateShape(f.getIncidentDate()) ? f.getIncidentDate() : "",
        areaKey(f.getArea()),
        plateKey(f.getVehiclePlate()),
        phones,
        harms,
        textBody(f));
  }

  /** The area as matched by search: stripped and lower-cased. */
  public static String areaKey(String area) {
    return area == null ? "" : area.strip().toLowerCase(Locale.ROOT);
  }

  private static String plateKey(String plate) {
    try {
      return Plates.canonical(plate);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /** The words of the descriptive fields; never the narrative, which alerts do not carry. */
  private static String textBody(AlertFields f) {
    List<String> parts = new ArrayList<>();
    parts.add(f.getAggressorDescription());
    parts.addAll(f.getNamesUsedList());
    parts.addAll(f.getOnlineHandlesList());
    parts.add(f.getVehicleDescription());
    parts.add(f.getArea());
    parts.add(f.getModusOperandi());
    return String.join("\n", parts);
  }

  /**
   * {@code [0-9]{4}-[0-9]{2}-[0-9]{2}}: the shape only, not a calendar check. By hand rather than
   * with a regular expression: every received alert is indexed, and the regex engine showed in the
   * catch-up profile (docs/benchmarks.md).
   */
  static boolean isDateShape(String s) {
    if (s.length() != 10) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      char c = s.charAt(i);
      boolean ok = (i == 4 || i == 7) ? c == '-' : (c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
