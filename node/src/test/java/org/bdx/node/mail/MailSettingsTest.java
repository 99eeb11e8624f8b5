package org.bdx.node.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SMTP settings of {@code node.properties} ({@code bulletin.mail.*}). */
class MailSettingsTest {
  @TempDir Path dir;

  private java.util.Optional<MailSettings> load(String text) throws Exception {
    Path f = dir.resolve("node.properties");
    Files.writeString(f, text);
    return MailSettings.load(f, dir);
  }

  @Test
  void load_withoutHost_isEmpty() throws Exception {
    assertThat(load("node.name=East\n")).isEmpty();
  }

  @Test
  void load_defaultsToStartTlsOnTheSubmissionPort_andResolvesFilesInTheHome() throws Exception {
    MailSettings m =
        load("bulletin.mail.host=smtp.example.org\nbulletin.mail.from=b@example.org\n"
                + "bulletin.mail.password_file=smtp.password\nbulletin.mail.ca_file=ca.pem\n")
            .orElseThrow();
    assertThat(m.security()).isEqualTo(MailSettings.Security.STARTTLS);
    assertThat(m.port()).isEqualTo(587);
    assertThat(m.replyTo()).isEqualTo("b@example.org");
    assertThat(m.passwordFile()).isEqualTo(dir.resolve("smtp.password"));
    assertThat(m.caFile()).isEqualTo(dir.resolve("ca.pem"));
  }

  @Test
  void load_securityNoneToAnotherMachine_throws() {
    assertThatThrownBy(
            () ->
                load(
                    "bulletin.mail.host=smtp.example.org\nbulletin.mail.from=b@example.org\n"
                        + "bulletin.mail.security=none\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bulletin.mail.security=none is allowed only for a server on this");
  }

  @Test
  void load_withoutFrom_namesTheSetting() {
    assertThatThrownBy(() -> load("bulletin.mail.host=smtp.example.org\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bulletin.mail.from is required");
  }
}
