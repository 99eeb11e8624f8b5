package org.bdx.node.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.node.agreement.AgreementFixtures.proposed;

import java.nio.file.Path;
import org.bdx.node.agreement.AgreementFixtures.Side;
import org.bdx.node.error.BdxException;
import org.bdx.node.error.BdxException.Kind;
import org.bdx.node.identity.NodeId;
import org.bdx.node.store.PartnerRecord;
import org.bdx.proto.v1.PartnerClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartnersTest {
  private static final PartnerClass PEER = PartnerClass.PARTNER_CLASS_PEER;

  @TempDir Path dir;
  Side a;
  NodeId b = AgreementFixtures.keys(2).nodeId();
  NodeId c = AgreementFixtures.keys(3).nodeId();

  @BeforeEach
  void open() throws Exception {
    a = new Side(dir, "alpha", 1);
  }

  @AfterEach
  void close() {
    a.close();
  }

  private static void assertKind(Runnable call, Kind kind, String... fragments) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            BdxException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(kind);
              for (String f : fragments) {
                assertThat(e.getMessage()).contains(f);
              }
            });
  }

  @Test
  void add_thenListFindGet() {
    PartnerRecord p = a.partners.add("North-Peers", b, " [::1]:7401 ", PEER);
    assertThat(p.endpoint()).isEqualTo("[::1]:7401");
    assertThat(p.addedAt()).isEqualTo(AgreementFixtures.T0.getEpochSecond());
    assertThat(a.partners.list()).containsExactly(p);
    assertThat(a.partners.find("north-peers")).contains(p);
    assertThat(a.partners.find("NORTH-PEERS")).contains(p);
    assertThat(a.partners.find(b.value())).contains(p);
    assertThat(a.partners.find("  " + b.value().toUpperCase() + "\n")).contains(p);
    assertThat(a.partners.get(b)).contains(p);
    assertThat(a.partners.find("south")).isEmpty();
    assertThat(a.partners.find(c.value())).isEmpty();
    assertThat(a.partners.find(null)).isEmpty();
    assertThat(a.partners.find("x".repeat(10_000))).isEmpty();
  }

  @Test
  void labels_nameAndFingerprint_followAddAndRemove() {
    PartnerLabels labels = a.partners.labels();
    assertThat(labels.of(b)).isEqualTo(b.fingerprint());

    a.partners.add("north-peers", b, "h:1", PEER);
    assertThat(labels.of(b)).isEqualTo("north-peers (" + b.fingerprint() + ")");
    assertThat(labels.of(c)).as("not registered").isEqualTo(c.fingerprint());

    a.partners.remove("north-peers");
    assertThat(labels.of(b)).isEqualTo(b.fingerprint());

    a.partners.add("south-peers", b, "h:1", PEER);
    assertThat(labels.of(b)).isEqualTo("south-peers (" + b.fingerprint() + ")");
  }

  @Test
  void labels_whenTheDatabaseCannotBeRead_giveTheFingerprint_andKeepKnownNames() {
    a.partners.add("north-peers", b, "h:1", PEER);
    PartnerLabels labels = a.partners.labels();
    assertThat(labels.of(b)).isEqualTo("north-peers (" + b.fingerprint() + ")");

    a.db.close();

    assertThat(labels.of(b)).isEqualTo("north-peers (" + b.fingerprint() + ")");
    assertThat(labels.of(c)).isEqualTo(c.fingerprint());
    assertThat(labels.of(null)).isEqualTo("(no node id)");
  }

  @Test
  void list_isOrderedByName() {
    a.partners.add("zulu", b, "h:1", PEER);
    a.partners.add("Alpha2", c, "h:2", PEER);
    assertThat(a.partners.list()).extracting(PartnerRecord::name).containsExactly("Alpha2", "zulu");
  }

  @Test
  void add_duplicateNameIgnoringCase_orDuplicateId_alreadyExists() {
    a.partners.add("north", b, "h:1", PEER);
    assertKind(() -> a.partners.add("NORTH", c, "h:1", PEER), Kind.ALREADY_EXISTS, "name");
    assertKind(() -> a.partners.add("south", b, "h:1", PEER), Kind.ALREADY_EXISTS, "node id");
    assertThat(a.partners.list()).hasSize(1);
  }

  @Test
  void add_invalid_namesEveryProblem() {
    assertKind(
        () -> a.partners.add("bad name!", b, "no-port", PartnerClass.PARTNER_CLASS_UNSPECIFIED),
        Kind.INVALID_ARGUMENT,
        "name must be",
        "endpoint",
        "partner class");
    assertKind(() -> a.partners.add("x".repeat(65), b, "h:1", PEER), Kind.INVALID_ARGUMENT, "name");
    assertKind(() -> a.partners.add("", b, "h:1", PEER), Kind.INVALID_ARGUMENT, "name");
    assertKind(
        () -> a.partners.add(c.value(), b, "h:1", PEER),
        Kind.INVALID_ARGUMENT,
        "must not be a node id");
    assertKind(() -> a.partners.add("n", b, "h:0", PEER), Kind.INVALID_ARGUMENT, "port");
    assertKind(() -> a.partners.add("n", b, "h:99999", PEER), Kind.INVALID_ARGUMENT, "port");
    assertKind(
        () -> a.partners.add("n", b, "h:1", PartnerClass.UNRECOGNIZED),
        Kind.INVALID_ARGUMENT,
        "partner class");
    assertKind(() -> a.partners.add("n", null, "h:1", PEER), Kind.INVALID_ARGUMENT, "node id");
    assertThat(a.partners.list()).isEmpty();
  }

  @Test
  void isPartner_followsAddAndRemove() {
    assertThat(a.partners.isPartner(b)).isFalse();
    a.partners.add("north", b, "h:1", PEER);
    assertThat(a.partners.isPartner(b)).isTrue();
    assertThat(a.partners.isPartner(c)).isFalse();
    assertThat(a.partners.isPartner(null)).isFalse();
    a.partners.remove("north");
    assertThat(a.partners.isPartner(b)).isFalse();
  }

  @Test
  void remove_unknown_notFound() {
    assertKind(() -> a.partners.remove("north"), Kind.NOT_FOUND);
  }

  @Test
  void remove_refusedWhileAnAgreementIsLive_thenDropsTerminatedAgreements() throws Exception {
    try (Side bravo = new Side(dir, "bravo", 2)) {
      a.register(bravo, PEER);
      String id =
          a.coordinator.propose("bravo", proposed(PEER), bravo.keys.publicKey()).agreementId();
      assertKind(() -> a.partners.remove("bravo"), Kind.FAILED_PRECONDITION, "terminate it first");
      assertThat(a.partners.isPartner(bravo.keys.nodeId())).isTrue();
      a.coordinator.terminate(id);
      a.partners.remove(bravo.keys.nodeId().value());
      assertThat(a.partners.list()).isEmpty();
      assertThat(a.book.list()).isEmpty();
      assertThat(a.book.get(id)).isEmpty();
    }
  }

  @Test
  void changesThroughAnotherInstance_seenAfterReload() {
    Partners other = new Partners(a.db);
    assertThat(a.partners.isPartner(b)).isFalse();
    other.add("north", b, "h:1", PEER);
    a.partners.reload();
    assertThat(a.partners.isPartner(b)).isTrue();
  }
}
