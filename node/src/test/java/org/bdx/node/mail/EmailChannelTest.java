package org.bdx.node.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.bdx.node.delivery.DeliveryException;
import org.bdx.node.delivery.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EmailChannel} against a real SMTP server on loopback ({@link TestSmtp}: GreenMail behind
 * STARTTLS): the message arrives as plain text and HTML alternatives with the attachment and the
 * unsubscribe header; a server that offers no STARTTLS, one down, and one whose certificate is not
 * trusted each fail with a clear reason, to be tried again, and receive nothing.
 */
class EmailChannelTest {
  @TempDir Path dir;
  TestSmtp smtp;

  static final Message MESSAGE =
      new Message(
          "BAD DATE WARNINGS - East Outreach",
          List.of(
              new Message.Part("text/plain; charset=utf-8", bytes("Cảnh báo: tall, red cap"), ""),
              new Message.Part(
                  "text/html; charset=utf-8",
                  bytes("<html><body><p>Cảnh báo: <b>tall, red cap</b></p></body></html>"),
                  "")),
          List.of(
              new Message.Part(
                  "text/html; charset=utf-8", bytes("<html>printable</html>"), "bulletin.html")));

  @BeforeEach
  void server() throws Exception {
    smtp = new TestSmtp(dir);
    smtp.start();
  }

  @AfterEach
  void stop() {
    smtp.close();
  }

  private MailSettings settings(int port, Path caFile) {
    return new MailSettings(
        "127.0.0.1",
        port,
        MailSettings.Security.STARTTLS,
        "",
        null,
        "bulletins@east.example.org",
        "coordinator@east.example.org",
        Duration.ofSeconds(10),
        caFile);
  }

  @Test
  void send_overStartTls_arrivesAsTextAndHtmlAlternatives_withTheAttachment() throws Exception {
    new EmailChannel(settings(smtp.port(), smtp.caFile())).send("ana@example.org", MESSAGE);

    assertThat(smtp.received()).hasSize(1);
    MimeMessage m = smtp.received().getFirst();
    assertThat(m.getAllRecipients())
        .extracting(Object::toString)
        .containsExactly("ana@example.org");
    assertThat(m.getSubject()).isEqualTo("BAD DATE WARNINGS - East Outreach");
    assertThat(m.getReplyTo()[0].toString()).isEqualTo("coordinator@east.example.org");
    assertThat(m.getHeader("List-Unsubscribe"))
        .containsExactly("<mailto:coordinator@east.example.org?subject=unsubscribe>");

    Multipart mixed = (Multipart) m.getContent();
    assertThat(mixed.getContentType()).startsWith("multipart/mixed");
    assertThat(mixed.getCount()).isEqualTo(2);
    Multipart alternative = (Multipart) mixed.getBodyPart(0).getContent();
    assertThat(alternative.getContentType()).startsWith("multipart/alternative");
    // Plain text first, HTML last: a mail program shows the last it can.
    assertThat(alternative.getBodyPart(0).getContentType()).startsWith("text/plain");
    assertThat(alternative.getBodyPart(0).getContent()).isEqualTo("Cảnh báo: tall, red cap");
    assertThat(alternative.getBodyPart(1).getContentType()).startsWith("text/html");
    assertThat((String) alternative.getBodyPart(1).getContent()).contains("<b>tall, red cap</b>");
    BodyPart file = mixed.getBodyPart(1);
    assertThat(file.getDisposition()).isEqualTo(Part.ATTACHMENT);
    assertThat(file.getFileName()).isEqualTo("bulletin.html");
    assertThat(new String(file.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("<html>printable</html>");
  }

  @Test
  void send_toAServerWithoutStartTls_sendsNothingInClear_andIsTriedAgain() {
    DeliveryException e =
        catchThrowableOfType(
            DeliveryException.class,
            () ->
                new EmailChannel(settings(smtp.plainPort(), smtp.caFile()))
                    .send("ana@example.org", MESSAGE));

    assertThat(e.getMessage()).contains("does not offer STARTTLS");
    assertThat(e.permanent()).isFalse();
    assertThat(smtp.received()).isEmpty();
  }

  @Test
  void send_toAServerThatIsDown_saysSo_andIsTriedAgain() {
    smtp.stop();
    DeliveryException e =
        catchThrowableOfType(
            DeliveryException.class,
            () ->
                new EmailChannel(settings(smtp.port(), smtp.caFile()))
                    .send("ana@example.org", MESSAGE));

    assertThat(e.getMessage())
        .isEqualTo(
            "could not connect to the SMTP server 127.0.0.1:"
                + smtp.port()
                + " (connection refused): is it running?");
    assertThat(e.permanent()).isFalse();
    assertThat(e.getMessage()).doesNotContain("ana@");
  }

  @Test
  void send_toAServerWhoseCertificateIsNotTrusted_failsTls_andSendsNothing() {
    DeliveryException e =
        catchThrowableOfType(
            DeliveryException.class,
            () -> new EmailChannel(settings(smtp.port(), null)).send("ana@example.org", MESSAGE));

    assertThat(e.getMessage()).startsWith("TLS with the SMTP server 127.0.0.1:" + smtp.port());
    assertThat(e.permanent()).isFalse();
    assertThat(smtp.received()).isEmpty();
  }

  @Test
  void send_withAMissingCaFile_namesTheSetting() {
    DeliveryException e =
        catchThrowableOfType(
            DeliveryException.class,
            () ->
                new EmailChannel(settings(smtp.port(), dir.resolve("nope.pem")))
                    .send("ana@example.org", MESSAGE));

    assertThat(e.getMessage()).startsWith("bulletin.mail.ca_file: no such file");
    assertThat(smtp.received()).isEmpty();
  }

  @Test
  void scrub_replacesAddresses_andKeepsOneLine() {
    assertThat(EmailChannel.scrub("550 <ana@example.org>\r\nrejected"))
        .isEqualTo("550 <address> rejected");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
