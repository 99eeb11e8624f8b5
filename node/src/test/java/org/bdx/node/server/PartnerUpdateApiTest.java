package org.bdx.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.bdx.node.TestNodes;
import org.bdx.node.edge.CredentialCheck;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.NodeKeys;
import org.bdx.proto.v1.AddPartnerRequest;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.GetPartnerRequest;
import org.bdx.proto.v1.Partner;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.UpdatePartnerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code UpdatePartner} through the node's admin service (spec ADM-4.3, 12.1): the statuses a
 * coordinator's tools see, and that only a coordinator may call it.
 */
class PartnerUpdateApiTest {
  @TempDir Path tmp;
  private Node node;
  private Server server;
  private ManagedChannel channel;
  private AdminServiceGrpc.AdminServiceBlockingStub admin;
  private AdminServiceGrpc.AdminServiceBlockingStub asIntake;
  private Partner north;

  @BeforeEach
  void start() throws Exception {
    NodeHome home = new NodeHome(tmp.resolve("n"));
    NodeConfig.HostPort any = new NodeConfig.HostPort("127.0.0.1", 0);
    TestNodes.init(home, new NodeConfig("Org", any, any, "CA", Duration.ofDays(30), 0));
    node = Node.open(home, TestNodes.PASSPHRASE, Clock.systemUTC());
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder b = InProcessServerBuilder.forName(name).directExecutor();
    node.clientServices().forEach(b::addService);
    server = b.build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    admin = bearer(AdminServiceGrpc.newBlockingStub(channel), home.readAdminToken());
    asIntake = bearer(AdminServiceGrpc.newBlockingStub(channel), home.readClientToken());
    north = add("north");
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow();
    node.close();
  }

  private static <S extends AbstractStub<S>> S bearer(S stub, String credential) {
    Metadata m = new Metadata();
    m.put(CredentialCheck.AUTHORIZATION, "Bearer " + credential);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
  }

  private Partner add(String name) {
    return admin
        .addPartner(
            AddPartnerRequest.newBuilder()
                .setName(name)
                .setNodeId(NodeKeys.generate(new SecureRandom()).nodeId().value())
                .setEndpoint("127.0.0.1:9")
                .setPartnerClass(PartnerClass.PARTNER_CLASS_PEER)
                .build())
        .getPartner();
  }

  private Partner update(String partner, String endpoint, String name) {
    return admin
        .updatePartner(
            UpdatePartnerRequest.newBuilder()
                .setPartner(partner)
                .setEndpoint(endpoint)
                .setName(name)
                .build())
        .getPartner();
  }

  private static void assertStatus(Executable call, Status.Code code, String fragment) {
    StatusRuntimeException e =
        (StatusRuntimeException)
            org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class, call);
    assertThat(e.getStatus().getCode()).as(e.toString()).isEqualTo(code);
    assertThat(e.getStatus().getDescription()).contains(fragment);
  }

  @Test
  void updatePartner_returnsThePartnerWithItsNewEndpointAndName_sameIdAndClass() {
    Partner p = update(north.getNodeId(), "  localhost:7401 ", "north-2");
    assertThat(p.getName()).isEqualTo("north-2");
    assertThat(p.getEndpoint()).isEqualTo("localhost:7401");
    assertThat(p.getNodeId()).isEqualTo(north.getNodeId());
    assertThat(p.getFingerprint()).isEqualTo(north.getFingerprint());
    assertThat(p.getPartnerClass()).isEqualTo(north.getPartnerClass());
    assertThat(p.getAddedAt()).isEqualTo(north.getAddedAt());
    assertThat(
            admin
                .getPartner(GetPartnerRequest.newBuilder().setPartner("NORTH-2").build())
                .getPartner())
        .isEqualTo(p);
  }

  @Test
  void updatePartner_statuses() {
    add("south");
    assertStatus(() -> update("north", "", ""), Status.Code.INVALID_ARGUMENT, "new endpoint");
    assertStatus(() -> update("nobody", "h:1", ""), Status.Code.NOT_FOUND, "no partner named");
    assertStatus(() -> update("north", "", "SOUTH"), Status.Code.ALREADY_EXISTS, "taken");
    assertStatus(() -> update("north", "h:99999", ""), Status.Code.INVALID_ARGUMENT, "port");
    assertStatus(() -> update("north", "", "a b"), Status.Code.INVALID_ARGUMENT, "name");
    // Nothing changed.
    assertThat(
            admin
                .getPartner(GetPartnerRequest.newBuilder().setPartner("north").build())
                .getPartner())
        .isEqualTo(north);
  }

  @Test
  void updatePartner_onlyForCoordinators() {
    assertThatThrownBy(
            () ->
                asIntake.updatePartner(
                    UpdatePartnerRequest.newBuilder()
                        .setPartner("north")
                        .setEndpoint("h:1")
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
  }
}
