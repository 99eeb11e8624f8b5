package org.bdx.node.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bdx.node.TestNodes;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.RunningNode;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console beyond loopback: only over TLS, with the operator's own certificate and key (PEM), as
 * the client API is only served beyond loopback over TLS.
 */
class ConsoleTlsTest {
  @TempDir Path tmp;
  private NodeHome home;
  private RunningNode node;
  private X509Certificate cert;
  private Path certFile;
  private Path keyFile;
  private Path sec1KeyFile;

  @BeforeEach
  void start() throws Exception {
    home = new NodeHome(tmp.resolve("n"));
    NodeConfig.HostPort loopback = new NodeConfig.HostPort("127.0.0.1", 0);
    TestNodes.init(home, new NodeConfig("Org", loopback, loopback, "CA", Duration.ofDays(30), 0));
    node =
        RunningNode.start(
            home, TestNodes.PASSPHRASE, Clock.systemUTC(), loopback, loopback, List.of());
    KeyPair kp = KeyPairGenerator.getInstance("EC").generateKeyPair();
    cert = certificate(kp);
    certFile = tmp.resolve("console.crt");
    keyFile = tmp.resolve("console.key");
    sec1KeyFile = tmp.resolve("console-ec.key");
    Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(keyFile, pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
    StringWriter sec1 = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sec1)) {
      w.writeObject(kp); // "BEGIN EC PRIVATE KEY", as openssl ecparam -genkey writes it
    }
    Files.writeString(sec1KeyFile, sec1.toString());
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void beyondLoopback_withACertificate_servesOverTls_withASecureCookie_andTakesItsOwnForms()
      throws Exception {
    int port =
        node.startConsole(
                new NodeConfig.HostPort("0.0.0.0", 0),
                Clock.systemUTC(),
                ConsoleTls.fromPem(certFile, keyFile))
            .port();
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(trusting(cert))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    String base = "https://127.0.0.1:" + port;
    HttpResponse<String> login =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/login")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).isEqualTo(200);
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict").contains("Secure");
    assertThat(login.headers().firstValue("Strict-Transport-Security"))
        .hasValue("max-age=31536000");
    Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(login.body());
    assertThat(csrf.find()).isTrue();
    String form =
        "csrf="
            + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8)
            + "&credential="
            + URLEncoder.encode(home.readClientToken(), StandardCharsets.UTF_8);
    HttpResponse<String> in =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Cookie", setCookie.split(";")[0])
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", base)
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(in.statusCode()).isEqualTo(303);
    assertThat(in.headers().firstValue("Location")).hasValue("/report");
    // Twin: the same form from the plain-HTTP origin of the same host is another origin.
    HttpResponse<String> plainOrigin =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Cookie", setCookie.split(";")[0])
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "http://127.0.0.1:" + port)
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(plainOrigin.statusCode()).isEqualTo(403);
    // Nothing is answered in clear on that port.
    assertThatThrownBy(
            () ->
                HttpClient.newHttpClient()
                    .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                            .timeout(java.time.Duration.ofSeconds(20))
                            .build(),
                        HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void beyondLoopback_withoutACertificate_isRefusedSayingWhatToDo() {
    assertThatThrownBy(
            () -> node.startConsole(new NodeConfig.HostPort("0.0.0.0", 0), Clock.systemUTC(), null))
        .isInstanceOf(ConsoleServer.NotLoopback.class)
        .hasMessageContaining("refusing to serve the console on 0.0.0.0:0 without TLS")
        .hasMessageContaining("--console-tls-cert and --console-tls-key");
  }

  @Test
  void fromPem_aKeyInAnotherPemForm_isRefusedSayingHowToConvertIt() {
    // "BEGIN EC PRIVATE KEY" (SEC1), as openssl ecparam -genkey writes it.
    assertThatThrownBy(() -> ConsoleTls.fromPem(certFile, sec1KeyFile))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("private key in " + sec1KeyFile)
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void fromPem_aFileThatIsNotAKeyOrCertificate_isNamedInTheError() throws Exception {
    Path junk = tmp.resolve("junk.pem");
    Files.writeString(junk, "not a pem file\n");
    assertThatThrownBy(() -> ConsoleTls.fromPem(certFile, junk))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("private key in " + junk);
    assertThatThrownBy(() -> ConsoleTls.fromPem(junk, keyFile))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(junk.toString());
  }

  private static SSLContext trusting(X509Certificate cert) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("console", cert);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(null, tmf.getTrustManagers(), null);
    return c;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static X509Certificate certificate(KeyPair kp) throws Exception {
    X500Name name = new X500Name("CN=console.example.org");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(Duration.ofDays(30))),
            name,
            kp.getPublic());
    b.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
  }
}
