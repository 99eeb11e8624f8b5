package org.bdx.node.stats;

import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.ibm.icu.text.Collator;
import com.ibm.icu.util.ULocale;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bdx.node.intake.Vocabulary;
import org.bdx.node.store.CurrentAlerts;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.WorkSetting;

/**
 * Counts the alerts this node holds by month, harm, area or work setting (spec STAT-2): its own and
 * received ones apart, over every current alert a search could show. Areas are sealed at rest
 * (AR-6), so each alert is opened and counted here, in the node; the raw counts never leave this
 * class, only {@link Cell}s suppressed below 5 (STAT-3).
 */
public final class AlertCounter {
  /** Areas shown one by one; the rest are counted together as "other areas". */
  public static final int MAX_AREAS = 50;

  private final CurrentAlerts alerts;
  private final Clock clock;
  private final int maxAreas;

  public AlertCounter(CurrentAlerts alerts, Clock clock) {
    this(alerts, clock, MAX_AREAS);
  }

  AlertCounter(CurrentAlerts alerts, Clock clock, int maxAreas) {
    this.alerts = Objects.requireNonNull(alerts, "alerts");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxAreas = maxAreas;
  }

  /** Raw counts of one group while counting. */
  private static final class Tally {
    int own;
    int received;
    String name = "";
    String nameDate = "";

    int total() {
      return own + received;
    }
  }

  /**
   * @param since first incident date, or null
   * @param until last incident date, or null; not before {@code since}
   */
  public AlertCounts count(LocalDate since, LocalDate until, Grouping by) {
    Objects.requireNonNull(by, "by");
    if (since != null && until != null && until.isBefore(since)) {
      throw new IllegalArgumentException("until: before since");
    }
    Map<String, Tally> tallies = new HashMap<>();
    alerts.forEach(
        since,
        until,
        clock.instant().getEpochSecond(),
        a -> {
          for (String key : keys(a.fields(), by)) {
            Tally t = tallies.computeIfAbsent(key, k -> new Tally());
            if (a.local()) {
              t.own++;
            } else {
              t.received++;
            }
            if (by == Grouping.AREA) {
              // Shown as the newest alert writes it, as a bulletin does (BUL-2).
              String date = a.fields().getIncidentDate();
              if (date.compareTo(t.nameDate) >= 0) {
                t.name = a.fields().getArea().strip();
                t.nameDate = date;
              }
            }
          }
        });
    Tally notKnown = tallies.remove("");
    List<Group> groups =
        switch (by) {
          case MONTH -> months(tallies);
          case HARM -> inOrder(tallies, HarmCategory.getDescriptor());
          case SETTING -> inOrder(tallies, WorkSetting.getDescriptor());
          case AREA -> areas(tallies);
        };
    if (notKnown != null) {
      groups = new ArrayList<>(groups);
      groups.add(group("", Group.Kind.NOT_KNOWN, notKnown));
    }
    return new AlertCounts(since, until, by, groups);
  }

  /** The groups an alert counts in; "" when this node does not hold the field. */
  private static Set<String> keys(AlertFields f, Grouping by) {
    Set<String> keys = new LinkedHashSet<>();
    switch (by) {
      case MONTH -> keys.add(month(f.getIncidentDate()));
      case AREA -> keys.add(f.getArea().strip().toLowerCase(Locale.ROOT));
      case SETTING -> {
        WorkSetting s = WorkSetting.forNumber(f.getWorkSettingValue());
        keys.add(s == null || s == WorkSetting.WORK_SETTING_UNSPECIFIED ? "" : Vocabulary.word(s));
      }
      case HARM -> {
        for (int n : f.getHarmsValueList()) {
          HarmCategory h = HarmCategory.forNumber(n);
          if (h != null && h != HarmCategory.HARM_CATEGORY_UNSPECIFIED) {
            keys.add(Vocabulary.word(h));
          }
        }
        if (keys.isEmpty()) {
          keys.add("");
        }
      }
    }
    return keys;
  }

  private static String month(String incidentDate) {
    try {
      return YearMonth.from(LocalDate.parse(incidentDate)).toString();
    } catch (DateTimeParseException e) {
      return "";
    }
  }

  /** Every month from the first to the last that has alerts, the empty ones too. */
  private static List<Group> months(Map<String, Tally> tallies) {
    List<Group> groups = new ArrayList<>();
    if (tallies.isEmpty()) {
      return groups;
    }
    List<YearMonth> held = tallies.keySet().stream().map(YearMonth::parse).sorted().toList();
    for (YearMonth m = held.getFirst(); !m.isAfter(held.getLast()); m = m.plusMonths(1)) {
      groups.add(group(m.toString(), Group.Kind.VALUE, tallies.getOrDefault(m.toString(), null)));
    }
    return groups;
  }

  private static List<Group> inOrder(Map<String, Tally> tallies, EnumDescriptor vocabulary) {
    List<Group> groups = new ArrayList<>();
    for (EnumValueDescriptor value : vocabulary.getValues()) {
      String word = Vocabulary.word(value);
      Tally t = tallies.get(word);
      if (t != null) {
        groups.add(group(word, Group.Kind.VALUE, t));
      }
    }
    return groups;
  }

  /**
   * The {@link #maxAreas} areas with most alerts, by name, then the rest together. Shown by name,
   * not by size: an order by size would rank the areas whose counts are suppressed.
   */
  private List<Group> areas(Map<String, Tally> tallies) {
    List<Tally> bySize =
        tallies.values().stream()
            .sorted(Comparator.comparingInt(Tally::total).reversed().thenComparing(t -> t.name))
            .toList();
    List<Tally> shown = bySize.subList(0, Math.min(maxAreas, bySize.size()));
    Collator collator = Collator.getInstance(ULocale.ROOT);
    List<Group> groups =
        new ArrayList<>(
            shown.stream()
                .sorted(Comparator.comparing(t -> t.name, collator::compare))
                .map(t -> group(t.name, Group.Kind.VALUE, t))
                .toList());
    if (bySize.size() > shown.size()) {
      Tally rest = new Tally();
      for (Tally t : bySize.subList(shown.size(), bySize.size())) {
        rest.own += t.own;
        rest.received += t.received;
      }
      groups.add(group("", Group.Kind.OTHER_AREAS, rest));
    }
    return groups;
  }

  private static Group group(String key, Group.Kind kind, Tally t) {
    return t == null
        ? new Group(key, kind, Cell.ZERO, Cell.ZERO)
        : new Group(key, kind, Cell.of(t.own), Cell.of(t.received));
  }
}
