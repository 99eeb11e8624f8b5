package org.bdx.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.SignedAgreement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the agreement tests do not reach end to end: rows the lifecycle never writes (unknown
 * states, unparsable terms) and the exact rows each query picks. Signatures are not checked here;
 * the rows carry placeholder bytes.
 */
class AgreementStoreTest {
  private static final AgreementState PROPOSED = AgreementState.AGREEMENT_STATE_PROPOSED;
  private static final AgreementState ACTIVE = AgreementState.AGREEMENT_STATE_ACTIVE;
  private static final AgreementState TERMINATED = AgreementState.AGREEMENT_STATE_TERMINATED;
  private static final String A = "a".repeat(Ids.LENGTH);
  private static final String B = "b".repeat(Ids.LENGTH);
  private static final String C = "c".repeat(Ids.LENGTH);

  @TempDir Path dir;
  NodeDatabase db;
  AgreementStore store;
  byte[] partnerKey = key(2);
  NodeId partner = NodeId.fromPublicKey(partnerKey);

  @BeforeEach
  void open() {
    db = TestAlerts.open(dir);
    store = new AgreementStore(db);
    new PartnerStore(db)
        .insert(new PartnerRecord(partner, "bravo", "h:1", PartnerClass.PARTNER_CLASS_PEER, 0));
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static byte[] key(int seed) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) seed);
    return k;
  }

  private AgreementRecord record(String id, AgreementState state, long version) {
    AgreementTerms terms =
        AgreementTerms.newBuilder()
            .setAgreementId(id)
            .setVersion(version)
            .setProposerPublicKey(ByteString.copyFrom(key(1)))
            .setAcceptorNodeId(partner.value())
            .setAcceptorPublicKey(ByteString.copyFrom(partnerKey))
            .build();
    SignedAgreement.Builder signed =
        SignedAgreement.newBuilder()
            .setTerms(terms.toByteString())
            .setProposerSignature(ByteString.copyFrom(new byte[64]));
    if (state != AgreementState.AGREEMENT_STATE_PROPOSED) {
      signed.setAcceptorSignature(ByteString.copyFrom(new byte[64]));
    }
    return new AgreementRecord(id, partner, true, state, false, signed.build(), terms, 100);
  }

  private void setColumn(String id, String column, Object value) {
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE agreements SET " + column + " = ? WHERE agreement_id = ?")) {
            ps.setObject(1, value);
            ps.setString(2, id);
            return ps.executeUpdate();
          }
        });
  }

  private boolean acceptorSignatureIsNull(String id) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT acceptor_signature IS NULL FROM agreements WHERE agreement_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getBoolean(1);
            }
          }
        });
  }

  @Test
  void insertThenGet_roundTrips_andTheAcceptorSignatureIsAbsentWhileProposed() {
    AgreementRecord proposed = record(A, PROPOSED, 1);
    store.insert(proposed);
    assertThat(store.get(proposed.agreementId())).contains(proposed);
    assertThat(acceptorSignatureIsNull(A)).isTrue();

    AgreementRecord active = record(proposed.agreementId(), ACTIVE, 1);
    store.update(active);
    assertThat(store.get(proposed.agreementId())).contains(active);
    assertThat(acceptorSignatureIsNull(A)).isFalse();
    assertThat(store.get(B)).isEmpty();
  }

  @Test
  void update_ofAMissingRow_isAStoreException() {
    assertThatThrownBy(() -> store.update(record(A, ACTIVE, 1))).isInstanceOf(StoreException.class);
  }

  @Test
  void rowWithAnUnknownState_isAStoreException_neverARecord() {
    store.insert(record(A, ACTIVE, 1));
    for (int unknown : new int[] {0, 99}) {
      setColumn(A, "state", unknown);
      assertThatThrownBy(() -> store.get(A))
          .isInstanceOf(StoreException.class)
          .hasMessage("a stored agreement has an unknown state");
      assertThatThrownBy(store::list).isInstanceOf(StoreException.class);
      assertThatThrownBy(() -> store.latestWith(partner)).isInstanceOf(StoreException.class);
    }
  }

  @Test
  void rowWithUnparsableTerms_isAStoreException_andLeftOutOfTheTerms() {
    store.insert(record(A, TERMINATED, 1));
    store.insert(record(B, ACTIVE, 2));
    setColumn(
        B,
        "terms",
        TestCiphers.CIPHER.seal(AgreementStore.TERMS, new byte[] {(byte) 0xff, 0x01}, B));
    assertThatThrownBy(() -> store.get(B))
        .isInstanceOf(StoreException.class)
        .hasMessage("a stored agreement row is malformed");
    assertThatThrownBy(store::active).isInstanceOf(StoreException.class);
    // The key lookup still finds the partner's key in the row that parses.
    assertThat(store.termsWith(partner))
        .extracting(AgreementTerms::getAgreementId)
        .containsExactly(A);
  }

  @Test
  void queries_pickTheRowsTheyName() {
    store.insert(record(A, TERMINATED, 1));
    store.insert(record(B, ACTIVE, 2));
    store.insert(record(C, TERMINATED, 3));
    assertThat(store.list()).extracting(AgreementRecord::agreementId).containsExactly(A, B, C);
    // A live agreement comes before a newer terminated one.
    assertThat(store.latestWith(partner).orElseThrow().agreementId()).isEqualTo(B);
    assertThat(store.active()).extracting(AgreementRecord::agreementId).containsExactly(B);
    assertThat(store.countWith(partner)).isEqualTo(3);
    assertThat(store.hasLiveWith(partner)).isTrue();
    assertThat(store.termsWith(partner))
        .extracting(AgreementTerms::getVersion)
        .containsExactly(3L, 2L, 1L);

    // Only terminated rows go; the live one stays.
    assertThat(store.deleteTerminatedWith(partner)).isEqualTo(2);
    assertThat(store.list()).extracting(AgreementRecord::agreementId).containsExactly(B);
    store.update(record(B, TERMINATED, 2));
    assertThat(store.hasLiveWith(partner)).isFalse();
    assertThat(store.latestWith(partner).orElseThrow().agreementId()).isEqualTo(B);
  }

  @Test
  void anUnknownState_countsAsLive() {
    store.insert(record(A, TERMINATED, 1));
    assertThat(store.hasLiveWith(partner)).isFalse();
    setColumn(A, "state", 99);
    // Fails closed: no second agreement, no removal of the partner, while the row is unreadable.
    assertThat(store.hasLiveWith(partner)).isTrue();
    assertThat(store.deleteTerminatedWith(partner)).isZero();
  }
}
