package org.bdx.node.admin;

import org.bdx.node.agreement.AgreementBook.AgreementRecord;
import org.bdx.node.agreement.Partners.PartnerRecord;
import org.bdx.proto.v1.Agreement;
import org.bdx.proto.v1.Partner;

/** The one place partner and agreement records become admin API messages. */
final class AdminViews {
  private AdminViews() {}

  static Partner partner(PartnerRecord p) {
    return Partner.newBuilder()
        .setName(p.name())
        .setNodeId(p.nodeId().value())
        .setFingerprint(p.nodeId().fingerprint())
        .setEndpoint(p.endpoint())
        .setPartnerClass(p.partnerClass())
        .setAddedAt(p.addedAt())
        .build();
  }

  static Agreement agreement(AgreementRecord a, String partnerName) {
    return Agreement.newBuilder()
        .setAgreementId(a.agreementId())
        .setPartner(partnerName)
        .setPartnerNodeId(a.partner().value())
        .setState(a.state())
        .setProposedByUs(a.proposedByUs())
        .setWeSend(a.weSend())
        .setWeReceive(a.weReceive())
        .setUpdatedAt(a.updatedAt())
        .setSuspendedByUs(a.suspendedByUs())
        .setSigned(a.signed())
        .build();
  }
}
