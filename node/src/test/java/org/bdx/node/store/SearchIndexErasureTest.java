package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.node.store.TestAlerts.ORIGIN;
import static org.bdx.node.store.TestAlerts.alert;
import static org.bdx.node.store.TestAlerts.fields;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import org.bdx.node.search.AlertIndex;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.HarmCategory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A term an alert no longer holds leaves the full-text index's own tables in the same transaction
 * (spec VER-6, AR-7.1): the index removes a deleted document's entries from its lists (its
 * secure-delete option), rather than keeping them beside a deletion marker until a later merge.
 * Read on the index's stored pages, so a term hidden from searches but still stored would fail.
 */
class SearchIndexErasureTest {
  @TempDir Path dir;

  NodeDatabase db;
  AlertStore store;

  @BeforeEach
  void open() {
    db = TestAlerts.open(dir);
    store = new AlertStore(db, new AlertIndex());
    // Neighbours, so the index has lists and pages beyond the alert under test.
    for (int i = 0; i < 20; i++) {
      store.put(
          alert(
              ORIGIN,
              TestAlerts.newId(),
              1,
              fields("2026-02-0" + (1 + i % 9)).addPhoneNumbers("+1604555" + (1000 + i)).build()));
    }
  }

  @AfterEach
  void close() {
    db.close();
  }

  /**
   * Stored pages of the index ({@code alert_index_data}, and the first terms of its pages in {@code
   * alert_index_idx}) that hold the hexadecimal word of {@code token}'s term. A term is stored
   * after the bytes it shares with the term before it, so the last 12 digits are looked for.
   */
  private int pagesHolding(String token) {
    String hex = HexFormat.of().toHexDigits(TestCiphers.CIPHER.term(token)).substring(4);
    byte[] needle = hex.getBytes(StandardCharsets.US_ASCII);
    return db.inTransaction(
        c -> {
          int n = 0;
          for (String sql :
              new String[] {
                "SELECT count(*) FROM alert_index_data WHERE instr(block, ?) > 0",
                "SELECT count(*) FROM alert_index_idx WHERE instr(term, ?) > 0"
              }) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
              ps.setBytes(1, needle);
              try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                n += rs.getInt(1);
              }
            }
          }
          return n;
        });
  }

  @Test
  void newVersion_oldTermsLeaveTheIndexPages() {
    String id = TestAlerts.newId();
    store.put(
        alert(
            ORIGIN,
            id,
            1,
            fields("2026-03-04")
                .addPhoneNumbers("+16045559876")
                .addHarms(HarmCategory.HARM_CATEGORY_THREATS)
                .build()));
    assertThat(pagesHolding("phone:+16045559876")).as("the term is stored at first").isPositive();
    assertThat(IndexRows.harmEntries(db)).isEqualTo(22); // robbery in each, threats here

    store.put(alert(ORIGIN, id, 2, fields("2026-03-04").addPhoneNumbers("+16045554321").build()));

    // The old document went with all its words, harms included.
    assertThat(IndexRows.harmEntries(db)).isEqualTo(21);

    assertThat(pagesHolding("phone:+16045559876")).isZero();
    assertThat(pagesHolding("phone:+16045554321")).isPositive();
    assertThat(IndexRows.holding(db, "phone:+16045559876")).isZero();
  }

  @Test
  void retraction_allTermsLeaveTheIndexPages() {
    String id = TestAlerts.newId();
    store.put(alert(ORIGIN, id, 1, fields("2026-03-05").addPhoneNumbers("+16045558765").build()));
    assertThat(pagesHolding("phone:+16045558765")).isPositive();

    store.put(
        alert(
            ORIGIN,
            id,
            2,
            AlertStatus.ALERT_STATUS_RETRACTED,
            fields("2026-03-05").addPhoneNumbers("+16045558765").build()));

    assertThat(pagesHolding("phone:+16045558765")).isZero();
    assertThat(IndexRows.entries(db))
        .isEqualTo(
            db.queryLong("SELECT sum(length(terms)) / 8 FROM alerts WHERE length(terms) > 0"));
  }
}
