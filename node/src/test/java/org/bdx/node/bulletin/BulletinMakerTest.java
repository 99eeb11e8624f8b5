package org.bdx.node.bulletin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.node.store.TestAlerts.ORIGIN;
import static org.bdx.node.store.TestAlerts.OTHER_ORIGIN;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.bdx.node.identity.NodeId;
import org.bdx.node.search.AlertIndex;
import org.bdx.node.search.AlertSearch;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.SearchIndex;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.store.TestAlerts;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.SignedAlert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which held alerts a bulletin shows, how it groups and orders them, and which fields (BUL-2). */
class BulletinMakerTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final List<String> ALL_PATHS =
      AlertFields.getDescriptor().getFields().stream().map(f -> f.getName()).toList();

  @TempDir Path dir;
  NodeDatabase db;
  AlertStore store;
  final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @BeforeEach
  void open() {
    db = TestAlerts.open(dir);
    store = new AlertStore(db, new AlertIndex());
  }

  @AfterEach
  void close() {
    db.close();
  }

  private BulletinMaker maker(BulletinSettings settings) {
    return new BulletinMaker(
        new AlertSearch(new SearchIndex(db), clock),
        settings,
        "Night Shift Collective",
        n -> n.equals(ORIGIN) ? "Night Shift Collective" : "East Side Peers",
        clock);
  }

  private BulletinMaker maker() {
    return maker(BulletinSettings.DEFAULTS);
  }

  static AlertFields.Builder fields(String date, String area, String description) {
    return AlertFields.newBuilder()
        .setIncidentDate(date)
        .setArea(area)
        .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
        .setAggressorDescription(description);
  }

  /** Stores an alert version with the given disclosed paths and expiry. */
  private String put(
      NodeId origin,
      String id,
      long version,
      AlertStatus status,
      AlertFields f,
      List<String> disclosed,
      long expiresAt) {
    SignedAlert envelope =
        SignedAlert.newBuilder()
            .setHeader(ByteString.copyFromUtf8("header " + id + " v" + version))
            .setSignature(ByteString.copyFrom(new byte[64]))
            .build();
    store.put(
        new StoredAlert(
            origin,
            id,
            version,
            status,
            NOW.getEpochSecond() - 1000 + version,
            expiresAt,
            Audience.AUDIENCE_PEER,
            f,
            disclosed,
            envelope,
            origin.equals(ORIGIN),
            NOW.getEpochSecond() - 900));
    return id;
  }

  private String put(AlertFields f) {
    return put(ORIGIN, TestAlerts.newId(), 1, AlertStatus.ALERT_STATUS_ACTIVE, f, ALL_PATHS, far());
  }

  private static long far() {
    return NOW.getEpochSecond() + 86_400L * 100;
  }

  private static List<String> descriptions(Bulletin b) {
    return b.areas().stream()
        .flatMap(a -> a.entries().stream())
        .map(e -> e.shown().getAggressorDescription())
        .toList();
  }

  @Test
  void make_leavesOutExpiredRetractedAndWithdrawn_keepsTheRest() {
    put(fields("2026-11-10", "Downtown", "kept").build());
    put(
        ORIGIN,
        TestAlerts.newId(),
        1,
        AlertStatus.ALERT_STATUS_ACTIVE,
        fields("2026-11-11", "Downtown", "expired").build(),
        ALL_PATHS,
        NOW.getEpochSecond() - 1);
    String retracted = put(fields("2026-11-12", "Downtown", "retracted").build());
    put(
        ORIGIN,
        retracted,
        2,
        AlertStatus.ALERT_STATUS_RETRACTED,
        AlertFields.getDefaultInstance(),
        List.of(),
        far());
    String withdrawn =
        put(
            OTHER_ORIGIN,
            TestAlerts.newId(),
            1,
            AlertStatus.ALERT_STATUS_ACTIVE,
            fields("2026-11-13", "Downtown", "withdrawn").build(),
            ALL_PATHS,
            far());
    assertThat(store.stripToTombstone(OTHER_ORIGIN, withdrawn)).isTrue();

    Bulletin b = maker().make(LocalDate.parse("2026-11-01"), null);

    assertThat(descriptions(b)).containsExactly("kept");
    assertThat(b.count()).isEqualTo(1);
  }

  @Test
  void pdf_ofWhatTheNodeHolds_showsKeptAndUpdated_neverExpiredRetractedOrTheContact()
      throws Exception {
    put(fields("2026-11-10", "Downtown", "Qzbukept").setReporterContact("Qzbucontact").build());
    put(
        ORIGIN,
        TestAlerts.newId(),
        1,
        AlertStatus.ALERT_STATUS_ACTIVE,
        fields("2026-11-11", "Downtown", "Qzbuexpired").build(),
        ALL_PATHS,
        NOW.getEpochSecond() - 1);
    String retracted = put(fields("2026-11-12", "Downtown", "Qzburetracted").build());
    put(
        ORIGIN,
        retracted,
        2,
        AlertStatus.ALERT_STATUS_RETRACTED,
        AlertFields.getDefaultInstance(),
        List.of(),
        far());
    String updated = put(fields("2026-11-13", "Harbour", "Qzbufirst").build());
    put(
        ORIGIN,
        updated,
        2,
        AlertStatus.ALERT_STATUS_UPDATED,
        fields("2026-11-13", "Harbour", "Qzbusecond").build(),
        ALL_PATHS,
        far());

    Bulletin b = maker().make(LocalDate.parse("2026-11-01"), null);
    byte[] pdf = new PdfBulletin(BulletinFonts.DEFAULT_DIR).render(b, BulletinWords.of("en"));
    String text = PdfReading.of(pdf).text();

    assertThat(text).contains("Qzbukept", "Qzbusecond", "UPDATED", "2 warnings", "Harbour");
    assertThat(text)
        .doesNotContain("Qzbuexpired")
        .doesNotContain("Qzburetracted")
        .doesNotContain("Qzbufirst")
        .doesNotContain("Qzbucontact");
  }

  @Test
  void make_marksUpdatedVersions() {
    String id = put(fields("2026-11-10", "Downtown", "first").build());
    put(
        ORIGIN,
        id,
        2,
        AlertStatus.ALERT_STATUS_UPDATED,
        fields("2026-11-10", "Downtown", "second").build(),
        ALL_PATHS,
        far());
    put(fields("2026-11-09", "Downtown", "plain").build());

    List<BulletinEntry> entries =
        maker().make(LocalDate.parse("2026-11-01"), "").areas().get(0).entries();

    assertThat(entries)
        .extracting(e -> e.shown().getAggressorDescription())
        .containsExactly("second", "plain");
    assertThat(entries).extracting(BulletinEntry::updated).containsExactly(true, false);
  }

  @Test
  void make_groupsByAreaSortedByName_newestIncidentFirst_sinceInclusive() {
    put(fields("2026-11-03", "Strathcona", "s-old").build());
    put(fields("2026-11-20", "strathcona ", "s-new").build());
    put(fields("2026-11-05", "Downtown", "d-mid").build());
    put(fields("2026-10-31", "Downtown", "before the period").build());
    put(fields("2026-11-01", "Downtown", "d-first-day").build());

    Bulletin b = maker().make(LocalDate.parse("2026-11-01"), null);

    assertThat(b.areas()).extracting(BulletinArea::name).containsExactly("Downtown", "strathcona");
    assertThat(b.areas().get(0).entries())
        .extracting(e -> e.shown().getAggressorDescription())
        .containsExactly("d-mid", "d-first-day");
    assertThat(b.areas().get(1).entries())
        .extracting(e -> e.shown().getAggressorDescription())
        .containsExactly("s-new", "s-old");
    assertThat(b.since()).isEqualTo(LocalDate.parse("2026-11-01"));
    assertThat(b.madeOn()).isEqualTo(LocalDate.parse("2026-12-01"));
    assertThat(b.organization()).isEqualTo("Night Shift Collective");
  }

  @Test
  void make_oneArea_matchedTrimmedAndCaseInsensitive_notByItsBeginning() {
    put(fields("2026-11-03", "Downtown", "downtown").build());
    put(fields("2026-11-04", "Downtown Eastside", "eastside").build());
    put(fields("2026-11-05", "Strathcona", "other").build());

    Bulletin b = maker().make(LocalDate.parse("2026-11-01"), "  DOWNTOWN ");

    assertThat(descriptions(b)).containsExactly("downtown");
    assertThat(b.area()).isEqualTo("DOWNTOWN");
  }

  @Test
  void make_showsOnlyTheSettingsFieldsThatThisNodeHolds_neverTheContact() {
    AlertFields full =
        fields("2026-11-10", "Downtown", "tall, grey coat")
            .addPhoneNumbers("+16045550123")
            .setVehiclePlate("ABC123")
            .addNamesUsed("Mike")
            .setReporterContact("CANARY-CONTACT")
            .build();
    // Received without the plate: disclosed paths name what this node was given.
    List<String> disclosed = ALL_PATHS.stream().filter(p -> !p.equals("vehicle_plate")).toList();
    put(
        OTHER_ORIGIN,
        TestAlerts.newId(),
        1,
        AlertStatus.ALERT_STATUS_ACTIVE,
        full,
        disclosed,
        far());

    AlertFields shown =
        maker().make(LocalDate.parse("2026-11-01"), null).areas().get(0).entries().get(0).shown();

    assertThat(shown.getPhoneNumbersList()).containsExactly("+16045550123");
    assertThat(shown.getAggressorDescription()).isEqualTo("tall, grey coat");
    assertThat(shown.getVehiclePlate()).as("not disclosed to this node").isEmpty();
    assertThat(shown.getNamesUsedList()).as("not in the default field set").isEmpty();
    assertThat(shown.getReporterContact()).isEmpty();
    assertThat(shown.toString()).doesNotContain("CANARY-CONTACT");
  }

  @Test
  void shown_dropsTheContactEvenIfAllowedAndDisclosed() {
    AlertFields held = AlertFields.newBuilder().setReporterContact("CANARY").setArea("A").build();
    AlertFields shown =
        BulletinMaker.shown(
            held, java.util.Set.copyOf(ALL_PATHS), List.of("area", "reporter_contact"));
    assertThat(shown.getReporterContact()).isEmpty();
    assertThat(shown.getArea()).isEqualTo("A");
  }

  @Test
  void make_namesTheReportingOrganization_onlyWhenTheSettingSaysSo() {
    put(
        OTHER_ORIGIN,
        TestAlerts.newId(),
        1,
        AlertStatus.ALERT_STATUS_ACTIVE,
        fields("2026-11-10", "Downtown", "x").build(),
        ALL_PATHS,
        far());
    LocalDate since = LocalDate.parse("2026-11-01");

    BulletinEntry hidden = maker().make(since, null).areas().get(0).entries().get(0);
    BulletinEntry named =
        maker(new BulletinSettings(BulletinSettings.DEFAULT_FIELDS, "", true, null))
            .make(since, null)
            .areas()
            .get(0)
            .entries()
            .get(0);

    assertThat(hidden.source()).isEmpty();
    assertThat(named.source()).isEqualTo("East Side Peers");
  }

  @Test
  void make_withNoAlerts_isAnEmptyBulletin() {
    Bulletin b = maker().make(LocalDate.parse("2026-11-01"), null);
    assertThat(b.areas()).isEmpty();
    assertThat(b.count()).isZero();
    String text =
        new String(new TextBulletin().render(b, BulletinWords.of("en")), StandardCharsets.UTF_8);
    assertThat(text).contains("No warnings for this period");
  }

  @Test
  void make_tooManyAlerts_namesSince() {
    for (int i = 0; i < 4; i++) {
      put(fields("2026-11-10", "Downtown", "n" + i).build());
    }
    BulletinMaker three =
        new BulletinMaker(
            new AlertSearch(new SearchIndex(db), clock),
            BulletinSettings.DEFAULTS,
            "Org",
            n -> "",
            clock,
            3);
    assertThatThrownBy(() -> three.make(LocalDate.parse("2026-11-01"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("since: more than 3 warnings");
  }

  @Test
  void make_marksRepeatAggressors_linkedByWhatThisNodeHolds() {
    put(fields("2026-11-20", "Downtown", "first").addPhoneNumbers("+16045550123").build());
    // Received, same number, incident before the period: still a repeat.
    put(
        OTHER_ORIGIN,
        TestAlerts.newId(),
        1,
        AlertStatus.ALERT_STATUS_ACTIVE,
        fields("2026-09-01", "Downtown", "older").addPhoneNumbers("+16045550123").build(),
        ALL_PATHS,
        far());
    put(fields("2026-11-21", "Downtown", "alone").addPhoneNumbers("+16045559999").build());
    Bulletin b = maker().make(LocalDate.parse("2026-11-01"), null);
    assertThat(b.areas().get(0).entries())
        .extracting(e -> e.shown().getAggressorDescription() + ":" + e.repeat())
        .containsExactly("alone:false", "first:true");
  }
}
