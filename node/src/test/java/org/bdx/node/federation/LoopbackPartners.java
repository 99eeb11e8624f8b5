package org.bdx.node.federation;

import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import org.bdx.node.edge.CredentialCheck;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.AcceptAgreementRequest;
import org.bdx.proto.v1.AddPartnerRequest;
import org.bdx.proto.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.ProposeAgreementRequest;
import org.bdx.proto.v1.ProposedTerms;

/** Admin steps the federation tests share: partners on loopback and an agreement between them. */
final class LoopbackPartners {
  private LoopbackPartners() {}

  static <S extends AbstractStub<S>> S bearer(S stub, String token) {
    Metadata m = new Metadata();
    m.put(CredentialCheck.AUTHORIZATION, "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
  }

  /** Registers {@code node} at {@code endpoint} as a PEER partner named {@code name}. */
  static void addPartner(AdminServiceBlockingStub at, String name, NodeId node, String endpoint) {
    at.addPartner(
        AddPartnerRequest.newBuilder()
            .setName(name)
            .setNodeId(node.value())
            .setEndpoint(endpoint)
            .setPartnerClass(PartnerClass.PARTNER_CLASS_PEER)
            .build());
  }

  /**
   * An agreement sharing peer alerts with their area both ways, proposed by {@code a} to its
   * partner {@code bName} and accepted by {@code b}; its id.
   */
  static String agree(AdminServiceBlockingStub a, String bName, AdminServiceBlockingStub b) {
    DirectionTerms send =
        DirectionTerms.newBuilder()
            .setAllHarms(true)
            .setAllAreas(true)
            .addFieldPaths("area")
            .setRetentionDays(30)
            .build();
    DirectionTerms receive =
        send.toBuilder().setReceiverClass(PartnerClass.PARTNER_CLASS_PEER).build();
    String id =
        a.proposeAgreement(
                ProposeAgreementRequest.newBuilder()
                    .setPartner(bName)
                    .setTerms(ProposedTerms.newBuilder().setWeSend(send).setWeReceive(receive))
                    .build())
            .getAgreement()
            .getAgreementId();
    b.acceptAgreement(AcceptAgreementRequest.newBuilder().setAgreementId(id).build());
    return id;
  }
}
