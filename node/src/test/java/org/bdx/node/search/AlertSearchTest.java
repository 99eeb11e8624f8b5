package org.bdx.node.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.node.store.TestAlerts.ORIGIN;
import static org.bdx.node.store.TestAlerts.OTHER_ORIGIN;
import static org.bdx.node.store.TestAlerts.alert;
import static org.bdx.node.store.TestAlerts.fields;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bdx.node.identity.NodeId;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.Page;
import org.bdx.node.store.SearchIndex;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.store.TestAlerts;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.HarmCategory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertSearchTest {

  @TempDir Path dir;

  NodeDatabase db;
  AlertStore store;
  AlertSearch search;
  final PhoneNumbers phones = new PhoneNumbers("CA");

  @BeforeEach
  void open() {
    db = TestAlerts.open(dir);
    store = new AlertStore(db, new AlertIndex());
    search = new AlertSearch(new SearchIndex(db));
  }

  @AfterEach
  void close() {
    db.close();
  }

  private String put(AlertFields f) {
    return put(ORIGIN, f);
  }

  private String put(NodeId origin, AlertFields f) {
    String id = TestAlerts.newId();
    assertThat(store.put(alert(origin, id, 1, f))).isTrue();
    return id;
  }

  private static AlertQuery q(
      String phone,
      String plate,
      String text,
      String area,
      Set<HarmCategory> harms,
      LocalDate since,
      LocalDate until) {
    return new AlertQuery(phone, plate, text, area, harms, since, until, 0, null);
  }

  private List<String> ids(AlertQuery q) {
    return search.search(q).items().stream().map(StoredAlert::alertId).toList();
  }

  private List<String> text(String text) {
    return ids(q(null, null, text, null, null, null, null));
  }

  @Test
  void search_phone_anyFormat() {
    String hit = put(fields("2026-01-01").addPhoneNumbers("+16045550123").build());
    put(fields("2026-01-01").addPhoneNumbers("+16045550124").build());
    for (String typed :
        List.of("(604) 555-0123", "604.555.0123", "+1 604 555 0123", "1-604-555-0123")) {
      String e164 = phones.toE164(typed).orElseThrow();
      assertThat(ids(q(e164, null, null, null, null, null, null))).as(typed).containsExactly(hit);
    }
    assertThat(ids(q("+16045550000", null, null, null, null, null, null))).isEmpty();
  }

  private List<String> phoneQ(String phoneEnd, String phoneStart) {
    return ids(
        new AlertQuery(null, null, null, null, null, null, null, 0, null, phoneEnd, phoneStart));
  }

  @Test
  void search_phoneEnd_lastDigits_findsE164AndKeptAsTyped() {
    String full = put(fields("2026-01-03").addPhoneNumbers("+16045550123").build());
    String typed = put(fields("2026-01-02").addPhoneNumbers("~555-0123").build());
    String partial = put(fields("2026-01-01").addPhoneNumbers("~…0123").build());
    put(fields("2026-01-04").addPhoneNumbers("+16045550124").addPhoneNumbers("~01230").build());
    assertThat(phoneQ("0123", null)).containsExactly(full, typed, partial);
    assertThat(phoneQ("50123", null)).containsExactly(full, typed);
    assertThat(phoneQ("5550123", null)).containsExactly(full, typed);
    assertThat(phoneQ("6045550123", null)).containsExactly(full);
    assertThat(phoneQ("16045550123", null)).containsExactly(full);
    assertThat(phoneQ("9123", null)).isEmpty();
  }

  @Test
  void search_phoneEnd_sharesATermWithOtherEnds_matchDecides() {
    // Same last 4 digits, different fifth: the term selects both, the digits keep one.
    String a = put(fields("2026-01-01").addPhoneNumbers("+16045550123").build());
    put(fields("2026-01-02").addPhoneNumbers("+16045540123").build());
    assertThat(phoneQ("50123", null)).containsExactly(a);
  }

  @Test
  void search_phoneStart_areaCode() {
    String van = put(fields("2026-01-03").addPhoneNumbers("+16045550123").build());
    String van2 = put(fields("2026-01-02").addPhoneNumbers("+16045559999").build());
    String sea = put(fields("2026-01-01").addPhoneNumbers("+12065550123").build());
    String lon = put(fields("2026-01-04").addPhoneNumbers("+442079460000").build());
    put(fields("2026-01-05").addPhoneNumbers("~604 555").build()); // kept as typed: no area
    assertThat(phoneQ(null, phones.areaCodeStart("604").orElseThrow())).containsExactly(van, van2);
    assertThat(phoneQ(null, phones.areaCodeStart("(206)").orElseThrow())).containsExactly(sea);
    assertThat(phoneQ(null, phones.areaCodeStart("+44 20").orElseThrow())).containsExactly(lon);
    // Shorter than any indexed beginning: the match alone decides.
    assertThat(phoneQ(null, "+1")).containsExactly(van, van2, sea);
    // Longer than the longest indexed beginning.
    assertThat(phoneQ(null, "+1604555999")).containsExactly(van2);
    assertThat(phoneQ(null, phones.areaCodeStart("778").orElseThrow())).isEmpty();
  }

  @Test
  void search_namesAndHandles_caseAndAccentInsensitive() {
    String jose =
        put(fields("2026-01-01").addNamesUsed("jose").addOnlineHandles("@Zoë_Ångström").build());
    String other = put(fields("2026-01-02").addNamesUsed("JOSÉ MARÍA").build());
    assertThat(text("JOSÉ")).containsExactly(other, jose);
    assertThat(text("José María")).containsExactly(other);
    assertThat(text("zoe angstrom")).containsExactly(jose);
    assertThat(text("ZOË")).containsExactly(jose);
  }

  @Test
  void search_partialPlate_trigramAndShort() {
    String abc = put(fields("2026-01-01").setVehiclePlate("ABC123").build());
    String xyz = put(fields("2026-01-02").setVehiclePlate("XYZ789").build());
    put(fields("2026-01-03").build()); // no plate
    assertThat(ids(q(null, Plates.canonical("c 12"), null, null, null, null, null)))
        .containsExactly(abc);
    assertThat(ids(q(null, "ABC123", null, null, null, null, null))).containsExactly(abc);
    assertThat(ids(q(null, "Z78", null, null, null, null, null))).containsExactly(xyz);
    assertThat(ids(q(null, "C13", null, null, null, null, null))).isEmpty();
    // 1 and 2 characters: substring fallback.
    assertThat(ids(q(null, "23", null, null, null, null, null))).containsExactly(abc);
    assertThat(ids(q(null, "Y", null, null, null, null, null))).containsExactly(xyz);
    assertThat(ids(q(null, "Q", null, null, null, null, null))).isEmpty();
  }

  @Test
  void search_area_caseInsensitive_wholeAndPrefix() {
    String des = put(fields("2026-01-01").setArea("Downtown Eastside").build());
    String str = put(fields("2026-01-02").setArea("Strathcona").build());
    assertThat(ids(q(null, null, null, "downtown eastside", null, null, null)))
        .containsExactly(des);
    assertThat(ids(q(null, null, null, "DOWNTOWN EASTSIDE", null, null, null)))
        .containsExactly(des);
    assertThat(ids(q(null, null, null, "downtown", null, null, null))).containsExactly(des);
    assertThat(ids(q(null, null, null, "strathcona", null, null, null))).containsExactly(str);
    assertThat(ids(q(null, null, null, "eastside", null, null, null))).isEmpty();
    assertThat(ids(q(null, null, null, "100%", null, null, null))).isEmpty();
  }

  @Test
  void search_harms_anyOf() {
    String robbery = put(fields("2026-01-01").build());
    String threats =
        put(fields("2026-01-02").clearHarms().addHarms(HarmCategory.HARM_CATEGORY_THREATS).build());
    String both = put(fields("2026-01-03").addHarms(HarmCategory.HARM_CATEGORY_THREATS).build());
    assertThat(
            ids(q(null, null, null, null, Set.of(HarmCategory.HARM_CATEGORY_THREATS), null, null)))
        .containsExactly(both, threats);
    assertThat(
            ids(
                q(
                    null,
                    null,
                    null,
                    null,
                    Set.of(HarmCategory.HARM_CATEGORY_THREATS, HarmCategory.HARM_CATEGORY_ROBBERY),
                    null,
                    null)))
        .containsExactly(both, threats, robbery);
    assertThat(
            ids(q(null, null, null, null, Set.of(HarmCategory.HARM_CATEGORY_STALKING), null, null)))
        .isEmpty();
  }

  @Test
  void search_dateRange_inclusive() {
    String jan = put(fields("2026-01-31").build());
    String feb = put(fields("2026-02-15").build());
    String mar = put(fields("2026-03-01").build());
    assertThat(
            ids(
                q(
                    null,
                    null,
                    null,
                    null,
                    null,
                    LocalDate.of(2026, 1, 31),
                    LocalDate.of(2026, 3, 1))))
        .containsExactly(mar, feb, jan);
    assertThat(ids(q(null, null, null, null, null, LocalDate.of(2026, 2, 1), null)))
        .containsExactly(mar, feb);
    assertThat(ids(q(null, null, null, null, null, null, LocalDate.of(2026, 2, 15))))
        .containsExactly(feb, jan);
    assertThat(
            ids(
                q(
                    null,
                    null,
                    null,
                    null,
                    null,
                    LocalDate.of(2026, 2, 16),
                    LocalDate.of(2026, 2, 28))))
        .isEmpty();
  }

  @Test
  void search_text_multiWordPrefixAndDiacritics() {
    String tall =
        put(fields("2026-01-01").setAggressorDescription("Tall man, grey beard, glasses").build());
    String shortOne = put(fields("2026-01-02").setAggressorDescription("short, beard").build());
    String named =
        put(
            fields("2026-01-03")
                .addNamesUsed("Rénald")
                .addOnlineHandles("@bigspender")
                .setModusOperandi("asks for outcall to hotel")
                .setVehicleDescription("silver pickup")
                .build());
    assertThat(text("tall beard")).containsExactly(tall);
    assertThat(text("beard")).containsExactly(shortOne, tall);
    assertThat(text("bear")).containsExactly(shortOne, tall); // prefix
    assertThat(text("BEARD Tall")).containsExactly(tall);
    assertThat(text("renald")).containsExactly(named); // diacritics removed
    assertThat(text("bigspender")).containsExactly(named);
    assertThat(text("hotel pickup")).containsExactly(named);
    assertThat(text("downtown")).containsExactly(named, shortOne, tall); // area is indexed too
    assertThat(text("tall pickup")).isEmpty();
    // Beginnings of one or two letters have no term of their own: the exact match decides.
    assertThat(text("gr")).containsExactly(tall);
    assertThat(text("b")).containsExactly(named, shortOne, tall);
    assertThat(text("pi ho")).containsExactly(named);
    assertThat(text("zq")).isEmpty();
  }

  @Test
  void search_text_hostileFtsSyntax_neitherThrowsNorChangesMeaning() {
    String tall = put(fields("2026-01-01").setAggressorDescription("tall beard").build());
    String other = put(fields("2026-01-02").setAggressorDescription("short or bald").build());
    for (String hostile :
        List.of(
            "\"",
            "\"tall",
            "tall\"",
            "*",
            "tall*",
            "NEAR(",
            "NEAR(tall beard, 2)",
            "(",
            ")",
            "tall AND",
            "OR",
            "NOT",
            "^tall",
            "body:tall",
            "-tall",
            "{body}: x",
            "'; DROP TABLE alerts; --",
            "\\")) {
      assertThatCode(() -> text(hostile)).as(hostile).doesNotThrowAnyException();
    }
    // "tall OR short" is three required words, not a disjunction.
    assertThat(text("tall OR short")).isEmpty();
    assertThat(text("short or")).containsExactly(other);
    assertThat(text("\"tall")).containsExactly(tall);
    assertThat(text("NEAR(tall beard, 2)")).isEmpty(); // "near" and "2" are required words
    assertThat(text("tall*")).containsExactly(tall);
    assertThat(text("body:tall")).isEmpty(); // "body" is a word, not a column filter
    assertThat(text("*")).isEmpty();
    assertThat(store.get(ORIGIN, tall)).isPresent();
  }

  @Test
  void search_criteriaCombinedWithAnd() {
    String both =
        put(fields("2026-01-01").addPhoneNumbers("+16045550123").setVehiclePlate("ABC123").build());
    put(fields("2026-01-02").addPhoneNumbers("+16045550123").setVehiclePlate("XYZ789").build());
    put(fields("2026-01-03").setVehiclePlate("ABC123").build());
    assertThat(
            ids(
                q(
                    "+16045550123",
                    "ABC",
                    null,
                    "downtown",
                    Set.of(HarmCategory.HARM_CATEGORY_ROBBERY),
                    LocalDate.of(2026, 1, 1),
                    LocalDate.of(2026, 1, 1))))
        .containsExactly(both);
  }

  @Test
  void search_paging_threePages_newestFirst_noDuplicatesOrOmissions() {
    // Several alerts share a date, so the insertion sequence must break ties.
    String[] dates = {
      "2026-01-05",
      "2026-01-05",
      "2026-01-03",
      "2026-01-09",
      "2026-01-05",
      "2026-01-01",
      "2026-01-09",
      "2026-01-07"
    };
    List<String[]> rows = new ArrayList<>();
    for (String d : dates) {
      rows.add(new String[] {d, put(fields(d).build())});
    }
    String gone = TestAlerts.newId();
    store.put(alert(OTHER_ORIGIN, gone, 1, fields("2026-01-10").build()));
    store.put(
        alert(
            OTHER_ORIGIN,
            gone,
            2,
            AlertStatus.ALERT_STATUS_RETRACTED,
            fields("2026-01-10").build()));

    // Expected: newest incident first; among equal dates, the later insertion first.
    List<String[]> sorted = new ArrayList<>(rows);
    Collections.reverse(sorted);
    sorted.sort((a, b) -> b[0].compareTo(a[0])); // stable: keeps later-insertion-first among equals
    List<String> expected = sorted.stream().map(r -> r[1]).toList();

    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    while (true) {
      Page<StoredAlert> p = search.search(AlertQuery.all(3, token));
      assertThat(p.items()).hasSizeLessThanOrEqualTo(3);
      p.items().forEach(a -> seen.add(a.alertId()));
      pages++;
      if (!p.hasNext()) {
        break;
      }
      token = p.nextPageToken();
    }
    assertThat(pages).isEqualTo(3);
    assertThat(seen).doesNotHaveDuplicates().doesNotContain(gone);
    assertThat(seen).containsExactlyElementsOf(expected);
  }

  @Test
  void search_commonTerms_readNewestFirst_sameResultsAndPaging() {
    // More alerts hold "comm" than SearchIndex.COMMON_TERM, so the search reads the alerts in
    // result order and checks each (the plan for common terms); "commo" must still reject the
    // alerts whose word is "commit" (same 4-character term), and paging must not skip or repeat.
    int n = 2_100;
    List<String> expected = new ArrayList<>();
    db.atomically(
        () -> {
          for (int i = 0; i < n; i++) {
            String date = String.format("2026-%02d-%02d", 1 + i % 12, 1 + i % 28);
            String word = i % 3 == 0 ? "commit" : "common";
            String id = put(fields(date).setAggressorDescription("tall " + word).build());
            if (i % 3 != 0) {
              expected.add(date + " " + String.format("%05d", i) + " " + id);
            }
          }
          return null;
        });
    expected.sort(Collections.reverseOrder()); // newest date first, later insertion first
    List<String> want = expected.stream().map(e -> e.substring(e.lastIndexOf(' ') + 1)).toList();

    AlertQuery first = new AlertQuery(null, null, "tall commo", null, null, null, null, 500, null);
    List<String> seen = new ArrayList<>();
    Page<StoredAlert> p = search.search(first);
    p.items().forEach(a -> seen.add(a.alertId()));
    while (p.hasNext()) {
      p = search.search(first.withPageToken(p.nextPageToken()));
      p.items().forEach(a -> seen.add(a.alertId()));
    }
    assertThat(seen).containsExactlyElementsOf(want);
    assertThat(text("commit")).hasSize(50);
    assertThat(text("commix")).isEmpty();
  }

  @Test
  void search_commonHarm_withDateRange_sameResultsAndPaging() {
    // 2 000 alerts have robbery (SearchIndex.COMMON_TERM), so the search checks each alert's harms
    // as it reads the date range in result order; 1 000 have threats only, which stay a list.
    int n = 3_000;
    List<String> robberies = new ArrayList<>();
    List<String> threats = new ArrayList<>();
    db.atomically(
        () -> {
          for (int i = 0; i < n; i++) {
            String date = String.format("2026-%02d-%02d", 1 + i % 12, 1 + i % 28);
            boolean threat = i % 3 == 0;
            AlertFields.Builder f = fields(date);
            if (threat) {
              f.clearHarms().addHarms(HarmCategory.HARM_CATEGORY_THREATS);
            }
            String id = put(f.build());
            if (date.compareTo("2026-03-01") >= 0 && date.compareTo("2026-04-28") <= 0) {
              (threat ? threats : robberies).add(date + " " + String.format("%05d", i) + " " + id);
            }
          }
          return null;
        });
    for (var c :
        List.of(
            Set.of(HarmCategory.HARM_CATEGORY_ROBBERY),
            Set.of(HarmCategory.HARM_CATEGORY_THREATS))) {
      List<String> expected =
          new ArrayList<>(c.contains(HarmCategory.HARM_CATEGORY_ROBBERY) ? robberies : threats);
      expected.sort(Collections.reverseOrder()); // newest date first, later insertion first
      List<String> want = expected.stream().map(e -> e.substring(e.lastIndexOf(' ') + 1)).toList();
      AlertQuery first =
          new AlertQuery(
              null,
              null,
              null,
              null,
              c,
              LocalDate.parse("2026-03-01"),
              LocalDate.parse("2026-04-28"),
              100,
              null);
      List<String> seen = allPages(first);
      assertThat(want).isNotEmpty();
      assertThat(seen).as("%s", c).containsExactlyElementsOf(want);
    }
  }

  @Test
  void search_wordsHarmsAndDates_everyMatchOnceOverThePages_newestFirst() {
    // 1 200 alerts hold "tall", every fourth also "scar", and every tenth is robbery; dates
    // repeat, so pages end inside one date. With one word or two, a harm, in or out of a date
    // range, the results are every alert that holds all the criteria, newest first, each once
    // over the pages.
    int n = 1_200;
    List<String[]> all = new ArrayList<>();
    db.atomically(
        () -> {
          for (int i = 0; i < n; i++) {
            String date = String.format("2026-%02d-%02d", 1 + i % 12, 1 + i % 5);
            boolean scar = i % 4 == 0;
            boolean robbery = i % 10 == 0;
            AlertFields.Builder f =
                fields(date).setAggressorDescription(scar ? "tall with a scar" : "tall");
            f.clearHarms()
                .addHarms(
                    robbery
                        ? HarmCategory.HARM_CATEGORY_ROBBERY
                        : HarmCategory.HARM_CATEGORY_THREATS);
            String id = put(f.build());
            all.add(
                new String[] {
                  date, String.format("%05d", i), id, scar ? "scar" : "", robbery ? "robbery" : ""
                });
          }
          return null;
        });
    record Case(String text, boolean scar, boolean robbery, String since, String until) {}
    for (Case c :
        List.of(
            new Case("tall scar", true, false, null, null),
            new Case("tall", false, true, null, null),
            new Case("scar tall", true, true, null, null),
            new Case("tall scar", true, false, "2026-03-01", "2026-06-03"),
            new Case("tall", false, true, "2026-11-01", null))) {
      List<String[]> expected = new ArrayList<>();
      for (String[] a : all) {
        if ((!c.scar || !a[3].isEmpty())
            && (!c.robbery || !a[4].isEmpty())
            && (c.since == null || a[0].compareTo(c.since) >= 0)
            && (c.until == null || a[0].compareTo(c.until) <= 0)) {
          expected.add(a);
        }
      }
      expected.sort(java.util.Comparator.comparing((String[] a) -> a[0] + " " + a[1]).reversed());
      List<String> want = expected.stream().map(a -> a[2]).toList();
      AlertQuery first =
          new AlertQuery(
              null,
              null,
              c.text,
              null,
              c.robbery ? Set.of(HarmCategory.HARM_CATEGORY_ROBBERY) : null,
              c.since == null ? null : LocalDate.parse(c.since),
              c.until == null ? null : LocalDate.parse(c.until),
              17,
              null);
      assertThat(want).as("%s", c).isNotEmpty();
      assertThat(allPages(first)).as("%s", c).containsExactlyElementsOf(want);
    }
    // A word no alert holds: nothing, whatever the other lists hold.
    assertThat(text("tall scarves")).isEmpty();
  }

  @Test
  void search_paging_withCriteria_keepsFilter() {
    List<String> robberies = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      robberies.add(0, put(fields("2026-02-0" + i).build()));
      put(
          fields("2026-02-0" + i)
              .clearHarms()
              .addHarms(HarmCategory.HARM_CATEGORY_THREATS)
              .build());
    }
    AlertQuery first =
        new AlertQuery(
            null,
            null,
            null,
            null,
            Set.of(HarmCategory.HARM_CATEGORY_ROBBERY),
            null,
            null,
            2,
            null);
    assertThat(allPages(first)).containsExactlyElementsOf(robberies);
  }

  /** The ids of every page of {@code first}, following the page tokens. */
  private List<String> allPages(AlertQuery first) {
    List<String> seen = new ArrayList<>();
    Page<StoredAlert> p = search.search(first);
    p.items().forEach(a -> seen.add(a.alertId()));
    while (p.hasNext()) {
      p = search.search(first.withPageToken(p.nextPageToken()));
      p.items().forEach(a -> seen.add(a.alertId()));
    }
    return seen;
  }

  @Test
  void search_retracted_neverAppears() {
    String id = TestAlerts.newId();
    store.put(alert(ORIGIN, id, 1, fields("2026-01-01").addPhoneNumbers("+16045550123").build()));
    assertThat(ids(AlertQuery.all(0, null))).containsExactly(id);
    store.put(
        alert(ORIGIN, id, 2, AlertStatus.ALERT_STATUS_RETRACTED, fields("2026-01-01").build()));
    assertThat(ids(AlertQuery.all(0, null))).isEmpty();
    assertThat(ids(q("+16045550123", null, null, null, null, null, null))).isEmpty();
    assertThat(ids(q(null, null, null, "downtown", null, null, null))).isEmpty();
  }

  @Test
  void search_badPageToken_rejected() {
    put(fields("2026-01-01").build());
    for (String bad :
        List.of("x", "!!!", "YTE6MjAyNi0wMS0wMTow", "YTE6bm9wZToy", "a".repeat(150))) {
      assertThatThrownBy(() -> search.search(AlertQuery.all(10, bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("bad page token");
    }
  }

  @Test
  void query_validation() {
    assertThat(AlertQuery.all(0, null).pageSize()).isEqualTo(50);
    assertThat(AlertQuery.all(500, "").pageToken()).isNull();
    assertThatThrownBy(() -> AlertQuery.all(501, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlertQuery.all(-1, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> q("604-555-0123", null, null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> q(null, "abc", null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> q(null, "A".repeat(17), null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> q(null, null, "x".repeat(201), null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                q(
                    null,
                    null,
                    null,
                    null,
                    Set.of(HarmCategory.HARM_CATEGORY_UNSPECIFIED),
                    null,
                    null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                q(null, null, null, null, null, LocalDate.of(2026, 2, 1), LocalDate.of(2026, 1, 1)))
        .isInstanceOf(IllegalArgumentException.class);
    AlertQuery blank = q("", "", "   ", " ", Set.of(), null, null);
    assertThat(blank.phoneE164()).isNull();
    assertThat(blank.text()).isNull();
    assertThat(blank.area()).isNull();
    assertThat(blank.harms()).isEmpty();
  }

  @Test
  void terms_areWordsWithoutQuerySyntax() {
    // The store quotes each word as a prefix term (SearchIndexTest): no syntax survives here.
    assertThat(AlertSearch.terms("Tall \"beard\" OR *x* NEAR("))
        .containsExactly("tall", "beard", "or", "x", "near");
    assertThat(AlertSearch.terms("\" * ( ) ^ :")).isEmpty();
    assertThat(AlertSearch.terms("a ".repeat(40))).hasSize(AlertSearch.MAX_TERMS);
    Set<String> none = new HashSet<>(AlertSearch.terms(""));
    assertThat(none).isEmpty();
  }

  private List<String> linkedIds(NodeId origin, String id) {
    StoredAlert a = store.get(origin, id).orElseThrow();
    return search.linked(a).stream().map(l -> l.alert().alertId()).toList();
  }

  @Test
  void linked_sharedPhonePlateNameOrHandle_ownAndReceived_newestFirst() {
    String own =
        put(
            fields("2026-01-01")
                .addPhoneNumbers("+16045550123")
                .setVehiclePlate("ABC123")
                .addNamesUsed("José")
                .addOnlineHandles("@Big_Spender")
                .build());
    String samePhone =
        put(OTHER_ORIGIN, fields("2026-01-02").addPhoneNumbers("+16045550123").build());
    String samePlate = put(OTHER_ORIGIN, fields("2026-01-03").setVehiclePlate("ABC123").build());
    String sameName = put(fields("2026-01-04").addNamesUsed("  JOSE ").build());
    String sameHandle =
        put(OTHER_ORIGIN, fields("2026-01-05").addOnlineHandles("big spender").build());
    // Near misses: another number, a plate fragment, a longer name, a partial number.
    put(fields("2026-01-06").addPhoneNumbers("+16045550124").build());
    put(fields("2026-01-07").setVehiclePlate("ABC12").build());
    put(fields("2026-01-08").addNamesUsed("José María").build());
    put(fields("2026-01-09").addPhoneNumbers("~0123").build());

    assertThat(linkedIds(ORIGIN, own)).containsExactly(sameHandle, sameName, samePlate, samePhone);
    StoredAlert a = store.get(ORIGIN, own).orElseThrow();
    assertThat(search.linked(a))
        .extracting(l -> l.shared())
        .containsExactly(
            List.of("online_handles"),
            List.of("names_used"),
            List.of("vehicle_plate"),
            List.of("phone_numbers"));
    // Links are symmetric, and the asked alert is never its own link.
    assertThat(linkedIds(OTHER_ORIGIN, samePhone)).containsExactly(own);
  }

  @Test
  void linked_onlyHeldFields_tombstonesAndNothingShared_none() {
    String a = put(fields("2026-01-01").addPhoneNumbers("+16045550123").build());
    // Received without the phone (withheld by its agreement): nothing links it.
    String withheld = put(OTHER_ORIGIN, fields("2026-01-02").build());
    assertThat(linkedIds(ORIGIN, a)).isEmpty();
    assertThat(linkedIds(OTHER_ORIGIN, withheld)).isEmpty();
    String b = put(fields("2026-01-03").addPhoneNumbers("+16045550123").build());
    assertThat(linkedIds(ORIGIN, a)).containsExactly(b);
    store.put(
        alert(ORIGIN, b, 2, AlertStatus.ALERT_STATUS_RETRACTED, AlertFields.getDefaultInstance()));
    assertThat(linkedIds(ORIGIN, a)).isEmpty();
  }
}
