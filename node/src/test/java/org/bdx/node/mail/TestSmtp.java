package org.bdx.node.mail;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A real SMTP server on loopback for tests, reached with STARTTLS: GreenMail receives the messages
 * (it speaks SMTP but not STARTTLS), behind a small front that offers STARTTLS, refuses every
 * command before it, and after the TLS handshake passes the session on to GreenMail unchanged. Its
 * certificate, made here for 127.0.0.1 and localhost, is in {@link #caFile()}.
 *
 * <p>{@link #stop()} and {@link #start()} take the server down and bring it back on the same port
 * (GreenMail itself stays up, keeping what it received), so a test can show what happens while it
 * is down. A message is stored before the server says it accepted it, so nothing needs waiting.
 */
public final class TestSmtp implements AutoCloseable {
  private final int port;
  private final int plainPort;
  private final Path caFile;
  private final SSLContext tls;
  private final GreenMail greenMail;
  private boolean greenMailUp;
  private ServerSocket front;
  private final List<Socket> open = new ArrayList<>();

  /** A server on a free loopback port, not started; its certificate is written to {@code dir}. */
  public TestSmtp(Path dir) throws IOException, GeneralSecurityException {
    this.port = freePort();
    this.plainPort = freePort();
    KeyPair kp = KeyPairGenerator.getInstance("EC").generateKeyPair();
    X509Certificate cert = certificate(kp);
    this.caFile = dir.resolve("smtp-ca.pem");
    Files.writeString(
        caFile,
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(cert.getEncoded())
            + "\n-----END CERTIFICATE-----\n");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("smtp", kp.getPrivate(), new char[0], new X509Certificate[] {cert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    this.tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    this.greenMail =
        new GreenMail(new ServerSetup(plainPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
  }

  /** The port the server listens on with STARTTLS. */
  public int port() {
    return port;
  }

  /** The PEM certificate of the server, for {@code bulletin.mail.ca_file}. */
  public Path caFile() {
    return caFile;
  }

  /** GreenMail's own port: plain SMTP, no STARTTLS offered. */
  public int plainPort() {
    return plainPort;
  }

  /** The lines of a node's settings that send through this server. */
  public String settings() {
    return "bulletin.mail.host=127.0.0.1\n"
        + "bulletin.mail.port="
        + port
        + "\n"
        + "bulletin.mail.security=starttls\n"
        + "bulletin.mail.from=bulletins@east.example.org\n"
        + "bulletin.mail.reply_to=coordinator@east.example.org\n"
        + "bulletin.mail.ca_file="
        + caFile
        + "\n"
        + "bulletin.mail.timeout_seconds=10\n";
  }

  /** Starts the server (again after {@link #stop()}, on the same port). */
  public synchronized void start() throws IOException {
    if (front != null) {
      return;
    }
    if (!greenMailUp) {
      greenMail.start();
      greenMailUp = true;
    }
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    front = s;
    Thread t = new Thread(() -> accept(s), "test-smtp-front");
    t.setDaemon(true);
    t.start();
  }

  /** Takes the server down: connections to its port are refused; what it received is kept. */
  public synchronized void stop() {
    if (front == null) {
      return;
    }
    close(front);
    front = null;
    for (Socket c : open) {
      close(c);
    }
    open.clear();
  }

  @Override
  public synchronized void close() {
    stop();
    if (greenMailUp) {
      greenMail.stop();
      greenMailUp = false;
    }
  }

  /** Every message received since the server was made, in order of arrival. */
  public List<MimeMessage> received() {
    return List.of(greenMail.getReceivedMessages());
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket c = s.accept();
        synchronized (this) {
          open.add(c);
        }
        Thread t = new Thread(() -> session(c), "test-smtp-session");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed by stop()
      }
    }
  }

  /** The clear part of a session: until STARTTLS, then TLS to GreenMail. */
  private void session(Socket c) {
    try {
      InputStream in = c.getInputStream();
      OutputStream out = c.getOutputStream();
      reply(out, "220 localhost ESMTP test front");
      while (true) {
        String line = readLine(in);
        if (line == null) {
          c.close();
          return;
        }
        String verb = line.length() < 4 ? line : line.substring(0, 4);
        switch (verb.toUpperCase(java.util.Locale.ROOT)) {
          case "EHLO" -> reply(out, "250-localhost\r\n250-STARTTLS\r\n250 8BITMIME");
          case "HELO" -> reply(out, "250 localhost");
          case "QUIT" -> {
            reply(out, "221 bye");
            c.close();
            return;
          }
          case "STAR" -> {
            reply(out, "220 2.0.0 ready to start TLS");
            relay(c);
            return;
          }
          default -> reply(out, "530 5.7.0 must issue a STARTTLS command first");
        }
      }
    } catch (IOException e) {
      close(c);
    }
  }

  private void relay(Socket clear) throws IOException {
    SSLSocket secure =
        (SSLSocket) tls.getSocketFactory().createSocket(clear, "127.0.0.1", port, true);
    secure.setUseClientMode(false);
    secure.startHandshake();
    Socket back = new Socket(InetAddress.getLoopbackAddress(), plainPort());
    synchronized (this) {
      open.add(back);
    }
    InputStream backIn = back.getInputStream();
    readLine(backIn); // GreenMail's greeting: the client had the front's
    Thread up = new Thread(() -> pipe(secure, back), "test-smtp-up");
    up.setDaemon(true);
    up.start();
    pipe(back, secure);
  }

  private static void pipe(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException e) {
      // either side closed
    } finally {
      close(from);
      close(to);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringWriter sb = new StringWriter();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        return sb.toString().strip();
      }
      sb.write(b);
    }
    return null;
  }

  private static void reply(OutputStream out, String lines) throws IOException {
    out.write((lines + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static void close(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private static X509Certificate certificate(KeyPair kp) throws GeneralSecurityException {
    try {
      X500Name name = new X500Name("CN=localhost");
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              BigInteger.valueOf(now.toEpochMilli()),
              Date.from(now.minus(Duration.ofDays(1))),
              Date.from(now.plus(Duration.ofDays(30))),
              name,
              kp.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")
              }));
      return new JcaX509CertificateConverter()
          .getCertificate(
              b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    } catch (org.bouncycastle.operator.OperatorCreationException
        | org.bouncycastle.cert.CertIOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
