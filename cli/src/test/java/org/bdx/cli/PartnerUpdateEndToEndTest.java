package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.cli.NetSteps.alertIds;
import static org.bdx.cli.NetSteps.awaitTrue;
import static org.bdx.cli.NetSteps.ok;
import static org.bdx.cli.NetSteps.parse;
import static org.bdx.cli.NetSteps.quietly;
import static org.bdx.cli.NetSteps.report;

import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.bdx.proto.v1.Agreement;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.GetPartnerResponse;
import org.bdx.proto.v1.ListAgreementsResponse;
import org.bdx.proto.v1.UpdatePartnerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bdx partner update} between two real nodes on loopback: a partner that moved to another
 * port is reached again after its endpoint is updated, under the same agreement and without a
 * restart; a renamed partner is shown and listed under its new name.
 */
class PartnerUpdateEndToEndTest {
  @TempDir Path tmp;
  TestOrg east;
  TestOrg north;

  @AfterEach
  void stop() {
    TestOrg.stopAll(north, east);
  }

  @Test
  void movedPartner_updatedEndpoint_alertsFlowAgainUnderTheSameAgreement() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").start();
    north = TestOrg.builder(tmp, "north", "North Peers").start();
    TestOrg.peers(east, north);
    String agreementId = TestOrg.agree(east, north, 30);
    String before = report(north.home(), "604 555 0111");
    awaitTrue(quietly(() -> alertIds(east.home()).contains(before)), "first alert at East");

    // North moves to another port; East still has the old endpoint.
    north.stop();
    int newPort = TestOrg.freePort();
    setFederationListen(north.home(), "127.0.0.1:" + newPort);
    north.start();
    String after = report(north.home(), "604 555 0112");

    CliRun updated =
        ok(
            "partner",
            "update",
            "north",
            "--endpoint",
            "127.0.0.1:" + newPort,
            "--home",
            east.homeArg());
    assertThat(updated.out())
        .contains("Updated partner north")
        .contains("endpoint:    127.0.0.1:" + newPort)
        .contains("node id:     " + north.id().value())
        .contains("class:       peer");

    // Only the new endpoint reaches North: the alert arriving shows East's feed client moved.
    awaitTrue(quietly(() -> alertIds(east.home()).contains(after)), "alert after the move");
    assertThat(alertIds(east.home())).contains(before);
    // The same agreement carried it: nothing was proposed again.
    assertThat(agreements(east))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getAgreementId()).isEqualTo(agreementId);
              assertThat(a.getState()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
            });
  }

  @Test
  void rename_showsAndListsTheNewName_andUnknownOrEmptyUpdatesSaySo() throws Exception {
    east = TestOrg.builder(tmp, "east", "East Outreach").start();
    north = TestOrg.builder(tmp, "north", "North Peers").start();
    TestOrg.peers(east, north);
    String agreementId = TestOrg.agree(east, north, 30);

    CliRun json =
        ok(
            "partner",
            "update",
            "north",
            "--name",
            "north-peers",
            "--home",
            east.homeArg(),
            "--json");
    UpdatePartnerResponse r = parse(json.out(), UpdatePartnerResponse.getDefaultInstance());
    assertThat(r.getPartner().getName()).isEqualTo("north-peers");
    assertThat(r.getPartner().getEndpoint()).isEqualTo(north.endpoint());

    GetPartnerResponse shown =
        parse(
            ok("partner", "show", "NORTH-PEERS", "--home", east.homeArg(), "--json").out(),
            GetPartnerResponse.getDefaultInstance());
    assertThat(shown.getPartner()).isEqualTo(r.getPartner());
    assertThat(agreements(east))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getAgreementId()).isEqualTo(agreementId);
              assertThat(a.getPartner()).isEqualTo("north-peers");
              assertThat(a.getState()).isEqualTo(AgreementState.AGREEMENT_STATE_ACTIVE);
            });
    assertThat(ok("agreement", "list", "--home", east.homeArg()).out()).contains("north-peers");

    CliRun old = CliRun.bdx("partner", "show", "north", "--home", east.homeArg());
    assertThat(old.exitCode()).as(old.toString()).isEqualTo(1);

    CliRun unknown =
        CliRun.bdx(
            "partner", "update", "nobody", "--endpoint", "127.0.0.1:1", "--home", east.homeArg());
    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(1);
    assertThat(unknown.out()).isEmpty();
    assertThat(unknown.err().strip())
        .isEqualTo("bdx: no partner named nobody")
        .doesNotContain("Exception")
        .doesNotContain("bdx.v1.");
    CliRun unknownJson =
        CliRun.bdx(
            "partner",
            "update",
            "nobody",
            "--endpoint",
            "127.0.0.1:1",
            "--home",
            east.homeArg(),
            "--json");
    assertThat(unknownJson.exitCode()).as(unknownJson.toString()).isEqualTo(1);
    assertThat(unknownJson.err())
        .hasLineCount(1)
        .contains("\"code\":1")
        .contains("no partner named nobody");

    CliRun neither = CliRun.bdx("partner", "update", "north-peers", "--home", east.homeArg());
    assertThat(neither.exitCode()).as(neither.toString()).isEqualTo(2);
    assertThat(neither.err()).contains("say what to change: --endpoint HOST:PORT, --name NAME");
    assertThat(
            parse(
                    ok("partner", "show", "north-peers", "--home", east.homeArg(), "--json").out(),
                    GetPartnerResponse.getDefaultInstance())
                .getPartner())
        .isEqualTo(r.getPartner());
  }

  private static List<Agreement> agreements(TestOrg o) throws Exception {
    return parse(
            ok("agreement", "list", "--home", o.homeArg(), "--json").out(),
            ListAgreementsResponse.getDefaultInstance())
        .getAgreementsList();
  }

  /** Rewrites the node's federation address in its settings; takes effect at its next start. */
  private static void setFederationListen(Path home, String hostPort) throws Exception {
    Path file = home.resolve("node.properties");
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      p.load(in);
    }
    assertThat(p.getProperty("federation.listen")).isNotNull();
    p.setProperty("federation.listen", hostPort);
    try (Writer out = Files.newBufferedWriter(file)) {
      p.store(out, null);
    }
  }
}
