package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.node.store.TestAlerts.ORIGIN;
import static org.bdx.node.store.TestAlerts.alert;
import static org.bdx.node.store.TestAlerts.fields;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bdx.node.search.AlertIndex;
import org.bdx.proto.v1.HarmCategory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema 21: the index rows of a schema 20 database become one full-text document per alert, every
 * term kept under its alert and date and none added, so searches after the upgrade find what they
 * found before, in the same order; the old table is gone; changes after it keep the index in step.
 */
class Migration21Test {
  @TempDir Path dir;

  @Test
  void upgrade_everyTermBecomesAnEntryOfItsAlert_searchesUnchanged() {
    List<String> ids = new ArrayList<>();
    List<String> tall;
    List<String> scarThreats;
    List<String> phone;
    long termRows;
    try (NodeDatabase db = TestAlerts.open(dir)) {
      AlertStore store = new AlertStore(db, new AlertIndex());
      for (int i = 0; i < 40; i++) {
        String id = TestAlerts.newId();
        var f = fields(i % 10 == 0 ? "" : String.format("2026-%02d-%02d", 1 + i % 12, 1 + i % 7));
        f.setAggressorDescription(i % 3 == 0 ? "tall with a scar" : "tall");
        f.addPhoneNumbers(String.format("+1604555%04d", i % 4));
        if (i % 2 == 0) {
          f.addHarms(HarmCategory.HARM_CATEGORY_THREATS);
        }
        store.put(alert(ORIGIN, id, 1, f.build()));
        ids.add(id);
      }
      tall = TestAlerts.foundByText(db, "tall", null);
      scarThreats = TestAlerts.foundByText(db, "scar", Set.of(HarmCategory.HARM_CATEGORY_THREATS));
      phone = TestAlerts.foundByPhone(db, "+16045550001");
      LegacyDatabase.downgradeTo20(db);
      assertThat(db.schemaVersion()).isEqualTo(20);
      termRows = db.queryLong("SELECT count(*) FROM alert_terms");
      assertThat(termRows).isEqualTo(db.queryLong("SELECT sum(length(terms)) / 8 FROM alerts"));
    }
    try (NodeDatabase db = TestAlerts.open(dir)) {
      assertThat(db.schemaVersion()).isEqualTo(Migrations.latestVersion());
      assertThat(db.queryLong("SELECT count(*) FROM sqlite_master WHERE name = 'alert_terms'"))
          .isZero();
      assertThat((long) IndexRows.entries(db)).isEqualTo(termRows);
      assertThat(IndexRows.orphans(db)).isZero();
      assertThat(IndexRows.misdated(db)).isZero();
      // Robbery in every alert (TestAlerts.fields), threats in every second one.
      assertThat((long) IndexRows.harmEntries(db)).isEqualTo(60L);
      assertThat(tall).hasSize(40);
      assertThat(scarThreats).hasSize(7);
      assertThat(phone).hasSize(10);
      assertThat(TestAlerts.foundByText(db, "tall", null)).containsExactlyElementsOf(tall);
      assertThat(TestAlerts.foundByText(db, "scar", Set.of(HarmCategory.HARM_CATEGORY_THREATS)))
          .containsExactlyElementsOf(scarThreats);
      assertThat(TestAlerts.foundByPhone(db, "+16045550001")).containsExactlyElementsOf(phone);

      // After the upgrade: a new version moves the alert's entries to its new date.
      AlertStore store = new AlertStore(db, new AlertIndex());
      store.put(
          alert(
              ORIGIN, ids.get(1), 2, fields("2027-01-01").setAggressorDescription("tall").build()));
      assertThat(TestAlerts.foundByText(db, "tall", null).get(0)).isEqualTo(ids.get(1));
      assertThat(TestAlerts.foundByText(db, "scar", null)).doesNotContain(ids.get(1));
      assertThat(IndexRows.misdated(db)).isZero();
      assertThat((long) IndexRows.entries(db))
          .isEqualTo(db.queryLong("SELECT sum(length(terms)) / 8 FROM alerts"));
    }
  }
}
