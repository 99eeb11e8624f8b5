package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error a person can cause, fed through the real CLI: each says what happened and what to do,
 * with no Java class name, exits with the code {@code bdx --help} promises, and with {@code --json}
 * is one JSON object naming the same code, message and field.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorsTest {
  Path tmp;

  /** A node's home whose node is not running. */
  Path stopped;

  Path aFile;

  @BeforeAll
  void files(@TempDir Path dir) throws Exception {
    tmp = dir;
    stopped = tmp.resolve("stopped");
    Path passphrase = Files.writeString(tmp.resolve("passphrase"), "correct horse battery\n");
    CliRun init =
        CliRun.bdx(
            "init",
            "--home",
            stopped.toString(),
            "--passphrase-file",
            passphrase.toString(),
            "--name",
            "Stopped Outreach",
            "--listen",
            "127.0.0.1:" + TestOrg.freePort(),
            "--federation-listen",
            "127.0.0.1:" + TestOrg.freePort());
    assertThat(init.exitCode()).as(init.toString()).isZero();
    aFile = Files.writeString(tmp.resolve("a-file"), "not a directory\n");
    Files.writeString(tmp.resolve("truncated.json"), "{\"area\": \"East\",\n");
    Files.writeString(tmp.resolve("unknown-field.json"), "{\"nickname\": \"x\"}");
    Files.writeString(tmp.resolve("bad-word.json"), "{\"harms\": [\"HARM_CATEGORY_PUNCHING\"]}");
    Files.writeString(
        tmp.resolve("negative.json"), "{\"we_send\": {\"retention_days\": -5, \"areas\": []}}");
  }

  record Case(int code, String fragment, String field, String... args) {}

  private List<Case> cases() {
    String missing = tmp.resolve("no-such-home").toString();
    return List.of(
        // Files a person wrote.
        new Case(
            1,
            "truncated.json is not a report in JSON form: it ends too early at line 2",
            "area",
            "report",
            "add",
            "--home",
            missing,
            "--file",
            file("truncated.json")),
        new Case(
            1,
            "a field \"nickname\" that a report does not have",
            "nickname",
            "report",
            "add",
            "--home",
            missing,
            "--file",
            file("unknown-field.json")),
        new Case(
            1,
            "harms[0]: unknown value 'HARM_CATEGORY_PUNCHING'; one of: physical_assault,",
            "harms[0]",
            "report",
            "add",
            "--home",
            missing,
            "--file",
            file("bad-word.json")),
        new Case(
            1,
            "we_send.retention_days: -5 is out of range; it cannot be negative",
            "we_send.retention_days",
            "agreement",
            "propose",
            "--home",
            missing,
            "--partner",
            "north",
            "--terms",
            file("negative.json")),
        // An amendment reads its terms file as a proposal does.
        new Case(
            1,
            "we_send.retention_days: -5 is out of range; it cannot be negative",
            "we_send.retention_days",
            "agreement",
            "amend",
            "AGR1",
            "--home",
            missing,
            "--terms",
            file("negative.json")),
        new Case(
            1,
            "no such file: " + file("no-such-terms.json"),
            null,
            "agreement",
            "amend",
            "AGR1",
            "--home",
            missing,
            "--terms",
            file("no-such-terms.json")),
        // Homes.
        new Case(
            1,
            "no node in " + missing + "; create one with: bdx init",
            null,
            "serve",
            "--home",
            missing),
        new Case(1, "no node in " + missing, null, "report", "list", "--home", missing),
        new Case(
            1,
            aFile + " is a file, not a node's home directory",
            null,
            "serve",
            "--home",
            aFile.toString()),
        new Case(
            1,
            aFile + " is a file, not a directory; choose another --home",
            null,
            "init",
            "--home",
            aFile.toString(),
            "--name",
            "East Outreach"),
        new Case(
            1,
            "cannot create the home directory " + aFile.resolve("node") + " (",
            null,
            "init",
            "--home",
            aFile.resolve("node").toString(),
            "--name",
            "East Outreach"),
        // A bulletin never replaces a file unasked.
        new Case(
            1,
            "bad-word.json already exists; choose another file, or add --force",
            null,
            "bulletin",
            "--home",
            missing,
            "--since",
            "2026-11-01",
            "--out",
            file("bad-word.json")),
        // Unknown values of options, unknown commands and options.
        new Case(
            2,
            "--format pdf needs --out FILE",
            "--out",
            "bulletin",
            "--home",
            missing,
            "--since",
            "2026-11-01",
            "--format",
            "pdf"),
        new Case(
            2,
            "--format: choose text, html or pdf",
            "--format",
            "bulletin",
            "--home",
            missing,
            "--since",
            "2026-11-01",
            "--format",
            "docx"),
        new Case(
            2,
            "--harm: unknown harm 'punching'; one of: physical_assault",
            "--harm",
            "report",
            "add",
            "--home",
            missing,
            "--harm",
            "punching"),
        new Case(
            2,
            "--harm: unknown harm 'punching'",
            "--harm",
            "alerts",
            "search",
            "--home",
            missing,
            "--harm",
            "punching"),
        new Case(
            2,
            "--class: unknown class 'cop'; one of: peer, support, police",
            "--class",
            "partner",
            "add",
            "--home",
            missing,
            "--name",
            "north",
            "--node-id",
            "x",
            "--endpoint",
            "127.0.0.1:1",
            "--class",
            "cop"),
        new Case(
            2,
            "--role: unknown role 'boss'; one of: viewer, intake, coordinator",
            "--role",
            "staff",
            "add",
            "--home",
            missing,
            "--name",
            "robin",
            "--role",
            "boss"),
        new Case(
            2,
            "--audience: ",
            "--audience",
            "report",
            "add",
            "--home",
            missing,
            "--audience",
            "everyone"),
        new Case(2, "'x' is not an int", "--limit", "alerts", "search", "--limit", "x"),
        new Case(2, "'nosuchcommand'", "nosuchcommand", "nosuchcommand"),
        new Case(2, "'--frobnicate'", "--frobnicate", "report", "add", "--frobnicate"),
        new Case(2, "--name", "--name", "partner", "add", "--endpoint", "127.0.0.1:1"),
        new Case(
            2,
            "say what to change: --endpoint HOST:PORT, --name NAME or both",
            null,
            "partner",
            "update",
            "north",
            "--home",
            missing),
        new Case(2, "--terms", "--terms", "agreement", "amend", "AGR1", "--home", missing),
        new Case(
            2,
            "--accept-relayed",
            "--accept-relayed",
            "agreement",
            "amend",
            "AGR1",
            "--home",
            missing,
            "--terms",
            file("negative.json"),
            "--accept-relayed",
            "everyone"),
        new Case(2, "ID", "ID", "agreement", "decline", "--home", missing),
        new Case(
            3,
            "is not running or not reachable. Start it with: bdx serve --home " + stopped,
            null,
            "agreement",
            "decline",
            "AGR1",
            "--home",
            stopped.toString()),
        // The node's key.
        new Case(2, "--out", "--out", "key", "export-recovery", "--home", missing),
        new Case(
            1,
            "no node in " + missing,
            null,
            "key",
            "export-recovery",
            "--home",
            missing,
            "--out",
            tmp.resolve("out.recovery").toString()),
        new Case(
            1,
            "already exists; a recovery file is never overwritten",
            null,
            "key",
            "export-recovery",
            "--home",
            stopped.toString(),
            "--out",
            aFile.toString()),
        new Case(
            3,
            "is not running or not reachable. Start it with: bdx serve --home " + stopped,
            null,
            "key",
            "show",
            "--home",
            stopped.toString()),
        // The node.
        new Case(
            3,
            "is not running or not reachable. Start it with: bdx serve --home " + stopped,
            null,
            "report",
            "list",
            "--home",
            stopped.toString()));
  }

  private String file(String name) {
    return tmp.resolve(name).toString();
  }

  @TestFactory
  Stream<DynamicTest> plain_saysWhatHappened_withTheDocumentedExitCode() {
    return cases().stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    String.join(" ", c.args()),
                    () -> {
                      CliRun run = CliRun.bdx(c.args());
                      assertThat(run.exitCode()).as(run.toString()).isEqualTo(c.code());
                      assertThat(run.err())
                          .as(run.toString())
                          .contains(c.fragment())
                          .doesNotContain("Exception")
                          .doesNotContain("java.")
                          .doesNotContain("bdx.v1.");
                      assertThat(run.out()).isEmpty();
                    }));
  }

  @TestFactory
  Stream<DynamicTest> json_isOneErrorObject_withCodeMessageAndField() {
    return cases().stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    String.join(" ", c.args()) + " --json",
                    () -> {
                      List<String> args = new ArrayList<>(List.of(c.args()));
                      args.add("--json");
                      CliRun run = CliRun.bdx(args.toArray(String[]::new));
                      assertThat(run.exitCode()).as(run.toString()).isEqualTo(c.code());
                      assertThat(run.out()).isEmpty();
                      assertThat(run.err()).as(run.toString()).hasLineCount(1);
                      Struct.Builder parsed = Struct.newBuilder();
                      JsonFormat.parser().merge(run.err(), parsed);
                      Struct error = parsed.getFieldsOrThrow("error").getStructValue();
                      assertThat(error.getFieldsOrThrow("code").getNumberValue())
                          .isEqualTo(c.code());
                      assertThat(error.getFieldsOrThrow("message").getStringValue())
                          .contains(c.fragment())
                          .doesNotContain("Exception");
                      Value field = error.getFieldsOrThrow("field");
                      if (c.field() == null) {
                        assertThat(field.hasNullValue()).as(run.toString()).isTrue();
                      } else {
                        assertThat(field.getStringValue()).as(run.toString()).isEqualTo(c.field());
                      }
                    }));
  }
}
