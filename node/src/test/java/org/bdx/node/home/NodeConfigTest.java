package org.bdx.node.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {
  @TempDir Path tmp;

  @Test
  void storeThenLoad_roundTrips() throws Exception {
    NodeConfig c =
        new NodeConfig(
            "Org ÄÖ",
            NodeConfig.HostPort.parse("[::1]:7401"),
            NodeConfig.HostPort.parse("0.0.0.0:7402"),
            "gb",
            Duration.ofDays(90),
            1);
    Path f = tmp.resolve("node.properties");
    c.store(f);
    NodeConfig back = NodeConfig.load(f);
    assertThat(back).isEqualTo(c);
    assertThat(back.phoneRegion()).isEqualTo("GB");
    assertThat(back.listen().host()).isEqualTo("::1");
    assertThat(back.listen().toString()).isEqualTo("[::1]:7401");
    assertThat(back.federationListen().toString()).isEqualTo("0.0.0.0:7402");
  }

  @Test
  void load_settingsFromBeforeFederation_getDefaultFederationAddress() throws Exception {
    Path f = tmp.resolve("node.properties");
    Files.writeString(f, "organization.name=X\nclient.listen=127.0.0.1:7400\nphone.region=CA\n");
    assertThat(NodeConfig.load(f).federationListen())
        .isEqualTo(NodeConfig.DEFAULT_FEDERATION_LISTEN);
  }

  @Test
  void clockSkew_roundTrips_olderFilesGetTheDefault_andOutOfRangeIsRefused() throws Exception {
    NodeConfig c =
        new NodeConfig(
            "Org",
            NodeConfig.DEFAULT_LISTEN,
            NodeConfig.DEFAULT_FEDERATION_LISTEN,
            "CA",
            Duration.ofDays(30),
            0,
            Duration.ofSeconds(42));
    Path f = tmp.resolve("skew.properties");
    c.store(f);
    assertThat(Files.readString(f)).contains("clock.max_skew_seconds=42");
    assertThat(NodeConfig.load(f).maxClockSkew()).isEqualTo(Duration.ofSeconds(42));

    Path old = tmp.resolve("old.properties");
    Files.writeString(old, "organization.name=X\nclient.listen=127.0.0.1:7400\nphone.region=CA\n");
    assertThat(NodeConfig.load(old).maxClockSkew()).isEqualTo(Duration.ofSeconds(300));

    Files.writeString(old, Files.readString(old) + "clock.max_skew_seconds=86401\n");
    assertThatThrownBy(() -> NodeConfig.load(old)).hasMessageContaining("clock skew");
    for (Duration bad : new Duration[] {Duration.ofSeconds(-1), Duration.ofSeconds(86_401)}) {
      assertThatThrownBy(
              () ->
                  new NodeConfig(
                      "x",
                      NodeConfig.DEFAULT_LISTEN,
                      NodeConfig.DEFAULT_FEDERATION_LISTEN,
                      "CA",
                      Duration.ofDays(1),
                      0,
                      bad))
          .hasMessageContaining("clock skew");
    }
    assertThat(
            new NodeConfig(
                    "x",
                    NodeConfig.DEFAULT_LISTEN,
                    NodeConfig.DEFAULT_FEDERATION_LISTEN,
                    "CA",
                    Duration.ofDays(1),
                    0,
                    Duration.ZERO)
                .maxClockSkew())
        .isZero();
  }

  @Test
  void certificateDays_storedAndLoaded_defaultSeven_rangeOneToThirty() throws Exception {
    Path old = tmp.resolve("certs.properties");
    String base = "organization.name=X\nclient.listen=127.0.0.1:7400\nphone.region=CA\n";
    Files.writeString(old, base);
    NodeConfig loaded = NodeConfig.load(old);
    assertThat(loaded.certificateLifetime()).isEqualTo(Duration.ofDays(7));

    Path f = tmp.resolve("stored.properties");
    new NodeConfig(
            "x",
            NodeConfig.DEFAULT_LISTEN,
            NodeConfig.DEFAULT_FEDERATION_LISTEN,
            "CA",
            Duration.ofDays(30),
            0,
            Duration.ofSeconds(300),
            Duration.ofDays(30))
        .store(f);
    assertThat(Files.readString(f)).contains("tls.certificate.days=30");
    assertThat(NodeConfig.load(f).certificateLifetime()).isEqualTo(Duration.ofDays(30));

    for (String bad : new String[] {"0", "31", "-1"}) {
      Files.writeString(old, base + "tls.certificate.days=" + bad + "\n");
      assertThatThrownBy(() -> NodeConfig.load(old))
          .as(bad)
          .hasMessageContaining("TLS certificate lifetime")
          .hasMessageContaining("between 1 and 30");
    }
    Files.writeString(old, base + "tls.certificate.days=1\n");
    assertThat(NodeConfig.load(old).certificateLifetime()).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void hostPort_rejectsMalformed() {
    for (String bad : new String[] {"", "localhost", ":7400", "host:", "host:port", "host:70000"}) {
      assertThatThrownBy(() -> NodeConfig.HostPort.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void config_rejectsBadValues() {
    assertThatThrownBy(
            () ->
                new NodeConfig(
                    " ",
                    NodeConfig.DEFAULT_LISTEN,
                    NodeConfig.DEFAULT_FEDERATION_LISTEN,
                    "CA",
                    Duration.ofDays(1),
                    0))
        .hasMessageContaining("name");
    assertThatThrownBy(
            () ->
                new NodeConfig(
                    "x",
                    NodeConfig.DEFAULT_LISTEN,
                    NodeConfig.DEFAULT_FEDERATION_LISTEN,
                    "Canada",
                    Duration.ofDays(1),
                    0))
        .hasMessageContaining("two-letter");
    assertThatThrownBy(
            () ->
                new NodeConfig(
                    "x",
                    NodeConfig.DEFAULT_LISTEN,
                    NodeConfig.DEFAULT_FEDERATION_LISTEN,
                    "CA",
                    Duration.ZERO,
                    0))
        .hasMessageContaining("lifetime");
    assertThatThrownBy(
            () ->
                new NodeConfig(
                    "x\u0007",
                    NodeConfig.DEFAULT_LISTEN,
                    NodeConfig.DEFAULT_FEDERATION_LISTEN,
                    "CA",
                    Duration.ofDays(1),
                    0))
        .hasMessageContaining("control");
  }

  @Test
  void load_missingSetting_namesIt() throws Exception {
    Path f = tmp.resolve("node.properties");
    Files.writeString(f, "organization.name=X\n");
    assertThatThrownBy(() -> NodeConfig.load(f)).hasMessageContaining("client.listen");
  }

  @Test
  void home_resolvesFlagThenEnvThenDefault() {
    assertThat(NodeHome.resolve(tmp, Map.of("BDX_HOME", "/elsewhere")).dir()).isEqualTo(tmp);
    assertThat(NodeHome.resolve(null, Map.of("BDX_HOME", "/elsewhere")).dir())
        .isEqualTo(Path.of("/elsewhere"));
    assertThat(NodeHome.resolve(null, Map.of("XDG_DATA_HOME", "/data")).dir())
        .isEqualTo(Path.of("/data/bdx"));
  }

  @Test
  void home_isOwnerOnly_andTokenFileToo() throws Exception {
    NodeHome home = new NodeHome(tmp.resolve("h"));
    home.createDirectory();
    String token = home.createClientToken(new java.security.SecureRandom());
    assertThat(Files.getPosixFilePermissions(home.dir()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(home.clientTokenFile()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(home.readClientToken()).isEqualTo(token).hasSizeGreaterThanOrEqualTo(43);
  }

  @Test
  void home_refusesSecondInit() throws Exception {
    NodeHome home = new NodeHome(tmp.resolve("h"));
    home.createDirectory();
    Files.writeString(home.configFile(), "x=y\n");
    assertThatThrownBy(home::createDirectory).hasMessageContaining("already exists");
  }
}
