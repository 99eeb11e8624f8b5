package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.node.store.TestAlerts.ORIGIN;
import static org.bdx.node.store.TestAlerts.OTHER_ORIGIN;
import static org.bdx.node.store.TestAlerts.alert;
import static org.bdx.node.store.TestAlerts.fields;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bdx.node.search.AlertIndex;
import org.bdx.node.search.AlertQuery;
import org.bdx.node.search.AlertSearch;
import org.bdx.proto.v1.FeedItem;
import org.bdx.proto.v1.SignedAlert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema 11 (spec AR-6, AR-7) on a database as bdx wrote it before: every value sealed in place,
 * the clear index dropped, nothing lost, and the keyed-hash index built at the next open.
 */
class SealingMigrationTest {
  @TempDir Path dir;

  private static final List<String> CANARIES =
      List.of(
          "Qxsealdesc", "+16045550777", "QXP777", "Qxsealarea", "Qxsealenvelope", "Qxsealreason");

  @Test
  void upgrade_sealsEveryValue_dropsTheClearIndex_andLosesNothing() throws IOException {
    String id = TestAlerts.newId();
    String relayed = TestAlerts.newId();
    StoredAlert own =
        alert(
            ORIGIN,
            id,
            1,
            fields("2026-05-06")
                .setAggressorDescription("Qxsealdesc with a scar")
                .addPhoneNumbers("+16045550777")
                .setVehiclePlate("QXP777")
                .setArea("Qxsealarea North")
                .build());
    StoredAlert received =
        alert(OTHER_ORIGIN, relayed, 2, fields("2026-05-07").build())
            .withProvenance(OTHER_ORIGIN, TestAlerts.newId(), 3_900_000_000L);
    SignedAlert queued =
        own.envelope().toBuilder().setHeader(ByteString.copyFromUtf8("Qxsealenvelope")).build();
    try (NodeDatabase db = TestAlerts.open(dir)) {
      AlertStore store = new AlertStore(db, new AlertIndex());
      store.put(own);
      store.put(received);
      new OutboxStore(db)
          .queue(
              new OutboxStore.Entry(
                  OTHER_ORIGIN,
                  TestAlerts.newId(),
                  ORIGIN,
                  id,
                  1,
                  queued,
                  1_700_000_000L,
                  0,
                  1,
                  true));
      new RetractionReasons(db).put(id, "Qxsealreason", 1_700_000_000L);
      LegacyDatabase.downgrade(db);
    }
    // Twin: as an older bdx left it, every canary is in the files in clear.
    for (String c : CANARIES) {
      assertThat(filesHolding(c)).as(c).isNotEmpty();
    }

    try (NodeDatabase db = TestAlerts.open(dir)) {
      assertThat(db.schemaVersion()).isEqualTo(Migrations.latestVersion());
      for (String c : CANARIES) {
        assertThat(filesHolding(c)).as(c).isEmpty();
      }
      AlertStore store = new AlertStore(db, new AlertIndex());
      assertThat(store.get(ORIGIN, id)).contains(own);
      assertThat(store.get(OTHER_ORIGIN, relayed)).contains(received);
      List<FeedItem> items = new OutboxStore(db).readAfter(OTHER_ORIGIN, 0, 10);
      assertThat(items).extracting(FeedItem::getAlert).containsExactly(queued);
      assertThat(new RetractionReasons(db).get(id)).contains("Qxsealreason");

      // The index is built at the next open (Node does it before serving); until then no alert
      // is found by a value, afterwards each is found by every kind of value.
      AlertSearch search = new AlertSearch(new SearchIndex(db));
      AlertQuery byWord = new AlertQuery(null, null, "scar", null, null, null, null, 0, null);
      assertThat(search.search(byWord).items()).isEmpty();
      assertThat(store.reindexIfNeeded((done, total) -> {})).isEqualTo(2);
      assertThat(store.reindexIfNeeded((done, total) -> {})).isZero();
      for (AlertQuery q :
          List.of(
              byWord,
              new AlertQuery("+16045550777", null, null, null, null, null, null, 0, null),
              new AlertQuery(null, "P77", null, null, null, null, null, 0, null),
              new AlertQuery(null, null, null, "qxsealarea n", null, null, null, 0, null))) {
        assertThat(search.search(q).items()).extracting(StoredAlert::alertId).containsExactly(id);
      }
    }
  }

  /** The files of the database directory that hold {@code canary}, as typed or lower-cased. */
  private List<String> filesHolding(String canary) throws IOException {
    List<String> hits = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        if (bytes.contains(canary) || bytes.contains(canary.toLowerCase(Locale.ROOT))) {
          hits.add(f.getFileName().toString());
        }
      }
    }
    return hits;
  }
}
