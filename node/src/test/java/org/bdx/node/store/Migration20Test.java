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
 * Schema 20 (and 21 after it): the index rows of a schema 19 database gain their alert's incident
 * date, every row kept and none added, so searches after the upgrade find what they found before,
 * in the same order; changes after it keep the index in step with the alerts.
 */
class Migration20Test {
  @TempDir Path dir;

  private static long indexRows(NodeDatabase db) {
    return IndexRows.entries(db) * 1000L + db.queryLong("SELECT count(*) FROM alert_harms");
  }

  @Test
  void upgrade_datesEveryIndexRow_searchesUnchanged() {
    List<String> ids = new ArrayList<>();
    long rows;
    List<String> tall;
    List<String> scarRobbery;
    try (NodeDatabase db = TestAlerts.open(dir)) {
      AlertStore store = new AlertStore(db, new AlertIndex());
      for (int i = 0; i < 30; i++) {
        String id = TestAlerts.newId();
        var f = fields(String.format("2026-%02d-%02d", 1 + i % 12, 1 + i % 7));
        f.setAggressorDescription(i % 3 == 0 ? "tall with a scar" : "tall");
        if (i % 2 == 0) {
          f.addHarms(HarmCategory.HARM_CATEGORY_THREATS);
        }
        store.put(alert(ORIGIN, id, 1, f.build()));
        ids.add(id);
      }
      rows = indexRows(db);
      tall = TestAlerts.foundByText(db, "tall", null);
      scarRobbery = TestAlerts.foundByText(db, "scar", Set.of(HarmCategory.HARM_CATEGORY_ROBBERY));
      LegacyDatabase.downgradeTo19(db);
      assertThat(db.schemaVersion()).isEqualTo(19);
    }
    try (NodeDatabase db = TestAlerts.open(dir)) {
      assertThat(db.schemaVersion()).isEqualTo(Migrations.latestVersion());
      assertThat(indexRows(db)).isEqualTo(rows);
      // Every row carries its alert's date.
      assertThat(IndexRows.misdated(db)).isZero();
      assertThat(
              db.queryLong(
                  "SELECT count(*) FROM alert_harms h JOIN alerts a ON a.seq = h.seq"
                      + " WHERE h.incident_day = CAST(replace(a.incident_date, '-', '') AS INTEGER)"))
          .isEqualTo(rows % 1000);
      assertThat(tall).hasSize(30);
      assertThat(scarRobbery).isNotEmpty();
      assertThat(TestAlerts.foundByText(db, "tall", null)).containsExactlyElementsOf(tall);
      assertThat(TestAlerts.foundByText(db, "scar", Set.of(HarmCategory.HARM_CATEGORY_ROBBERY)))
          .containsExactlyElementsOf(scarRobbery);
      // A change after the upgrade moves the alert's rows to its new date; a delete removes them.
      AlertStore store = new AlertStore(db, new AlertIndex());
      store.put(
          alert(
              ORIGIN, ids.get(0), 2, fields("2027-01-01").setAggressorDescription("tall").build()));
      assertThat(TestAlerts.foundByText(db, "tall", null).get(0)).isEqualTo(ids.get(0));
      assertThat(IndexRows.misdated(db)).isZero();
      assertThat(
              db.queryLong("SELECT count(*) FROM alert_harms WHERE incident_day = 20270101")
                  + IndexRows.holding(db, "word:tal"))
          .isPositive();
    }
  }
}
