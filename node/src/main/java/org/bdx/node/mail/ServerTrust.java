package org.bdx.node.mail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS to an SMTP server whose certificate is issued by an authority the system does not know (an
 * organization's own, or a local relay's self-signed certificate): only the certificates of {@code
 * bulletin.mail.ca_file} are trusted then. The server's name is still checked against its
 * certificate by the mail session.
 */
final class ServerTrust {
  private ServerTrust() {}

  /** Sockets that trust exactly the PEM certificates in {@code caFile}. */
  static SSLSocketFactory socketFactory(Path caFile) throws IOException, GeneralSecurityException {
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(caFile)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (NoSuchFileException e) {
      throw new IOException("no such file");
    }
    if (certs.isEmpty()) {
      throw new IOException("holds no PEM certificate");
    }
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    int i = 0;
    for (Certificate c : certs) {
      trusted.setCertificateEntry("ca-" + i++, c);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    return tls.getSocketFactory();
  }
}
