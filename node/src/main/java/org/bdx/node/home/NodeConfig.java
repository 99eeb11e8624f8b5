package org.bdx.node.home;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

/**
 * A node's settings, kept as a small properties file in the home directory so a coordinator can
 * read and edit it with any text editor.
 *
 * @param organizationName the member organization's name, shown to partners and on bulletins
 * @param listen client and admin API address; loopback by default so nothing is exposed by accident
 * @param federationListen where partners connect (mutual TLS); set it to a reachable address when
 *     partners are on other machines
 * @param phoneRegion ISO 3166 region used to read phone numbers written without a country code
 * @param alertLifetime how long an alert stays valid after it is issued
 * @param maxRelayHops the most hops an alert may travel beyond its first receiver
 * @param maxClockSkew how far ahead of this node's clock a partner's alert may be dated before it
 *     is refused (spec TIME-1, TIME-2); 0 to 1 day. Partners' TLS certificates get the same
 *     tolerance (FED-TLS-5.5)
 * @param certificateLifetime how long each federation TLS certificate this node makes is valid
 *     (spec FED-TLS-2); 1 to 30 days. The node renews it while serving.
 */
public record NodeConfig(
    String organizationName,
    HostPort listen,
    HostPort federationListen,
    String phoneRegion,
    Duration alertLifetime,
    int maxRelayHops,
    Duration maxClockSkew,
    Duration certificateLifetime) {

  public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 7400);
  public static final HostPort DEFAULT_FEDERATION_LISTEN = new HostPort("127.0.0.1", 7401);
  public static final Duration DEFAULT_ALERT_LIFETIME = Duration.ofDays(180);
  public static final int DEFAULT_MAX_RELAY_HOPS = 2;
  public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofSeconds(300);
  public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(86_400);
  public static final Duration DEFAULT_CERTIFICATE_LIFETIME = Duration.ofDays(7);
  public static final Duration MAX_CERTIFICATE_LIFETIME = Duration.ofDays(30);

  private static final int MAX_NAME_LENGTH = 100;

  public NodeConfig {
    if (organizationName == null || organizationName.isBlank()) {
      throw new IllegalArgumentException("the organization name is empty");
    }
    organizationName = organizationName.strip();
    if (organizationName.length() > MAX_NAME_LENGTH
        || organizationName.codePoints().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "the organization name must be at most "
              + MAX_NAME_LENGTH
              + " characters with no control characters");
    }
    if (listen == null || federationListen == null) {
      throw new IllegalArgumentException("no listen address");
    }
    phoneRegion = normalizeRegion(phoneRegion);
    if (alertLifetime == null
        || alertLifetime.compareTo(Duration.ofDays(1)) < 0
        || alertLifetime.compareTo(Duration.ofDays(3650)) > 0) {
      throw new IllegalArgumentException("the alert lifetime must be between 1 and 3650 days");
    }
    if (maxRelayHops < 0 || maxRelayHops > 8) {
      throw new IllegalArgumentException("max relay hops must be between 0 and 8");
    }
    if (maxClockSkew == null
        || maxClockSkew.isNegative()
        || maxClockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
      throw new IllegalArgumentException(
          "the tolerated clock skew must be between 0 and "
              + MAX_CLOCK_SKEW.toSeconds()
              + " seconds");
    }
    if (certificateLifetime == null
        || certificateLifetime.compareTo(Duration.ofDays(1)) < 0
        || certificateLifetime.compareTo(MAX_CERTIFICATE_LIFETIME) > 0
        || !certificateLifetime.equals(Duration.ofDays(certificateLifetime.toDays()))) {
      throw new IllegalArgumentException(
          "the TLS certificate lifetime must be a whole number of days between 1 and "
              + MAX_CERTIFICATE_LIFETIME.toDays());
    }
  }

  /** Settings with the default certificate lifetime. */
  public NodeConfig(
      String organizationName,
      HostPort listen,
      HostPort federationListen,
      String phoneRegion,
      Duration alertLifetime,
      int maxRelayHops,
      Duration maxClockSkew) {
    this(
        organizationName,
        listen,
        federationListen,
        phoneRegion,
        alertLifetime,
        maxRelayHops,
        maxClockSkew,
        DEFAULT_CERTIFICATE_LIFETIME);
  }

  /** Settings with the default tolerated clock skew. */
  public NodeConfig(
      String organizationName,
      HostPort listen,
      HostPort federationListen,
      String phoneRegion,
      Duration alertLifetime,
      int maxRelayHops) {
    this(
        organizationName,
        listen,
        federationListen,
        phoneRegion,
        alertLifetime,
        maxRelayHops,
        DEFAULT_MAX_CLOCK_SKEW);
  }

  /** A region code as libphonenumber expects it: two upper-case letters. */
  public static String normalizeRegion(String region) {
    if (region == null || !region.strip().matches("[A-Za-z]{2}")) {
      throw new IllegalArgumentException(
          "the phone region must be a two-letter country code such as CA, US, GB or DE");
    }
    return region.strip().toUpperCase(Locale.ROOT);
  }

  static final String KEY_NAME = "organization.name";
  static final String KEY_LISTEN = "client.listen";
  static final String KEY_FEDERATION_LISTEN = "federation.listen";
  static final String KEY_REGION = "phone.region";
  static final String KEY_LIFETIME = "alert.lifetime.days";
  static final String KEY_HOPS = "relay.max_hops";
  static final String KEY_SKEW = "clock.max_skew_seconds";
  static final String KEY_CERTIFICATE_DAYS = "tls.certificate.days";

  public static NodeConfig load(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    try {
      return new NodeConfig(
          required(p, KEY_NAME),
          HostPort.parse(required(p, KEY_LISTEN)),
          HostPort.parse(
              p.getProperty(KEY_FEDERATION_LISTEN, DEFAULT_FEDERATION_LISTEN.toString())),
          required(p, KEY_REGION),
          Duration.ofDays(
              Long.parseLong(
                  p.getProperty(KEY_LIFETIME, "" + DEFAULT_ALERT_LIFETIME.toDays()).strip())),
          Integer.parseInt(p.getProperty(KEY_HOPS, "" + DEFAULT_MAX_RELAY_HOPS).strip()),
          Duration.ofSeconds(
              Long.parseLong(
                  p.getProperty(KEY_SKEW, "" + DEFAULT_MAX_CLOCK_SKEW.toSeconds()).strip())),
          Duration.ofDays(
              Long.parseLong(
                  p.getProperty(KEY_CERTIFICATE_DAYS, "" + DEFAULT_CERTIFICATE_LIFETIME.toDays())
                      .strip())));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(file + ": a number setting is not a whole number");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static String required(Properties p, String key) {
    String v = p.getProperty(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("missing setting " + key);
    }
    return v;
  }

  public void store(Path file) throws IOException {
    Properties p = new Properties();
    p.setProperty(KEY_NAME, organizationName);
    p.setProperty(KEY_LISTEN, listen.toString());
    p.setProperty(KEY_FEDERATION_LISTEN, federationListen.toString());
    p.setProperty(KEY_REGION, phoneRegion);
    p.setProperty(KEY_LIFETIME, Long.toString(alertLifetime.toDays()));
    p.setProperty(KEY_HOPS, Integer.toString(maxRelayHops));
    p.setProperty(KEY_SKEW, Long.toString(maxClockSkew.toSeconds()));
    p.setProperty(KEY_CERTIFICATE_DAYS, Long.toString(certificateLifetime.toDays()));
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "BDX node settings. Restart the node after editing.");
    }
  }

  /**
   * A host and port as typed by a coordinator, e.g. {@code 127.0.0.1:7400} or {@code [::1]:7400}.
   */
  public record HostPort(String host, int port) {
    public HostPort {
      if (host == null || host.isBlank() || host.length() > 253) {
        throw new IllegalArgumentException("the host is empty or too long");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("the port must be between 0 and 65535");
      }
    }

    public static HostPort parse(String text) {
      String s = text == null ? "" : text.strip();
      int colon = s.lastIndexOf(':');
      if (colon <= 0 || colon == s.length() - 1) {
        throw new IllegalArgumentException(
            "an address must look like HOST:PORT, e.g. 127.0.0.1:7400");
      }
      String host = s.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(s.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "the port in an address must be a number, e.g. 127.0.0.1:7400");
      }
      return new HostPort(host, port);
    }

    public InetSocketAddress toSocketAddress() {
      return new InetSocketAddress(host, port);
    }

    /**
     * Whether only this machine can reach the address: {@code localhost}, {@code 127.0.0.0/8} or
     * {@code ::1}, written as such (no name lookup). Everything else, {@code 0.0.0.0} included,
     * counts as reachable from the network.
     */
    public boolean isLoopback() {
      String h = host.toLowerCase(java.util.Locale.ROOT);
      if (h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
        return true;
      }
      String[] parts = h.split("\\.", -1);
      if (parts.length != 4 || !parts[0].equals("127")) {
        return false;
      }
      for (String p : parts) {
        if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > 255) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
  }
}
