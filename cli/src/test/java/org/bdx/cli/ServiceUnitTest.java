package org.bdx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd unit in packaging/ is valid and hardened, checked by systemd's own tools where they
 * are installed. {@code systemd-analyze verify} exits 0 even for unknown keys, so a clean unit is
 * one that makes it print nothing.
 */
class ServiceUnitTest {
  private static final Path UNIT = Path.of("..", "packaging", "systemd", "bdx.service");
  private static final Path ANALYZE = Path.of("/usr/bin/systemd-analyze");

  @TempDir Path tmp;

  @BeforeEach
  void needsSystemd() {
    assumeTrue(Files.isExecutable(ANALYZE), "systemd-analyze is not installed here");
  }

  @Test
  void verify_printsNothing() throws Exception {
    Result r = run("verify", copy(unitText()));
    assertThat(r.code()).as(r.output()).isZero();
    assertThat(r.output()).as("warnings from systemd-analyze verify").isBlank();
  }

  @Test
  void verify_catchesAMisspeltHardeningKey() throws Exception {
    // Twin: the check above can fail.
    Result r = run("verify", copy(unitText().replace("NoNewPrivileges=", "NoNewPrivilegs=")));
    assertThat(r.output()).contains("Unknown key 'NoNewPrivilegs'");
  }

  @Test
  void exposure_isLow() throws Exception {
    Result r = run("security", "--offline=yes", copy(unitText()));
    Matcher m =
        Pattern.compile("Overall exposure level for bdx\\.service: ([0-9.]+)").matcher(r.output());
    assertThat(m.find()).as(r.output()).isTrue();
    assertThat(Double.parseDouble(m.group(1)))
        .as("systemd's exposure score, 0 to 10")
        .isLessThan(2.5);
  }

  @Test
  void passphrase_comesFromACredential_andTheHomeIsTheOnlyWritablePlace() throws IOException {
    String unit = unitText();
    assertThat(unit)
        .contains("LoadCredential=bdx-passphrase:")
        .contains("ProtectSystem=strict")
        .contains("ReadWritePaths=/var/lib/bdx")
        .contains("NoNewPrivileges=yes")
        .doesNotContain("BDX_PASSPHRASE");
  }

  private static String unitText() throws IOException {
    return Files.readString(UNIT, StandardCharsets.UTF_8);
  }

  /** The unit with its ExecStart pointing at a program that exists here, as verify checks that. */
  private Path copy(String text) throws IOException {
    Path f = tmp.resolve("bdx.service");
    Files.writeString(f, text.replace("ExecStart=/usr/bin/bdx", "ExecStart=/bin/true"));
    return f;
  }

  private record Result(int code, String output) {}

  private static Result run(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(ANALYZE.toString());
    for (String a : args) {
      cmd.add(a);
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("systemd-analyze did not finish");
    }
    return new Result(p.exitValue(), out);
  }

  private static Result run(String verb, Path file) throws Exception {
    return run(verb, file.toString());
  }

  private static Result run(String verb, String option, Path file) throws Exception {
    return run(verb, option, file.toString());
  }
}
