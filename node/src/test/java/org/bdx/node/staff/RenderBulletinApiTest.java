package org.bdx.node.staff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bdx.node.TestNodes.withToken;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.bdx.node.InProcessNode;
import org.bdx.node.TestNodes;
import org.bdx.node.bulletin.PdfReading;
import org.bdx.node.edge.Permissions;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.Node;
import org.bdx.node.server.NodeServer;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.AuditEntry;
import org.bdx.proto.v1.BulletinFormat;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.ListAuditRequest;
import org.bdx.proto.v1.RenderBulletinRequest;
import org.bdx.proto.v1.RenderBulletinResponse;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.StaffRole;
import org.bdx.proto.v1.SubmitReportRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RenderBulletin over the in-process transport: what it answers, refuses and records (BUL). */
class RenderBulletinApiTest {
  static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  static final String CANARY = "CANARY-5d0c";

  @TempDir Path tmp;
  Node node;
  InProcessNode served;
  ManagedChannel channel;
  ClientServiceGrpc.ClientServiceBlockingStub client;
  AdminServiceGrpc.AdminServiceBlockingStub admin;

  @BeforeEach
  void start() throws Exception {
    NodeHome home = InProcessNode.newHome(tmp.resolve("home"));
    served = InProcessNode.open(home, NOW);
    node = served.node;
    channel = served.channel;
    client = withToken(ClientServiceGrpc.newBlockingStub(channel), home.readClientToken());
    admin = withToken(AdminServiceGrpc.newBlockingStub(channel), home.readAdminToken());
  }

  @AfterEach
  void stop() throws Exception {
    served.close();
  }

  private void submit(String area, String description) {
    client.submitReport(
        SubmitReportRequest.newBuilder()
            .setReport(
                Report.newBuilder()
                    .setIncidentDate("2026-11-20")
                    .setArea(area)
                    .addHarms(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT)
                    .addPhoneNumbers("604 555 0123")
                    .setAggressorDescription(description)
                    .setNarrative(CANARY + "-narrative")
                    .setReporterContact(CANARY + "-contact")
                    .setConsent(Consent.newBuilder().setShareContact(true)))
            .build());
  }

  private static RenderBulletinRequest.Builder request() {
    return RenderBulletinRequest.newBuilder()
        .setSince("2026-11-01")
        .setFormat(BulletinFormat.BULLETIN_FORMAT_HTML);
  }

  @Test
  void renderBulletin_html_showsTheWarnings_neverTheNarrativeOrContact_andIsAudited() {
    submit("Downtown", "tall, red cap");
    submit("Strathcona", "short, beard");

    RenderBulletinResponse r = client.renderBulletin(request().setLang("fr").build());
    String page = r.getContent().toString(StandardCharsets.UTF_8);

    assertThat(r.getMediaType()).isEqualTo("text/html; charset=utf-8");
    assertThat(r.getAlertCount()).isEqualTo(2);
    assertThat(page)
        .contains("agression physique", "tall, red cap", "short, beard", "+1 604-555-0123")
        .contains("Test Org")
        .doesNotContain(CANARY);
    AuditEntry last =
        admin.listAudit(ListAuditRequest.getDefaultInstance()).getEntriesList().stream()
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(last.getAction()).isEqualTo("bulletin");
    assertThat(last.getDetail()).isEqualTo("criteria=since lang=fr format=html results=2");
  }

  @Test
  void renderBulletin_text_oneArea_auditedWithoutTheArea() {
    submit("Downtown", "tall, red cap");
    submit("Strathcona", "short, beard");

    RenderBulletinResponse r =
        client.renderBulletin(
            request()
                .setArea(" strathcona")
                .setFormat(BulletinFormat.BULLETIN_FORMAT_TEXT)
                .build());
    String sheet = r.getContent().toString(StandardCharsets.UTF_8);

    assertThat(r.getMediaType()).isEqualTo("text/plain; charset=utf-8");
    assertThat(r.getAlertCount()).isEqualTo(1);
    assertThat(sheet).contains("short, beard", "PHYSICAL ASSAULT").doesNotContain("red cap");
    String detail =
        admin.listAudit(ListAuditRequest.getDefaultInstance()).getEntriesList().stream()
            .reduce((a, b) -> b)
            .orElseThrow()
            .getDetail();
    assertThat(detail).isEqualTo("criteria=since,area lang=en format=text results=1");
    assertThat(detail.toLowerCase(java.util.Locale.ROOT)).doesNotContain("strathcona");
  }

  @Test
  void renderBulletin_pdf_showsTheWarnings_withFontsEmbedded_neverTheContact_andIsAudited()
      throws Exception {
    submit("Downtown", "tall, red cap");

    RenderBulletinResponse r =
        client.renderBulletin(
            request().setLang("vi").setFormat(BulletinFormat.BULLETIN_FORMAT_PDF).build());
    PdfReading pdf = PdfReading.of(r.getContent().toByteArray());

    assertThat(r.getMediaType()).isEqualTo("application/pdf");
    assertThat(r.getAlertCount()).isEqualTo(1);
    assertThat(pdf.text())
        .contains("hành hung", "tall, red cap", "Test Org")
        .doesNotContain(CANARY);
    assertThat(pdf.unembedded()).isEmpty();
    assertThat(pdf.notdef()).isEmpty();
    assertThat(
            admin.listAudit(ListAuditRequest.getDefaultInstance()).getEntriesList().stream()
                .reduce((a, b) -> b)
                .orElseThrow()
                .getDetail())
        .isEqualTo("criteria=since lang=vi format=pdf results=1");
  }

  @Test
  void renderBulletin_pdf_withoutFonts_isFailedPrecondition_namingWhatToInstall_notAudited()
      throws Exception {
    NodeHome other = new NodeHome(tmp.resolve("nofonts"));
    TestNodes.init(
        other,
        new NodeConfig(
            "Other Org",
            NodeConfig.DEFAULT_LISTEN,
            NodeConfig.DEFAULT_FEDERATION_LISTEN,
            "CA",
            Duration.ofDays(30),
            2));
    java.nio.file.Files.writeString(
        other.configFile(),
        "bulletin.fonts=" + tmp.resolve("no-fonts-here") + "\n",
        java.nio.file.StandardOpenOption.APPEND);
    String name = InProcessServerBuilder.generateName();
    try (Node n = Node.open(other, TestNodes.PASSPHRASE, Clock.fixed(NOW, ZoneOffset.UTC))) {
      NodeServer s =
          new NodeServer(InProcessServerBuilder.forName(name).directExecutor(), n.clientServices())
              .start();
      ManagedChannel ch = InProcessChannelBuilder.forName(name).directExecutor().build();
      try {
        var c = withToken(ClientServiceGrpc.newBlockingStub(ch), other.readClientToken());
        var a = withToken(AdminServiceGrpc.newBlockingStub(ch), other.readAdminToken());
        long before = a.listAudit(ListAuditRequest.getDefaultInstance()).getEntriesCount();
        assertThatThrownBy(
                () ->
                    c.renderBulletin(
                        request().setFormat(BulletinFormat.BULLETIN_FORMAT_PDF).build()))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> {
                  assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                  assertThat(e.getStatus().getDescription())
                      .contains("apt-get install fonts-noto-core fonts-wqy-zenhei")
                      .contains("bulletin.fonts");
                });
        // Text and HTML need no fonts.
        assertThat(c.renderBulletin(request().build()).getMediaType()).startsWith("text/html");
        assertThat(a.listAudit(ListAuditRequest.getDefaultInstance()).getEntriesList())
            .hasSize((int) before + 1)
            .last()
            .satisfies(e -> assertThat(e.getDetail()).contains("format=html"));
      } finally {
        ch.shutdownNow();
        s.stop();
      }
    }
  }

  @Test
  void renderBulletin_badInput_isInvalidArgumentNamingTheField() {
    assertField(request().clearSince(), "since: ");
    assertField(request().setSince("1 Nov 2026"), "since: ");
    assertField(request().setArea("a".repeat(101)), "area: ");
    assertField(request().setLang("xx"), "lang: ");
    assertField(request().setFormat(BulletinFormat.BULLETIN_FORMAT_UNSPECIFIED), "format: ");
  }

  private void assertField(RenderBulletinRequest.Builder r, String prefix) {
    assertThatThrownBy(() -> client.renderBulletin(r.build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).startsWith(prefix);
            });
  }

  @Test
  void renderBulletin_needsOnlyAViewer() {
    assertThat(Permissions.needed(ClientServiceGrpc.getRenderBulletinMethod().getFullMethodName()))
        .isEqualTo(StaffRole.STAFF_ROLE_VIEWER);
  }

  @Test
  void node_withABulletinSettingNamingTheContact_refusesToStart() throws Exception {
    NodeHome other = new NodeHome(tmp.resolve("other"));
    TestNodes.init(
        other,
        new NodeConfig(
            "Other Org",
            NodeConfig.DEFAULT_LISTEN,
            NodeConfig.DEFAULT_FEDERATION_LISTEN,
            "CA",
            Duration.ofDays(30),
            2));
    java.nio.file.Files.writeString(
        other.configFile(),
        "bulletin.fields=harms,reporter_contact\n",
        java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> Node.open(other, TestNodes.PASSPHRASE, Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bulletin.fields names reporter_contact");
  }
}
