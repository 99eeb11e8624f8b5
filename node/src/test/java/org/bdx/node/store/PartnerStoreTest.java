package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.Arrays;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.PartnerClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the partner tests do not reach end to end: rows that {@code Partners} never writes, and the
 * table's own guards behind the checks {@code Partners} makes first.
 */
class PartnerStoreTest {
  private static final PartnerClass PEER = PartnerClass.PARTNER_CLASS_PEER;

  @TempDir Path dir;
  NodeDatabase db;
  PartnerStore store;
  NodeId b = id(2);
  NodeId c = id(3);

  @BeforeEach
  void open() {
    db = TestAlerts.open(dir);
    store = new PartnerStore(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static NodeId id(int seed) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) seed);
    return NodeId.fromPublicKey(k);
  }

  private void setColumn(NodeId id, String column, Object value) {
    db.inTransaction(
        conn -> {
          try (PreparedStatement ps =
              conn.prepareStatement("UPDATE partners SET " + column + " = ? WHERE node_id = ?")) {
            ps.setObject(1, value);
            ps.setString(2, id.value());
            return ps.executeUpdate();
          }
        });
  }

  @Test
  void insertThenRead_byIdNameListAndIds() {
    PartnerRecord p = new PartnerRecord(b, "North", "h:1", PEER, 5);
    store.insert(p);
    assertThat(store.get(b)).contains(p);
    assertThat(store.get(c)).isEmpty();
    assertThat(store.byName("NORTH")).contains(p);
    assertThat(store.list()).containsExactly(p);
    assertThat(store.ids()).containsExactly(b);
    assertThat(store.delete(b)).isTrue();
    assertThat(store.delete(b)).isFalse();
    assertThat(store.ids()).isEmpty();
  }

  @Test
  void takenIdOrNameIgnoringCase_isAStoreException() {
    store.insert(new PartnerRecord(b, "north", "h:1", PEER, 5));
    assertThatThrownBy(() -> store.insert(new PartnerRecord(c, "NORTH", "h:1", PEER, 5)))
        .isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> store.insert(new PartnerRecord(b, "south", "h:1", PEER, 5)))
        .isInstanceOf(StoreException.class);
    assertThat(store.list()).hasSize(1);
  }

  @Test
  void malformedRow_isAStoreException_neverARecord() {
    store.insert(new PartnerRecord(b, "north", "h:1", PEER, 5));
    for (Object[] bad :
        new Object[][] {
          {"class", 0}, {"class", 99}, {"endpoint", "no-port"}, {"name", "not a name"}
        }) {
      setColumn(b, (String) bad[0], bad[1]);
      assertThatThrownBy(() -> store.get(b))
          .isInstanceOf(StoreException.class)
          .hasMessage("a stored partner row is malformed");
      assertThatThrownBy(store::list).isInstanceOf(StoreException.class);
      store.delete(b);
      store.insert(new PartnerRecord(b, "north", "h:1", PEER, 5));
    }
  }

  @Test
  void delete_whileAnAgreementRefersToThePartner_isAStoreException() {
    store.insert(new PartnerRecord(b, "north", "h:1", PEER, 5));
    db.inTransaction(
        conn -> {
          try (PreparedStatement ps =
              conn.prepareStatement(
                  "INSERT INTO agreements (agreement_id, partner_node_id, proposed_by_us, state,"
                      + " terms, proposer_signature, updated_at) VALUES (?, ?, 1, ?, x'', x'', 0)")) {
            ps.setString(1, "a".repeat(Ids.LENGTH));
            ps.setString(2, b.value());
            ps.setInt(3, AgreementState.AGREEMENT_STATE_TERMINATED_VALUE);
            return ps.executeUpdate();
          }
        });
    // Why Partners deletes the partner's terminated agreements first.
    assertThatThrownBy(() -> store.delete(b)).isInstanceOf(StoreException.class);
    assertThat(store.get(b)).isPresent();
  }
}
