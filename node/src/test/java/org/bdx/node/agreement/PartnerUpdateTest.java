package org.bdx.node.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.error.BdxException;
import org.bdx.node.error.BdxException.Kind;
import org.bdx.node.store.AgreementRecord;
import org.bdx.node.store.PartnerRecord;
import org.junit.jupiter.api.Test;

/**
 * Changing a partner's endpoint or name in place (spec ADM-4.3): node id, class and agreements
 * stay; the same rules as for adding apply; a change is recorded, never with the endpoint.
 */
class PartnerUpdateTest extends TwoNodes {

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

  private static List<String> audit(AgreementFixtures.Side s) {
    return new AuditLog(s.db, Clock.systemUTC())
        .list(0, 0, 500).stream().map(r -> r.action() + " | " + r.detail()).toList();
  }

  @Test
  void update_endpointAndName_keepsIdClassAndTheActiveAgreement() {
    String id = activate();
    PartnerRecord before = a.partners.find("bravo").orElseThrow();
    AgreementRecord agreement = a.book.get(id).orElseThrow();
    var grantsBefore = a.grants.outbound();

    PartnerRecord after = a.partners.update("bravo", " 10.0.0.9:7401 ", "Bravo-South");

    assertThat(after.name()).isEqualTo("Bravo-South");
    assertThat(after.endpoint()).isEqualTo("10.0.0.9:7401");
    assertThat(after.nodeId()).isEqualTo(before.nodeId());
    assertThat(after.partnerClass()).isEqualTo(SUPPORT);
    assertThat(after.addedAt()).isEqualTo(before.addedAt());
    assertThat(a.partners.find("bravo-south")).contains(after);
    assertThat(a.partners.find(b.keys.nodeId().value())).contains(after);
    assertThat(a.partners.find("bravo")).isEmpty();
    assertThat(a.partners.isPartner(b.keys.nodeId())).isTrue();
    assertThat(a.book.get(id)).contains(agreement);
    assertThat(a.grants.outbound()).isEqualTo(grantsBefore);
    // An agreement action names the partner by its new name.
    a.coordinator.suspend(id);
    assertThat(audit(a).getLast())
        .contains("agreement.suspend")
        .contains("partner_name=Bravo-South");
  }

  @Test
  void update_oneField_leavesTheOther() {
    a.partners.update("bravo", "", "bravo2");
    assertThat(a.partners.find("bravo2").orElseThrow().endpoint()).isEqualTo("127.0.0.1:7401");
    a.partners.update("bravo2", "h:9", null);
    assertThat(a.partners.find("bravo2").orElseThrow().endpoint()).isEqualTo("h:9");
  }

  @Test
  void update_caseOfItsOwnName_isNoClash() {
    PartnerRecord p = a.partners.update("bravo", null, "BRAVO");
    assertThat(p.name()).isEqualTo("BRAVO");
  }

  @Test
  void update_nameOfAnotherPartner_alreadyExists_andChangesNothing() {
    a.partners.add("charlie", AgreementFixtures.keys(3).nodeId(), "h:3", PEER);
    assertKind(
        () -> a.partners.update("bravo", "h:4", "CHARLIE"), Kind.ALREADY_EXISTS, "already taken");
    assertThat(a.partners.find("bravo").orElseThrow().endpoint()).isEqualTo("127.0.0.1:7401");
  }

  @Test
  void update_neither_invalid() {
    assertKind(() -> a.partners.update("bravo", "", ""), Kind.INVALID_ARGUMENT, "new endpoint");
    assertKind(() -> a.partners.update("bravo", null, null), Kind.INVALID_ARGUMENT);
  }

  @Test
  void update_invalidValues_namesEveryProblem_asAddDoes() {
    assertKind(
        () -> a.partners.update("bravo", "no-port", "bad name!"),
        Kind.INVALID_ARGUMENT,
        "name must be",
        "endpoint");
    assertKind(() -> a.partners.update("bravo", "h:0", null), Kind.INVALID_ARGUMENT, "port");
    assertKind(
        () -> a.partners.update("bravo", null, a.keys.nodeId().value()),
        Kind.INVALID_ARGUMENT,
        "must not be a node id");
    assertKind(
        () -> a.partners.update("bravo", null, "x".repeat(65)), Kind.INVALID_ARGUMENT, "name");
    assertThat(a.partners.find("bravo").orElseThrow().endpoint()).isEqualTo("127.0.0.1:7401");
  }

  @Test
  void update_unknown_notFound() {
    assertKind(() -> a.partners.update("nobody", "h:1", null), Kind.NOT_FOUND);
    assertKind(
        () -> a.partners.update(AgreementFixtures.keys(9).nodeId().value(), "h:1", null),
        Kind.NOT_FOUND);
  }

  @Test
  void update_isRecorded_withoutTheEndpoint_andOnlyWhenSomethingChanged() {
    String bravo = "partner=" + b.keys.nodeId().value();
    a.partners.update("bravo", "10.9.8.7:7401", null);
    a.partners.update("bravo", "10.9.8.7:7401", null);
    a.partners.update("bravo", null, "south");
    a.partners.update("south", "10.9.8.6:1", "north");

    assertThat(audit(a))
        .containsExactly(
            "partner.add | " + bravo + " partner_name=bravo class=support",
            "partner.update | " + bravo + " partner_name=bravo changed=endpoint",
            "partner.update | " + bravo + " partner_name=south changed=name previous_name=bravo",
            "partner.update | "
                + bravo
                + " partner_name=north changed=name,endpoint previous_name=south");
    assertThat(String.join("\n", audit(a))).doesNotContain("10.9.8");
  }

  @Test
  void listeners_hearOfEachChange_afterItIsStored() {
    List<PartnerRecord> heard = new ArrayList<>();
    a.partners.addListener(
        p -> {
          // Committed: a fresh read sees the change.
          assertThat(a.partners.get(p.nodeId())).contains(p);
          heard.add(p);
        });
    a.partners.update("bravo", "h:2", null);
    a.partners.update("bravo", "h:2", null);
    assertKind(() -> a.partners.update("bravo", "h:0", null), Kind.INVALID_ARGUMENT);
    assertThat(heard).extracting(PartnerRecord::endpoint).containsExactly("h:2");
  }
}
