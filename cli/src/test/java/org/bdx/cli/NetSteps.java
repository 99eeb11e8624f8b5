package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.bdx.node.home.NodeHome;
import org.bdx.node.policy.SharingPolicy;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.TestCiphers;
import org.bdx.node.store.Unsealed;
import org.bdx.node.vault.Passphrase;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.GetAlertResponse;
import org.bdx.proto.v1.GetStatusResponse;
import org.bdx.proto.v1.PartnerStatus;
import org.bdx.proto.v1.SearchAlertsResponse;
import org.bdx.proto.v1.SubmitReportResponse;

/**
 * CLI steps the end-to-end tests share: write agreement terms, issue reports, read what a node
 * holds and wait for it. Organizations are set up with {@link TestOrg}.
 */
final class NetSteps {
  private NetSteps() {}

  /** The peer grant the end-to-end tests use: every field but the reporter's contact. */
  static final List<String> ALL_BUT_CONTACT = SharingPolicy.pathsExceptContact();

  /**
   * Writes agreement terms for {@code bdx agreement propose}: all harms and areas both ways, the
   * given field paths, the partner classified as a peer receiver.
   */
  static Path termsFile(
      Path dir, String file, List<String> weSend, List<String> weReceive, int retentionDays)
      throws IOException {
    String json =
        "{\"we_send\": {\"all_harms\": true, \"all_areas\": true, \"retention_days\": "
            + retentionDays
            + ", \"field_paths\": "
            + jsonList(weSend)
            + "}, \"we_receive\": {\"receiver_class\": \"PARTNER_CLASS_PEER\", \"all_harms\": true,"
            + " \"all_areas\": true, \"retention_days\": "
            + retentionDays
            + ", \"field_paths\": "
            + jsonList(weReceive)
            + "}}";
    Path p = dir.resolve(file);
    Files.writeString(p, json);
    return p;
  }

  private static String jsonList(List<String> items) {
    return "[" + String.join(", ", items.stream().map(s -> "\"" + s + "\"").toList()) + "]";
  }

  /**
   * The node's database file and its -wal and -shm files as one string (ISO-8859-1, one char per
   * byte), for checking that content is gone from every file SQLite writes.
   */
  static String databaseFiles(Path home) throws IOException {
    Path db = new NodeHome(home).databaseFile();
    StringBuilder sb = new StringBuilder();
    for (Path f : List.of(db, Path.of(db + "-wal"), Path.of(db + "-shm"))) {
      if (Files.exists(f)) {
        sb.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * What the node's row keys open in its database, lower-cased (see {@link Unsealed}): opened as a
   * second connection with the node's passphrase, so a test can show that a value it does not find
   * in the raw files is held there sealed, or is gone.
   */
  static String unsealedText(TestOrg o) throws IOException {
    try (Passphrase p = Passphrase.fromFile(TestOrg.passphraseFile(o.home()));
        NodeDatabase db =
            NodeDatabase.open(new NodeHome(o.home()).databaseFile(), TestCiphers.of(o.home(), p))) {
      return Unsealed.text(db);
    }
  }

  static CliRun ok(String... args) {
    CliRun r = CliRun.bdx(args);
    assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isZero();
    return r;
  }

  /** Submits a report through the CLI and returns the alert id. */
  static String report(Path home, String phone) throws Exception {
    return report(home, "Downtown East", phone);
  }

  /** As above, in {@code area}. */
  static String report(Path home, String area, String phone) throws Exception {
    CliRun r =
        ok(
            "report",
            "add",
            "--home",
            home.toString(),
            "--json",
            "--date",
            LocalDate.now().minusDays(1).toString(),
            "--time",
            "night",
            "--area",
            area,
            "--setting",
            "outcall",
            "--harm",
            "physical_assault",
            "--severity",
            "high",
            "--description",
            "tall, grey beard",
            "--phone",
            phone,
            "--summary",
            "books hotel outcalls",
            "--audience",
            "peer");
    return parse(r.out(), SubmitReportResponse.getDefaultInstance()).getAlert().getAlertId();
  }

  /** Every alert the node holds (all pages). */
  static List<AlertView> allAlerts(Path home) throws Exception {
    List<AlertView> out = new ArrayList<>();
    String token = "";
    do {
      List<String> args =
          new ArrayList<>(
              List.of("alerts", "search", "--home", home.toString(), "--json", "--limit", "500"));
      if (!token.isEmpty()) {
        args.addAll(List.of("--page", token));
      }
      SearchAlertsResponse r =
          parse(ok(args.toArray(String[]::new)).out(), SearchAlertsResponse.getDefaultInstance());
      out.addAll(r.getAlertsList());
      token = r.getNextPageToken();
    } while (!token.isEmpty());
    return out;
  }

  static List<String> alertIds(Path home) throws Exception {
    return allAlerts(home).stream().map(AlertView::getAlertId).toList();
  }

  /** The node's status line for {@code partnerName}, from {@code bdx status --json}. */
  static PartnerStatus status(Path home, String partnerName) {
    try {
      GetStatusResponse r =
          parse(
              ok("status", "--home", home.toString(), "--json").out(),
              GetStatusResponse.getDefaultInstance());
      return r.getPartnersList().stream()
          .filter(p -> p.getPartner().getName().equals(partnerName))
          .findFirst()
          .orElseThrow();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @SuppressWarnings("unchecked")
  /** The alert as {@code o}'s {@code bdx alerts show --json} prints it; fails if not held. */
  static AlertView show(TestOrg o, String alertId) throws Exception {
    CliRun r = ok("alerts", "show", alertId, "--home", o.homeArg(), "--json");
    return parse(r.out(), GetAlertResponse.getDefaultInstance()).getAlert();
  }

  /** Whether {@code o} holds the alert (tombstones included). */
  static boolean held(TestOrg o, String alertId) {
    return CliRun.bdx("alerts", "show", alertId, "--home", o.homeArg()).exitCode() == 0;
  }

  /**
   * Direction terms as JSON for a proposal: peer class, all harms, {@code paths}, 30 days, relay
   * hops ({@code may_relay} when above 0), {@code accept_relayed}, one area or all.
   */
  static String direction(
      List<String> paths, int relayHops, boolean acceptRelayed, String onlyArea) {
    String areas = onlyArea == null ? "\"all_areas\": true" : "\"areas\": [\"" + onlyArea + "\"]";
    return "{\"receiver_class\": \"PARTNER_CLASS_PEER\", \"all_harms\": true, "
        + areas
        + ", \"retention_days\": 30, \"may_relay\": "
        + (relayHops > 0)
        + ", \"max_relay_hops\": "
        + relayHops
        + ", \"accept_relayed\": "
        + acceptRelayed
        + ", \"field_paths\": "
        + jsonList(paths)
        + "}";
  }

  /** A terms file for {@code bdx agreement propose}: what the proposer sends and receives. */
  static Path proposal(Path dir, String send, String receive) throws IOException {
    Path terms = Files.createTempFile(dir, "terms", ".json");
    Files.writeString(terms, "{\"we_send\": " + send + ", \"we_receive\": " + receive + "}");
    return terms;
  }

  static <T extends Message> T parse(String json, T prototype) throws Exception {
    Message.Builder b = prototype.newBuilderForType();
    JsonFormat.parser().merge(json.strip(), b);
    return (T) b.build();
  }

  /** {@link #awaitTrue(BooleanSupplier, String, int)} with 30 seconds. */
  static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    awaitTrue(condition, what, 30);
  }

  /**
   * Waits for {@code condition}; generous, since it waits for delivery and never measures it.
   *
   * <p>Only for what must happen. To show that something does not arrive, wait here for a later
   * marker that the same path delivers after it, then assert the absence; never sleep and assert.
   */
  static void awaitTrue(BooleanSupplier condition, String what, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + seconds + " s waiting for: " + what);
      }
      Thread.sleep(100); // a polling interval: the condition decides, never the time slept
    }
  }

  static BooleanSupplier quietly(ThrowingBool b) {
    return () -> {
      try {
        return b.get();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
  }

  interface ThrowingBool {
    boolean get() throws Exception;
  }
}
