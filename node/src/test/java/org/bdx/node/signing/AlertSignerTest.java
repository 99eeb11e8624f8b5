package org.bdx.node.signing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bdx.node.identity.NodeKeys;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.Claim;
import org.bdx.proto.v1.Disclosure;
import org.bdx.proto.v1.SignedAlert;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AlertSignerTest {
  private final SecureRandom rng = new SecureRandom();
  private final NodeKeys keys = NodeKeys.generate(rng);
  private final AlertSigner signer = new AlertSigner(keys, rng);

  @Test
  @DisplayName("SIG-3: header carries what receivers enforce")
  void sign_headerCarriesDraft() throws Exception {
    String id = AlertDraft.newAlertId(rng);
    AlertDraft draft =
        new AlertDraft(
            id,
            4,
            AlertStatus.ALERT_STATUS_UPDATED,
            100,
            200,
            Audience.AUDIENCE_POLICE,
            2,
            Fixtures.twoFields());
    AlertHeader h = AlertHeader.parseFrom(signer.sign(draft).getHeader());
    assertThat(h.getOriginNodeId()).isEqualTo(keys.nodeId().value());
    assertThat(h.getOriginPublicKey().toByteArray()).isEqualTo(keys.publicKey());
    assertThat(h.getAlertId()).isEqualTo(id);
    assertThat(h.getVersion()).isEqualTo(4);
    assertThat(h.getStatus()).isEqualTo(AlertStatus.ALERT_STATUS_UPDATED);
    assertThat(h.getIssuedAt()).isEqualTo(100);
    assertThat(h.getExpiresAt()).isEqualTo(200);
    assertThat(h.getAudience()).isEqualTo(Audience.AUDIENCE_POLICE);
    assertThat(h.getMaxHops()).isEqualTo(2);
    assertThat(h.getDigestAlgorithm()).isEqualTo("sha-256");
  }

  @Test
  @DisplayName("SIG-2: signature is Ed25519 over the domain-separated signing input")
  void sign_signatureCoversSigningInput() {
    SignedAlert e = signer.sign(Fixtures.draft(AlertDraft.newAlertId(rng), Fixtures.twoFields()));
    byte[] input = SigningInput.ofAlertHeader(e.getHeader().toByteArray());
    assertThat(NodeKeys.verify(keys.publicKey(), input, e.getSignature().toByteArray())).isTrue();
    assertThat(
            NodeKeys.verify(
                keys.publicKey(), e.getHeader().toByteArray(), e.getSignature().toByteArray()))
        .isFalse();
    assertThat(
            NodeKeys.verify(
                keys.publicKey(),
                SigningInput.of(SigningInput.AGREEMENT_TERMS_TYPE, e.getHeader().toByteArray()),
                e.getSignature().toByteArray()))
        .isFalse();
  }

  @Test
  @DisplayName("SIG-5: decoys hide the number of fields (2 and 12 fields both give 16 digests)")
  void sign_decoyCount_hidesNumberOfFields() throws Exception {
    SignedAlert two = signer.sign(Fixtures.draft(AlertDraft.newAlertId(rng), Fixtures.twoFields()));
    SignedAlert twelve =
        signer.sign(Fixtures.draft(AlertDraft.newAlertId(rng), Fixtures.twelveFields()));
    SignedAlert all = signer.sign(Fixtures.draft(AlertDraft.newAlertId(rng), Fixtures.allFields()));
    assertThat(AlertHeader.parseFrom(two.getHeader()).getClaimDigestsCount()).isEqualTo(16);
    assertThat(AlertHeader.parseFrom(twelve.getHeader()).getClaimDigestsCount()).isEqualTo(16);
    assertThat(AlertHeader.parseFrom(all.getHeader()).getClaimDigestsCount()).isEqualTo(16);
    assertThat(two.getHeader().size()).isEqualTo(twelve.getHeader().size());
    assertThat(two.getDisclosuresCount()).isEqualTo(2);
    assertThat(twelve.getDisclosuresCount()).isEqualTo(12);
    assertThat(all.getDisclosuresCount()).isEqualTo(15);
  }

  @Test
  @DisplayName("SIG-5: digests sorted ascending, unsigned")
  void sign_digestsSortedUnsigned() throws Exception {
    for (int i = 0; i < 20; i++) {
      SignedAlert e =
          signer.sign(Fixtures.draft(AlertDraft.newAlertId(rng), Fixtures.twelveFields()));
      List<ByteString> d = AlertHeader.parseFrom(e.getHeader()).getClaimDigestsList();
      for (int j = 1; j < d.size(); j++) {
        assertThat(ByteString.unsignedLexicographicalComparator().compare(d.get(j - 1), d.get(j)))
            .isNegative();
      }
    }
  }

  @Test
  @DisplayName("SIG-4: fresh salts for every version, so digests of unchanged fields change")
  void sign_sameFieldsTwice_saltsAndDigestsDiffer() throws Exception {
    String id = AlertDraft.newAlertId(rng);
    SignedAlert v1 = signer.sign(Fixtures.draft(id, Fixtures.twelveFields()));
    SignedAlert v2 = signer.sign(Fixtures.draft(id, Fixtures.twelveFields()));
    Set<ByteString> salts = new HashSet<>();
    for (SignedAlert e : List.of(v1, v2)) {
      for (Disclosure d : e.getDisclosuresList()) {
        assertThat(d.getSalt().size()).isEqualTo(16);
        assertThat(salts.add(d.getSalt())).isTrue();
      }
    }
    Set<ByteString> d1 = new HashSet<>(AlertHeader.parseFrom(v1.getHeader()).getClaimDigestsList());
    d1.retainAll(AlertHeader.parseFrom(v2.getHeader()).getClaimDigestsList());
    assertThat(d1).isEmpty();
    // the claims themselves are the same bytes
    assertThat(v1.getDisclosuresList().stream().map(Disclosure::getClaim).toList())
        .isEqualTo(v2.getDisclosuresList().stream().map(Disclosure::getClaim).toList());
  }

  @Test
  @DisplayName("SIG-4: one claim per set field, value has exactly that field, sorted by path")
  void sign_claimsOnePerField_sortedByPath() throws Exception {
    SignedAlert e = signer.sign(Fixtures.draft(AlertDraft.newAlertId(rng), Fixtures.allFields()));
    List<String> paths =
        e.getDisclosuresList().stream().map(d -> Disclosures.pathOf(d).orElseThrow()).toList();
    assertThat(paths)
        .isSorted()
        .hasSize(15)
        .containsExactlyInAnyOrderElementsOf(Disclosures.claimPaths());
    for (Disclosure d : e.getDisclosuresList()) {
      Claim c = Claim.parseFrom(d.getClaim());
      assertThat(c.getValue().getAllFields()).hasSize(1);
      assertThat(c.getValue().getAllFields().keySet().iterator().next().getName())
          .isEqualTo(c.getPath());
    }
  }

  @Test
  @DisplayName("SIG-5: a retraction has no digests and no disclosures")
  void sign_retraction_noDigestsNoDisclosures() throws Exception {
    SignedAlert e = signer.sign(Fixtures.retraction(AlertDraft.newAlertId(rng), 2));
    assertThat(AlertHeader.parseFrom(e.getHeader()).getClaimDigestsCount()).isZero();
    assertThat(e.getDisclosuresCount()).isZero();
    assertThat(new AlertVerifier().verify(e).status())
        .isEqualTo(AlertStatus.ALERT_STATUS_RETRACTED);
  }

  @Test
  @DisplayName("ALR-2: claim paths are the AlertFields field names, at most DIGEST_SLOTS")
  void claimPaths_areAlertFieldsNames() {
    assertThat(Disclosures.claimPaths())
        .containsExactly(
            "incident_date",
            "time_of_day",
            "area",
            "work_setting",
            "harms",
            "severity",
            "aggressor_description",
            "names_used",
            "phone_numbers",
            "vehicle_description",
            "vehicle_plate",
            "online_handles",
            "modus_operandi",
            "languages",
            "reporter_contact");
    assertThat(Disclosures.claimPaths().size()).isLessThanOrEqualTo(AlertSigner.DIGEST_SLOTS);
  }

  @Test
  void sign_emptyActiveAlert_allDecoys() throws Exception {
    SignedAlert e =
        signer.sign(Fixtures.draft(AlertDraft.newAlertId(rng), AlertFields.getDefaultInstance()));
    assertThat(AlertHeader.parseFrom(e.getHeader()).getClaimDigestsCount()).isEqualTo(16);
    assertThat(new AlertVerifier().verify(e).disclosedPaths()).isEmpty();
  }
}
