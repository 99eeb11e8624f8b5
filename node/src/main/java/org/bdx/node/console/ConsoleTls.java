package org.bdx.node.console;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The console's TLS when it listens beyond loopback: the operator's own certificate and key (PEM
 * files, as a certificate authority or an ACME client writes them), so staff browsers trust it
 * without a warning to click through. The node's own key, which partners pin, is not used: a
 * browser cannot pin it.
 */
public final class ConsoleTls {
  private ConsoleTls() {}

  /**
   * A TLS context serving {@code certificateChain} (PEM, the server's certificate first) with
   * {@code privateKey} (unencrypted PKCS#8 PEM, {@code BEGIN PRIVATE KEY}).
   *
   * @throws IOException naming the file that could not be read or understood
   */
  public static SSLContext fromPem(Path certificateChain, Path privateKey) throws IOException {
    Certificate[] chain = certificates(certificateChain);
    PrivateKey key = key(privateKey);
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("console", key, new char[0], chain);
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
      SSLContext tls = SSLContext.getInstance("TLSv1.3");
      tls.init(kmf.getKeyManagers(), null, null);
      return tls;
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "the console's certificate in "
              + certificateChain
              + " and key in "
              + privateKey
              + " do not make a TLS server: "
              + e.getMessage(),
          e);
    }
  }

  private static Certificate[] certificates(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      Collection<? extends Certificate> all =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (all.isEmpty()) {
        throw new IOException("no certificate in " + file + " (a PEM certificate chain)");
      }
      return all.toArray(Certificate[]::new);
    } catch (java.security.cert.CertificateException e) {
      throw new IOException(
          "cannot read a certificate in " + file + " (a PEM certificate chain): " + e.getMessage(),
          e);
    }
  }

  private static PrivateKey key(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(r)) {
      Object o = pem.readObject();
      JcaPEMKeyConverter convert = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) {
        return convert.getPrivateKey(info);
      }
      throw new IOException(
          "no unencrypted PKCS#8 private key in "
              + file
              + " (PEM, BEGIN PRIVATE KEY; openssl pkcs8 -topk8 -nocrypt converts other forms)");
    } catch (IllegalArgumentException | org.bouncycastle.openssl.PEMException e) {
      throw new IOException("cannot read the private key in " + file + ": " + e.getMessage(), e);
    }
  }
}
