package org.bdx.node.mail;

import jakarta.activation.DataHandler;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.Properties;
import javax.net.ssl.SSLException;
import org.bdx.node.delivery.Channel;
import org.bdx.node.delivery.DeliveryException;
import org.bdx.node.delivery.Message;

/**
 * Bulletins by e-mail through the organization's SMTP server (Jakarta Mail, Angus Mail): one
 * message per subscriber, {@code multipart/alternative} with the plain text first and the HTML last
 * (the richest a mail program can show), inside {@code multipart/mixed} when there are attachments.
 * STARTTLS is required unless the settings say otherwise; the server's certificate must match its
 * name. Replies go to the organization ({@code Reply-To}), which is how a subscriber stops the
 * bulletins; {@code List-Unsubscribe} names the same address, with no link to follow.
 */
public final class EmailChannel implements Channel {
  private final MailSettings settings;

  public EmailChannel(MailSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public String name() {
    return "email";
  }

  @Override
  public void send(String address, Message message) throws DeliveryException {
    Properties props = properties();
    if (settings.caFile() != null && settings.security() != MailSettings.Security.NONE) {
      try {
        props.put("mail.smtp.ssl.socketFactory", ServerTrust.socketFactory(settings.caFile()));
      } catch (IOException | GeneralSecurityException e) {
        throw new DeliveryException(
            "bulletin.mail.ca_file: " + scrub(e.getMessage()) + " (" + settings.caFile() + ")",
            false);
      }
    }
    Session session = Session.getInstance(props);
    MimeMessage m;
    try {
      m = mime(session, address, message);
    } catch (AddressException e) {
      throw new DeliveryException("the subscriber's address is not valid for e-mail", true);
    } catch (MessagingException e) {
      throw new DeliveryException("the message could not be made: " + scrub(e.getMessage()), true);
    }
    String password;
    try {
      password = settings.password();
    } catch (IOException e) {
      throw new DeliveryException(scrub(e.getMessage()), false);
    }
    try (Transport t = session.getTransport("smtp")) {
      t.connect(
          settings.host(),
          settings.port(),
          settings.username().isEmpty() ? null : settings.username(),
          settings.username().isEmpty() ? null : password);
      t.sendMessage(m, m.getAllRecipients());
    } catch (AuthenticationFailedException e) {
      throw new DeliveryException(
          server() + " refused the login: check bulletin.mail.username and the password file",
          false);
    } catch (SendFailedException e) {
      boolean refused = e.getInvalidAddresses() != null && e.getInvalidAddresses().length > 0;
      throw new DeliveryException(
          refused
              ? server() + " refused the subscriber's address"
              : server() + " did not take the message: " + scrub(e.getMessage()),
          refused);
    } catch (MessagingException e) {
      throw new DeliveryException(reason(e), false);
    }
  }

  private MimeMessage mime(Session session, String address, Message message)
      throws MessagingException {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(settings.from(), true));
    m.setReplyTo(new InternetAddress[] {new InternetAddress(settings.replyTo(), true)});
    m.setRecipient(RecipientType.TO, new InternetAddress(address, true));
    m.setSubject(message.subject(), "UTF-8");
    m.setSentDate(new java.util.Date());
    m.setHeader("List-Unsubscribe", "<mailto:" + settings.replyTo() + "?subject=unsubscribe>");
    m.setHeader("Auto-Submitted", "auto-generated");
    MimeMultipart alternative = new MimeMultipart("alternative");
    for (Message.Part p : message.bodies()) {
      MimeBodyPart bp = new MimeBodyPart();
      String subtype = p.baseType().substring(p.baseType().indexOf('/') + 1);
      bp.setText(new String(p.content(), StandardCharsets.UTF_8), "UTF-8", subtype);
      alternative.addBodyPart(bp);
    }
    if (message.attachments().isEmpty()) {
      m.setContent(alternative);
    } else {
      MimeMultipart mixed = new MimeMultipart("mixed");
      MimeBodyPart text = new MimeBodyPart();
      text.setContent(alternative);
      mixed.addBodyPart(text);
      for (Message.Part p : message.attachments()) {
        MimeBodyPart bp = new MimeBodyPart();
        bp.setDataHandler(new DataHandler(new ByteArrayDataSource(p.content(), p.mediaType())));
        bp.setFileName(p.fileName());
        bp.setDisposition(Part.ATTACHMENT);
        mixed.addBodyPart(bp);
      }
      m.setContent(mixed);
    }
    m.saveChanges();
    return m;
  }

  private Properties properties() {
    Properties p = new Properties();
    String ms = Long.toString(settings.timeout().toMillis());
    p.setProperty("mail.smtp.host", settings.host());
    p.setProperty("mail.smtp.port", Integer.toString(settings.port()));
    p.setProperty("mail.smtp.connectiontimeout", ms);
    p.setProperty("mail.smtp.timeout", ms);
    p.setProperty("mail.smtp.writetimeout", ms);
    p.setProperty("mail.smtp.auth", Boolean.toString(!settings.username().isEmpty()));
    p.setProperty("mail.smtp.from", settings.from());
    switch (settings.security()) {
      case STARTTLS -> {
        p.setProperty("mail.smtp.starttls.enable", "true");
        p.setProperty("mail.smtp.starttls.required", "true");
        p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
      }
      case TLS -> {
        p.setProperty("mail.smtp.ssl.enable", "true");
        p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
      }
      case NONE -> {
        // Allowed only for a server on this machine (MailSettings).
      }
    }
    return p;
  }

  private String server() {
    return "the SMTP server " + settings.host() + ":" + settings.port();
  }

  /** Why a send failed, in an operator's words; never an address. */
  private String reason(MessagingException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return "could not connect to " + server() + " (connection refused): is it running?";
      }
      if (t instanceof UnknownHostException) {
        return "no such SMTP server: " + settings.host();
      }
      if (t instanceof SocketTimeoutException) {
        return server() + " did not answer in time";
      }
      if (t instanceof SSLException) {
        return "TLS with " + server() + " failed: " + scrub(t.getMessage());
      }
    }
    String msg = e.getMessage() == null ? "" : e.getMessage();
    if (msg.contains("STARTTLS")) {
      return server() + " does not offer STARTTLS, which bulletin.mail.security=starttls requires";
    }
    if (msg.startsWith("Couldn't connect") || msg.contains("Could not connect")) {
      return "could not connect to " + server() + ": is it running?";
    }
    return server() + " failed: " + scrub(msg);
  }

  /** {@code s} on one line, at most 200 characters, with any word holding an '@' replaced. */
  static String scrub(String s) {
    if (s == null) {
      return "";
    }
    String one = s.replaceAll("[\\r\\n\\t]+", " ").replaceAll("\\S*@\\S*", "<address>").strip();
    return one.length() > 200 ? one.substring(0, 197) + "..." : one;
  }
}
