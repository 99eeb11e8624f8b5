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
    RowCipher cipher = TestCiphers.CIPHER;
    for (Object[] bad :
        new Object[][] {
          {"class", 0},
          {"class", 99},
          {"endpoint", cipher.sealText(PartnerStore.ENDPOINT, "no-port", b.value())},
          {"name_sealed", cipher.sealText(PartnerStore.NAME, "not a name", b.value())}
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

  /** The name and the endpoint are sealed (spec AR-8): in clear, or moved, they do not open. */
  @Test
  void sealedValue_inClearOrFromAnotherRow_isAStoreException_namingTheColumn() {
    store.insert(new PartnerRecord(b, "north", "h:1", PEER, 5));
    store.insert(new PartnerRecord(c, "south", "h:2", PEER, 5));
    setColumn(b, "endpoint", "h:1");
    assertThatThrownBy(() -> store.get(b))
        .isInstanceOf(StoreException.class)
        .hasMessage("a stored partners.endpoint value is not sealed");
    byte[] southsName =
        db.inTransaction(
            conn -> {
              try (PreparedStatement ps =
                  conn.prepareStatement("SELECT name_sealed FROM partners WHERE node_id = ?")) {
                ps.setString(1, c.value());
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  return rs.getBytes(1);
                }
              }
            });
    setColumn(b, "endpoint", TestCiphers.CIPHER.sealText(PartnerStore.ENDPOINT, "h:1", b.value()));
    setColumn(b, "name_sealed", southsName);
    assertThatThrownBy(() -> store.get(b))
        .isInstanceOf(StoreException.class)
        .hasMessage("a stored partners.name_sealed value does not open with this node's keys");
    assertThat(store.get(c)).isPresent();
  }

  /** The name is found and kept unique by its keyed hash, ignoring case as NOCASE did. */
  @Test
  void name_isFoundIgnoringCase_andNotStoredInClear() {
    store.insert(new PartnerRecord(b, "Qxnorth-Org", "qxhost.example:7443", PEER, 5));
    assertThat(store.byName("qxnorth-org")).map(PartnerRecord::nodeId).contains(b);
    assertThat(store.byName("QXNORTH-ORG")).map(PartnerRecord::nodeId).contains(b);
    assertThat(store.byName("qxnorth")).isEmpty();
    assertThatThrownBy(() -> store.insert(new PartnerRecord(c, "qxNORTH-org", "h:1", PEER, 5)))
        .isInstanceOf(StoreException.class);
    String stored =
        db.inTransaction(
            conn -> {
              StringBuilder sb = new StringBuilder();
              try (PreparedStatement ps = conn.prepareStatement("SELECT * FROM partners");
                  java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    byte[] v = rs.getBytes(i);
                    if (v != null) {
                      sb.append(new String(v, java.nio.charset.StandardCharsets.ISO_8859_1));
                    }
                  }
                }
              }
              return sb.toString().toLowerCase(java.util.Locale.ROOT);
            });
    assertThat(stored).doesNotContain("qxnorth").doesNotContain("qxhost");
    // Twin: the node id, which routing needs, is there in clear.
    assertThat(stored).contains(b.value().toLowerCase(java.util.Locale.ROOT));
  }

  @Test
  void list_isByNameIgnoringCase() {
    store.insert(new PartnerRecord(b, "north", "h:1", PEER, 5));
    store.insert(new PartnerRecord(c, "East", "h:2", PEER, 5));
    store.insert(new PartnerRecord(id(4), "west", "h:3", PEER, 5));
    assertThat(store.list())
        .extracting(PartnerRecord::name)
        .containsExactly("East", "north", "west");
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
