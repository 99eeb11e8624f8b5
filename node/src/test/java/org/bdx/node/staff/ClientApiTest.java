package org.bdx.node.staff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.node.TestNodes.withToken;

import com.google.rpc.BadRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bdx.node.InProcessNode;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.Node;
import org.bdx.node.signing.AlertVerifier;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.GetNodeInfoRequest;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.ListReportsRequest;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.SearchAlertsRequest;
import org.bdx.proto.v1.SubmitReportRequest;
import org.bdx.proto.v1.SubmitReportResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client API over the in-process transport: behaviour and status codes, not transport. */
class ClientApiTest {
  static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  static final String CANARY = "CANARY-b7e1";

  @TempDir Path tmp;
  Node node;
  InProcessNode served;
  ManagedChannel channel;
  ClientServiceGrpc.ClientServiceBlockingStub client;

  @BeforeEach
  void start() throws Exception {
    NodeHome home = InProcessNode.newHome(tmp.resolve("home"));
    served = InProcessNode.open(home, NOW);
    node = served.node;
    channel = served.channel;
    client = withToken(ClientServiceGrpc.newBlockingStub(channel), home.readClientToken());
  }

  @AfterEach
  void stop() throws Exception {
    served.close();
  }

  static Report.Builder validReport() {
    return Report.newBuilder()
        .setIncidentDate("2026-11-20")
        .setArea("Downtown East")
        .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
        .addPhoneNumbers("604 555 0123")
        .setNarrative(CANARY)
        .setReporterContact(CANARY)
        .setConsent(Consent.newBuilder().setAudience(Audience.AUDIENCE_SUPPORT));
  }

  @Test
  void call_withoutCredential_isUnauthenticated() {
    var anonymous = ClientServiceGrpc.newBlockingStub(channel);
    assertThatThrownBy(() -> anonymous.getNodeInfo(GetNodeInfoRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    var wrong = withToken(ClientServiceGrpc.newBlockingStub(channel), "not-the-token");
    assertThatThrownBy(() -> wrong.searchAlerts(SearchAlertsRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  @Test
  void undecodableRequest_isInvalidArgument_andTheNodeKeepsServing() {
    byte[] notProtobuf = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
    io.grpc.MethodDescriptor<byte[], byte[]> raw =
        ClientServiceGrpc.getSubmitReportMethod().toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE)
            .build();
    assertThatThrownBy(
            () ->
                io.grpc.stub.ClientCalls.blockingUnaryCall(
                    channel,
                    raw,
                    io.grpc.CallOptions.DEFAULT.withCallCredentials(
                        client.getCallOptions().getCredentials()),
                    notProtobuf))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThat(client.listReports(ListReportsRequest.getDefaultInstance()).getReportsList())
        .isEmpty();
    assertThat(client.getNodeInfo(GetNodeInfoRequest.getDefaultInstance()).getNodeId())
        .isEqualTo(node.nodeId().value());
  }

  /** Sends bytes as they are, so a test can put anything on the wire. */
  private enum RawBytes implements io.grpc.MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public java.io.InputStream stream(byte[] value) {
      return new java.io.ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(java.io.InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  @Test
  void getNodeInfo_namesNodeAndProtocol() {
    var info = client.getNodeInfo(GetNodeInfoRequest.getDefaultInstance());
    assertThat(info.getNodeId()).isEqualTo(node.nodeId().value());
    assertThat(info.getFingerprint()).isEqualTo(node.nodeId().fingerprint());
    assertThat(info.getOrganizationName()).isEqualTo("Test Org");
    assertThat(info.getProtocolVersionsList()).containsExactly("bdx.v1");
  }

  @Test
  void submitReport_returnsVerifiableAlert_withoutNarrativeOrContact() throws Exception {
    SubmitReportResponse r =
        client.submitReport(SubmitReportRequest.newBuilder().setReport(validReport()).build());
    assertThat(r.getReportId()).matches("[a-z2-7]{26}");
    var alert = r.getAlert();
    assertThat(alert.getLocal()).isTrue();
    assertThat(alert.getVersion()).isEqualTo(1);
    assertThat(alert.getAudience()).isEqualTo(Audience.AUDIENCE_SUPPORT);
    assertThat(alert.getIssuedAt()).isEqualTo(NOW.getEpochSecond());
    assertThat(alert.getExpiresAt()).isEqualTo(NOW.plus(Duration.ofDays(30)).getEpochSecond());
    assertThat(alert.getFields().getPhoneNumbersList()).containsExactly("+16045550123");
    assertThat(alert.getFields().getReporterContact()).isEmpty();
    assertThat(alert.toByteString().toStringUtf8()).doesNotContain(CANARY);
    // The envelope is what partners will get: it must verify on its own.
    var verified = new AlertVerifier().verify(alert.getEnvelope());
    assertThat(verified.originNodeId()).isEqualTo(node.nodeId());
    assertThat(verified.fields()).isEqualTo(alert.getFields());
  }

  @Test
  void submitReport_invalid_isInvalidArgumentNamingEveryField_andStoresNothing() {
    Report bad = validReport().setIncidentDate("2030-01-01").clearHarms().clearArea().build();
    assertThatThrownBy(
            () -> client.submitReport(SubmitReportRequest.newBuilder().setReport(bad).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              com.google.rpc.Status rich = StatusProto.fromThrowable(e);
              assertThat(rich).isNotNull();
              BadRequest br =
                  rich.getDetailsList().stream()
                      .filter(a -> a.is(BadRequest.class))
                      .map(
                          a -> {
                            try {
                              return a.unpack(BadRequest.class);
                            } catch (Exception x) {
                              throw new AssertionError(x);
                            }
                          })
                      .findFirst()
                      .orElseThrow();
              assertThat(br.getFieldViolationsList())
                  .extracting(BadRequest.FieldViolation::getField)
                  .contains("incident_date", "harms", "area");
              assertThat(e.getMessage()).doesNotContain(CANARY);
            });
    assertThat(client.listReports(ListReportsRequest.getDefaultInstance()).getReportsList())
        .isEmpty();
  }

  @Test
  void submitReport_sameSubmissionKeyTwice_storesOneReport() {
    SubmitReportRequest request =
        SubmitReportRequest.newBuilder()
            .setReport(validReport())
            .setSubmissionKey("retry-after-a-lost-answer")
            .build();
    SubmitReportResponse first = client.submitReport(request);
    SubmitReportResponse again = client.submitReport(request);
    assertThat(first.getAlreadySubmitted()).isFalse();
    assertThat(again.getAlreadySubmitted()).isTrue();
    assertThat(again.getReportId()).isEqualTo(first.getReportId());
    assertThat(again.getAlert()).isEqualTo(first.getAlert());
    assertThat(client.listReports(ListReportsRequest.getDefaultInstance()).getReportsList())
        .hasSize(1);
    // Keys are compared as given: one that differs in case is another submission.
    SubmitReportResponse other =
        client.submitReport(
            request.toBuilder().setSubmissionKey("Retry-after-a-lost-answer").build());
    assertThat(other.getAlreadySubmitted()).isFalse();
    assertThat(client.listReports(ListReportsRequest.getDefaultInstance()).getReportsList())
        .hasSize(2);
  }

  @Test
  void submitReport_badSubmissionKey_isInvalidArgumentNamingIt_andStoresNothing() {
    for (String bad : List.of("two words", "x".repeat(129), "line\nbreak", "\u00e9t\u00e9")) {
      assertThatThrownBy(
              () ->
                  client.submitReport(
                      SubmitReportRequest.newBuilder()
                          .setReport(validReport())
                          .setSubmissionKey(bad)
                          .build()))
          .as(bad)
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription())
                    .startsWith("submission_key")
                    .doesNotContain(bad);
              });
    }
    assertThat(client.listReports(ListReportsRequest.getDefaultInstance()).getReportsList())
        .isEmpty();
  }

  @Test
  void submitReport_missingReport_isInvalidArgument() {
    assertThatThrownBy(() -> client.submitReport(SubmitReportRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void getAlert_unknown_isNotFound_malformedId_isInvalidArgument() {
    assertThatThrownBy(
            () -> client.getAlert(GetAlertRequest.newBuilder().setAlertId("a".repeat(26)).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    assertThatThrownBy(
            () -> client.getAlert(GetAlertRequest.newBuilder().setAlertId("x; drop table").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void getAlert_findsSubmittedAlert() {
    var submitted =
        client.submitReport(SubmitReportRequest.newBuilder().setReport(validReport()).build());
    var got =
        client.getAlert(
            GetAlertRequest.newBuilder().setAlertId(submitted.getAlert().getAlertId()).build());
    assertThat(got.getAlert().getAlertId()).isEqualTo(submitted.getAlert().getAlertId());
    assertThat(got.getAlert().getOriginName()).isEqualTo("Test Org");
  }

  @Test
  void searchAlerts_badInputs_areInvalidArgument() {
    for (SearchAlertsRequest bad :
        new SearchAlertsRequest[] {
          SearchAlertsRequest.newBuilder().setPhone("hello").build(),
          SearchAlertsRequest.newBuilder().setSince("yesterday").build(),
          SearchAlertsRequest.newBuilder().setPageSize(100000).build(),
          SearchAlertsRequest.newBuilder().setPageToken("%%%not-a-token").build(),
          SearchAlertsRequest.newBuilder().addHarmsValue(999).build(),
          SearchAlertsRequest.newBuilder().setPlate("--").build(),
          SearchAlertsRequest.newBuilder().setPhone("123").build(),
          SearchAlertsRequest.newBuilder().setPhoneAreaCode("six-oh-four").build(),
        }) {
      assertThatThrownBy(() -> client.searchAlerts(bad))
          .as(bad.toString())
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
  }

  @Test
  void searchAlerts_byPhoneInAnyFormat() {
    var submitted =
        client.submitReport(SubmitReportRequest.newBuilder().setReport(validReport()).build());
    var hits =
        client.searchAlerts(SearchAlertsRequest.newBuilder().setPhone("+1 (604) 555-0123").build());
    assertThat(hits.getAlertsList())
        .extracting(a -> a.getAlertId())
        .containsExactly(submitted.getAlert().getAlertId());
    var none =
        client.searchAlerts(SearchAlertsRequest.newBuilder().setPhone("604 555 9999").build());
    assertThat(none.getAlertsList()).isEmpty();
  }

  private java.util.List<String> found(SearchAlertsRequest.Builder q) {
    return client.searchAlerts(q.build()).getAlertsList().stream()
        .map(a -> a.getAlertId())
        .toList();
  }

  @Test
  void submitReport_unparsedNumber_keptAsTypedMarked_andFoundByItsDigits() {
    Report r = validReport().clearPhoneNumbers().addPhoneNumbers("555-01 23 (cell?)").build();
    var submitted = client.submitReport(SubmitReportRequest.newBuilder().setReport(r).build());
    assertThat(submitted.getAlert().getFields().getPhoneNumbersList())
        .containsExactly("~555-01 23 (cell?)");
    String id = submitted.getAlert().getAlertId();
    assertThat(found(SearchAlertsRequest.newBuilder().setPhone("555 0123"))).containsExactly(id);
    assertThat(found(SearchAlertsRequest.newBuilder().setPhone("0123"))).containsExactly(id);
    assertThat(found(SearchAlertsRequest.newBuilder().setPhone("5550124"))).isEmpty();
    // A number that parses is matched exactly, and does not find the partial one.
    assertThat(found(SearchAlertsRequest.newBuilder().setPhone("604 555 0123"))).isEmpty();
  }

  @Test
  void searchAlerts_byLastDigitsAndByAreaCode() {
    String id =
        client
            .submitReport(SubmitReportRequest.newBuilder().setReport(validReport()).build())
            .getAlert()
            .getAlertId();
    assertThat(found(SearchAlertsRequest.newBuilder().setPhone("0123"))).containsExactly(id);
    assertThat(found(SearchAlertsRequest.newBuilder().setPhone("…555-0123"))).containsExactly(id);
    assertThat(found(SearchAlertsRequest.newBuilder().setPhoneAreaCode("604"))).containsExactly(id);
    assertThat(found(SearchAlertsRequest.newBuilder().setPhoneAreaCode("(604)").setPhone("0123")))
        .containsExactly(id);
    assertThat(found(SearchAlertsRequest.newBuilder().setPhoneAreaCode("778"))).isEmpty();
  }
}
