package org.bdx.node.mail;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.bdx.node.delivery.Subscribers;

/**
 * The organization's SMTP server, from the node's settings file ({@code bulletin.mail.*}). The
 * password is in a file of its own ({@code bulletin.mail.password_file}), never in the settings.
 *
 * @param host the server
 * @param port its port (587 for submission with STARTTLS, 465 for TLS from the start)
 * @param security how the connection is protected: STARTTLS required (the default), TLS from the
 *     start, or none (only to a server on this machine, such as a local relay)
 * @param username the login, or "" for none
 * @param passwordFile the file holding the password, or null for none
 * @param from the sender address
 * @param replyTo where replies go (an unsubscribe request, say); {@code from} when not set
 * @param timeout how long to wait for the server at each step
 * @param caFile PEM certificates the server's certificate must chain to instead of the system's
 *     trusted authorities (an organization's own authority, or a relay's own certificate), or null
 *     for the system's
 */
public record MailSettings(
    String host,
    int port,
    Security security,
    String username,
    Path passwordFile,
    String from,
    String replyTo,
    Duration timeout,
    Path caFile) {
  static final String PREFIX = "bulletin.mail.";

  /** How the connection to the server is protected. */
  public enum Security {
    STARTTLS,
    TLS,
    NONE
  }

  public MailSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(security, "security");
    username = username == null ? "" : username;
    Objects.requireNonNull(from, "from");
    replyTo = replyTo == null || replyTo.isBlank() ? from : replyTo;
    Objects.requireNonNull(timeout, "timeout");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(PREFIX + "port must be between 1 and 65535");
    }
  }

  /**
   * The settings in {@code file}, or empty if it names no server ({@code bulletin.mail.host}). A
   * relative password file is read from {@code homeDir}.
   *
   * @throws IllegalArgumentException naming the setting that is wrong
   */
  public static Optional<MailSettings> load(Path file, Path homeDir) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    String host = p.getProperty(PREFIX + "host", "").strip();
    if (host.isEmpty()) {
      return Optional.empty();
    }
    try {
      Security security;
      String sec = p.getProperty(PREFIX + "security", "starttls").strip();
      try {
        security = Security.valueOf(sec.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(PREFIX + "security must be starttls, tls or none");
      }
      if (security == Security.NONE && !loopback(host)) {
        throw new IllegalArgumentException(
            PREFIX
                + "security=none is allowed only for a server on this machine; use starttls or"
                + " tls for "
                + host);
      }
      int port = integer(p, "port", security == Security.TLS ? 465 : 587);
      String from = p.getProperty(PREFIX + "from", "").strip();
      if (from.isEmpty()) {
        throw new IllegalArgumentException(PREFIX + "from is required with " + PREFIX + "host");
      }
      Subscribers.address(from);
      String replyTo = p.getProperty(PREFIX + "reply_to", "").strip();
      if (!replyTo.isEmpty()) {
        Subscribers.address(replyTo);
      }
      String pw = p.getProperty(PREFIX + "password_file", "").strip();
      Path passwordFile = pw.isEmpty() ? null : homeDir.resolve(pw);
      String ca = p.getProperty(PREFIX + "ca_file", "").strip();
      Path caFile = ca.isEmpty() ? null : homeDir.resolve(ca);
      return Optional.of(
          new MailSettings(
              host,
              port,
              security,
              p.getProperty(PREFIX + "username", "").strip(),
              passwordFile,
              from,
              replyTo,
              Duration.ofSeconds(integer(p, "timeout_seconds", 30)),
              caFile));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** The password, read from its file each time (so a changed password needs no restart). */
  String password() throws IOException {
    if (passwordFile == null) {
      return "";
    }
    try {
      if (Files.size(passwordFile) > 4096) {
        throw new IOException(passwordFile + " is too large to be a password");
      }
      return Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      throw new IOException("no such password file: " + passwordFile);
    }
  }

  private static boolean loopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      // Literal addresses only: a name is not looked up here.
      return host.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == ':')
          && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static int integer(Properties p, String key, int def) {
    String v = p.getProperty(PREFIX + key, "").strip();
    if (v.isEmpty()) {
      return def;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(PREFIX + key + " must be a whole number");
    }
  }
}
