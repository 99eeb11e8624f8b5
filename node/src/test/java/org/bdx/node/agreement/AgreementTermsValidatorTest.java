package org.bdx.node.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.List;
import org.bdx.node.error.BdxException;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.signing.Disclosures;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.PartnerClass;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AgreementTermsValidatorTest {
  static final NodeKeys A = AgreementFixtures.keys(1);
  static final NodeKeys B = AgreementFixtures.keys(2);

  static AgreementTerms.Builder valid() {
    return AgreementTerms.newBuilder()
        .setAgreementId("abcdefghijklmnopqrstuvwxya")
        .setVersion(1)
        .setProposerNodeId(A.nodeId().value())
        .setProposerPublicKey(ByteString.copyFrom(A.publicKey()))
        .setAcceptorNodeId(B.nodeId().value())
        .setAcceptorPublicKey(ByteString.copyFrom(B.publicKey()))
        .setProposerToAcceptor(AgreementFixtures.direction(PartnerClass.PARTNER_CLASS_PEER))
        .setAcceptorToProposer(AgreementFixtures.direction(PartnerClass.PARTNER_CLASS_POLICE))
        .setProposedAt(AgreementFixtures.T0.getEpochSecond());
  }

  @Test
  void valid_hasNoProblems() {
    assertThat(AgreementTermsValidator.problems(valid().build())).isEmpty();
    AgreementTermsValidator.validate(valid().build());
    DirectionTerms everything =
        DirectionTerms.newBuilder()
            .setReceiverClass(PartnerClass.PARTNER_CLASS_SUPPORT)
            .setAllHarms(true)
            .setAllAreas(true)
            .addAllFieldPaths(Disclosures.claimPaths())
            .setMayRelay(true)
            .setMaxRelayHops(8)
            .setRetentionDays(3650)
            .build();
    assertThat(AgreementTermsValidator.problems(valid().setProposerToAcceptor(everything).build()))
        .isEmpty();
  }

  @Test
  void everyProblemOfADirection_isCollected() {
    DirectionTerms.Builder bad =
        DirectionTerms.newBuilder()
            .setReceiverClass(PartnerClass.PARTNER_CLASS_UNSPECIFIED)
            .addHarms(HarmCategory.HARM_CATEGORY_UNSPECIFIED)
            .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
            .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
            .addHarmsValue(99)
            .addAreas("")
            .addAreas("x".repeat(101))
            .addAreas("Downtown")
            .addAreas("DOWNTOWN")
            .addAreas("tab\there")
            .setMinSeverityValue(42)
            .addFieldPaths("phone_numbers")
            .addFieldPaths("phone_numbers")
            .addFieldPaths("narrative")
            .setMaxRelayHops(3)
            .setRetentionDays(3651);
    List<String> problems =
        AgreementTermsValidator.problems(valid().setProposerToAcceptor(bad).build());
    String p = "proposer_to_acceptor.";
    assertThat(problems)
        .containsExactly(
            p + "receiver_class: must be peer, support or police",
            p + "harms[0]: unknown or unspecified harm category",
            p + "harms[2]: listed twice",
            p + "harms[3]: unknown or unspecified harm category",
            p + "areas[0]: must be 1 to 100 characters",
            p + "areas[1]: must be 1 to 100 characters",
            p + "areas[3]: listed twice (areas match ignoring case)",
            p + "areas[4]: must not contain control characters",
            p + "min_severity: unknown severity",
            p + "field_paths[1]: listed twice",
            p + "field_paths[2]: not an alert field path",
            p + "max_relay_hops: must be 0 unless may_relay is set",
            p + "retention_days: must be 1 to 3650");
    assertThatThrownBy(
            () -> AgreementTermsValidator.validate(valid().setProposerToAcceptor(bad).build()))
        .isInstanceOfSatisfying(
            BdxException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(BdxException.Kind.INVALID_ARGUMENT);
              for (String problem : problems) {
                assertThat(e.getMessage()).contains(problem);
              }
            });
  }

  @Test
  void limits() {
    DirectionTerms.Builder d =
        AgreementFixtures.direction(PartnerClass.PARTNER_CLASS_PEER).clearAreas();
    for (int i = 0; i < 100; i++) {
      d.addAreas("area " + i);
    }
    assertThat(AgreementTermsValidator.problems(valid().setProposerToAcceptor(d).build()))
        .isEmpty();
    d.addAreas("one too many");
    assertThat(AgreementTermsValidator.problems(valid().setProposerToAcceptor(d).build()))
        .containsExactly("proposer_to_acceptor.areas: at most 100 entries");
    DirectionTerms.Builder hops =
        AgreementFixtures.direction(PartnerClass.PARTNER_CLASS_PEER)
            .setMayRelay(true)
            .setMaxRelayHops(9)
            .setRetentionDays(0);
    assertThat(AgreementTermsValidator.problems(valid().setAcceptorToProposer(hops).build()))
        .containsExactly(
            "acceptor_to_proposer.max_relay_hops: at most 8",
            "acceptor_to_proposer.retention_days: must be 1 to 3650");
    DirectionTerms.Builder hugeRetention =
        AgreementFixtures.direction(PartnerClass.PARTNER_CLASS_PEER).setRetentionDays(-1);
    assertThat(
            AgreementTermsValidator.problems(valid().setAcceptorToProposer(hugeRetention).build()))
        .containsExactly("acceptor_to_proposer.retention_days: must be 1 to 3650");
  }

  @Test
  void everyProblemOfTheTerms_isCollected() {
    AgreementTerms bad =
        AgreementTerms.newBuilder()
            .setAgreementId("ABCDEFGHIJKLMNOPQRSTUVWXYA")
            .setVersion(0)
            .setProposerNodeId(A.nodeId().value())
            .setProposerPublicKey(ByteString.copyFrom(B.publicKey()))
            .setAcceptorNodeId("bdx-not-an-id")
            .setAcceptorPublicKey(ByteString.copyFrom(new byte[31]))
            .build();
    assertThat(AgreementTermsValidator.problems(bad))
        .containsExactly(
            "agreement_id: must be 26 characters of canonical lower-case base32",
            "version: must be in 1..2^63-1",
            "proposer_public_key: its node id is not proposer_node_id",
            "acceptor_node_id: not a canonical node id",
            "acceptor_public_key: must be 32 bytes",
            "proposed_at: must be a positive Unix time",
            "proposer_to_acceptor: is missing",
            "acceptor_to_proposer: is missing");
  }

  @Test
  void sameNodeOnBothSides_invalid() {
    AgreementTerms self =
        valid()
            .setAcceptorNodeId(A.nodeId().value())
            .setAcceptorPublicKey(ByteString.copyFrom(A.publicKey()))
            .build();
    assertThat(AgreementTermsValidator.problems(self))
        .containsExactly("acceptor_node_id: must differ from proposer_node_id");
  }

  @Test
  void versionAbove2To63_invalid() {
    assertThat(AgreementTermsValidator.problems(valid().setVersion(-1L).build()))
        .containsExactly("version: must be in 1..2^63-1");
  }

  @Test
  @DisplayName("AGR-4: all_harms or all_areas beside a non-empty list is invalid")
  void validate_allFlagWithList_isRejected() {
    DirectionTerms both =
        AgreementFixtures.direction(PartnerClass.PARTNER_CLASS_PEER)
            .setAllHarms(true)
            .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
            .setAllAreas(true)
            .build();
    assertThat(AgreementTermsValidator.problems(valid().setProposerToAcceptor(both).build()))
        .containsExactly(
            "proposer_to_acceptor.harms: must be empty when all_harms is set",
            "proposer_to_acceptor.areas: must be empty when all_areas is set");
  }

  @Test
  @DisplayName("AGR-4: an empty field_paths is valid (the direction carries no content)")
  void validate_emptyFieldPaths_isValid() {
    DirectionTerms none =
        AgreementFixtures.direction(PartnerClass.PARTNER_CLASS_PEER).clearFieldPaths().build();
    assertThat(AgreementTermsValidator.problems(valid().setProposerToAcceptor(none).build()))
        .isEmpty();
  }
}
