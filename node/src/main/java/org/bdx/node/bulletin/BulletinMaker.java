package org.bdx.node.bulletin;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.ibm.icu.text.Collator;
import com.ibm.icu.util.ULocale;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.bdx.node.identity.NodeId;
import org.bdx.node.search.AlertIndex;
import org.bdx.node.search.AlertQuery;
import org.bdx.node.search.AlertSearch;
import org.bdx.node.store.Page;
import org.bdx.node.store.StoredAlert;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;

/**
 * Makes a bulletin from the alerts this node holds (spec BUL-1..BUL-3): its own and received ones
 * whose incident date is on or after {@code since}, optionally in one area; never a tombstone
 * (retracted or withdrawn) nor an expired alert, because the search never returns them (EXP-2).
 */
public final class BulletinMaker {
  /** A bulletin covers at most this many warnings; a longer period must be narrowed. */
  public static final int MAX_ALERTS = 2000;

  private final AlertSearch search;
  private final BulletinSettings settings;
  private final String organization;
  private final Function<NodeId, String> originNames;
  private final Clock clock;
  private final int maxAlerts;

  /**
   * @param originNames the organization name for an origin node id, shown when the setting asks
   */
  public BulletinMaker(
      AlertSearch search,
      BulletinSettings settings,
      String organization,
      Function<NodeId, String> originNames,
      Clock clock) {
    this(search, settings, organization, originNames, clock, MAX_ALERTS);
  }

  BulletinMaker(
      AlertSearch search,
      BulletinSettings settings,
      String organization,
      Function<NodeId, String> originNames,
      Clock clock,
      int maxAlerts) {
    this.maxAlerts = maxAlerts;
    this.search = Objects.requireNonNull(search, "search");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.organization = Objects.requireNonNull(organization, "organization");
    this.originNames = Objects.requireNonNull(originNames, "originNames");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The node's bulletin settings. */
  public BulletinSettings settings() {
    return settings;
  }

  /**
   * @param area one area (matched trimmed and lower-cased, locale-independent, as POL-6), or null
   *     or blank for all
   * @throws IllegalArgumentException naming {@code since} when the period holds more than {@value
   *     #MAX_ALERTS} warnings
   */
  public Bulletin make(LocalDate since, String area) {
    Objects.requireNonNull(since, "since");
    String wanted = area == null || area.isBlank() ? null : AlertIndex.areaKey(area);
    List<StoredAlert> held = select(since, wanted == null ? null : area.strip());
    if (wanted != null) {
      // The search matches the beginning of an area; a bulletin is for exactly one.
      held =
          held.stream()
              .filter(a -> AlertIndex.areaKey(a.fields().getArea()).equals(wanted))
              .toList();
    }
    return new Bulletin(
        organization,
        since,
        wanted == null ? "" : area.strip(),
        LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC),
        group(held),
        settings.footer());
  }

  private List<StoredAlert> select(LocalDate since, String area) {
    List<StoredAlert> all = new ArrayList<>();
    String token = null;
    do {
      Page<StoredAlert> page =
          search.search(
              new AlertQuery(
                  null, null, null, area, null, since, null, AlertQuery.MAX_PAGE_SIZE, token));
      all.addAll(page.items());
      if (all.size() > maxAlerts) {
        throw new IllegalArgumentException(
            "since: more than "
                + maxAlerts
                + " warnings in this period; choose a later date or one area");
      }
      token =
          page.nextPageToken() == null || page.nextPageToken().isEmpty()
              ? null
              : page.nextPageToken();
    } while (token != null);
    return all;
  }

  /** Areas sorted by name, the unnamed last; each keeps the search's newest-first order. */
  private List<BulletinArea> group(List<StoredAlert> held) {
    Map<String, List<BulletinEntry>> byKey = new LinkedHashMap<>();
    Map<String, String> names = new LinkedHashMap<>();
    for (StoredAlert a : held) {
      BulletinEntry e = entry(a);
      String name = e.shown().getArea().strip();
      String key = AlertIndex.areaKey(name);
      names.putIfAbsent(key, name);
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
    }
    Collator collator = Collator.getInstance(ULocale.ROOT);
    Comparator<String> byName =
        Comparator.<String, Boolean>comparing(String::isEmpty).thenComparing(collator::compare);
    return byKey.keySet().stream()
        .sorted(Comparator.comparing(names::get, byName))
        .map(k -> new BulletinArea(names.get(k), byKey.get(k)))
        .toList();
  }

  private BulletinEntry entry(StoredAlert a) {
    return new BulletinEntry(
        shown(a.fields(), Set.copyOf(a.disclosedPaths()), settings.fields()),
        a.status() == AlertStatus.ALERT_STATUS_UPDATED,
        settings.showSource() ? originNames.apply(a.originNodeId()) : "",
        !search.linked(a).isEmpty());
  }

  /**
   * The fields a bulletin may show: those the setting names that this node holds (disclosed to it),
   * never the reporter's contact.
   */
  static AlertFields shown(AlertFields held, Set<String> disclosed, List<String> allowed) {
    AlertFields.Builder b = AlertFields.newBuilder();
    for (FieldDescriptor f : AlertFields.getDescriptor().getFields()) {
      String path = f.getName();
      if (!allowed.contains(path)
          || !disclosed.contains(path)
          || BulletinSettings.REFUSED.contains(path)) {
        continue;
      }
      if (f.isRepeated() ? held.getRepeatedFieldCount(f) > 0 : held.hasField(f)) {
        b.setField(f, held.getField(f));
      }
    }
    return b.build();
  }
}
