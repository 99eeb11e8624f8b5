package org.bdx.node.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.bdx.node.vault.KdfParams;
import org.bdx.node.vault.Passphrase;
import org.bdx.node.vault.SecretAccess;
import org.bdx.node.vault.Vault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("ID-4 key files")
class KeyFilesTest {
  private static final SecureRandom RNG = new SecureRandom();

  @TempDir Path home;
  private final Passphrase passphrase = Passphrase.random(RNG);

  @AfterEach
  void close() {
    passphrase.close();
  }

  private Vault vault() {
    return Vault.exists(home)
        ? Vault.open(home, passphrase)
        : Vault.create(home, passphrase, KdfParams.FOR_TESTS, RNG);
  }

  @Test
  void create_thenLoad_sameKeys_fromTheVault() throws Exception {
    NodeKeys created;
    try (Vault v = vault()) {
      created = KeyFiles.create(home, v);
      assertThat(created.exportSeed(SecretAccess.INSECURE))
          .isEqualTo(v.seed(SecretAccess.INSECURE));
    }
    try (Vault v = vault()) {
      NodeKeys loaded = KeyFiles.load(home, v);
      assertThat(loaded.nodeId()).isEqualTo(created.nodeId());
      assertThat(loaded.exportSeed(SecretAccess.INSECURE))
          .isEqualTo(created.exportSeed(SecretAccess.INSECURE));
    }
    assertThat(KeyFiles.loadPublic(home)).isEqualTo(created.nodeId());
  }

  @Test
  void create_writesOnlyThePublicFile_inTheDocumentedFormat() throws Exception {
    NodeKeys k;
    try (Vault v = vault()) {
      k = KeyFiles.create(home, v);
    }
    assertThat(Files.readString(KeyFiles.publicFile(home), StandardCharsets.US_ASCII))
        .isEqualTo(
            "BDX-ED25519-PUBLIC-V1\n"
                + Base64.getEncoder().encodeToString(k.publicKey())
                + "\n"
                + k.nodeId()
                + "\n");
    try (var files = Files.list(home.resolve("keys"))) {
      // No node.key (the seed is in the vault), and no temp files left.
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("node.pub");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("keys"))))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(KeyFiles.publicFile(home))))
        .isEqualTo("rw-r--r--");
  }

  @Test
  void create_existingKey_refusesToReplace() throws Exception {
    try (Vault v = vault()) {
      NodeKeys first = KeyFiles.create(home, v);
      byte[] before = Files.readAllBytes(KeyFiles.publicFile(home));
      assertThatThrownBy(() -> KeyFiles.create(home, v))
          .isInstanceOf(KeyFileException.class)
          .hasMessageContaining("already exists")
          .hasMessageContaining("refusing to replace");
      assertThat(Files.readAllBytes(KeyFiles.publicFile(home))).isEqualTo(before);
      assertThat(KeyFiles.load(home, v).nodeId()).isEqualTo(first.nodeId());
    }
  }

  @Test
  void load_publicFileOfAnotherKey_refuses() throws Exception {
    try (Vault v = vault()) {
      KeyFiles.create(home, v);
    }
    Path other = Files.createTempDirectory(home, "other");
    try (Vault v = Vault.create(other, passphrase, KdfParams.FOR_TESTS, RNG)) {
      KeyFiles.create(other, v);
    }
    Files.copy(
        KeyFiles.publicFile(other),
        KeyFiles.publicFile(home),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (Vault v = vault()) {
      assertThatThrownBy(() -> KeyFiles.load(home, v))
          .isInstanceOf(KeyFileException.class)
          .hasMessageContaining("does not belong");
    }
  }

  @Test
  void loadPublic_refusesDamagedFiles() throws Exception {
    NodeKeys k;
    try (Vault v = vault()) {
      k = KeyFiles.create(home, v);
    }
    Path pub = KeyFiles.publicFile(home);
    String b64 = Base64.getEncoder().encodeToString(k.publicKey());
    String[] bad = {
      "BDX-ED25519-PUBLIC-V2\n" + b64 + "\n" + k.nodeId() + "\n",
      "BDX-ED25519-PUBLIC-V1\n" + b64 + "\n" + k.nodeId(),
      "BDX-ED25519-PUBLIC-V1\n" + b64.substring(4) + "\n" + k.nodeId() + "\n",
      "BDX-ED25519-PUBLIC-V1\n" + b64 + "\nnot-a-node-id\n",
    };
    for (String content : bad) {
      Files.writeString(pub, content, StandardCharsets.ISO_8859_1);
      assertThatThrownBy(() -> KeyFiles.loadPublic(home))
          .isInstanceOf(KeyFileException.class)
          .hasMessageContaining(pub.toString());
    }
  }

  @Test
  void create_looseKeysDirectory_refuses() throws Exception {
    Path dir = Files.createDirectory(home.resolve("keys"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (Vault v = vault()) {
      assertThatThrownBy(() -> KeyFiles.create(home, v))
          .isInstanceOf(KeyFileException.class)
          .hasMessageContaining("chmod 700");
    }
    assertThat(Files.exists(KeyFiles.publicFile(home))).isFalse();
  }

  // --- the plaintext node.key of nodes made before encryption at rest, read once to encrypt them

  @Test
  void loadPlaintext_readsTheOldFormat_andRemoveOverwritesIt() throws Exception {
    NodeKeys k = LegacyKeyFiles.create(home, RNG);
    assertThat(KeyFiles.hasPlaintextKey(home)).isTrue();
    assertThat(KeyFiles.loadPlaintext(home).exportSeed(SecretAccess.INSECURE))
        .isEqualTo(k.exportSeed(SecretAccess.INSECURE));
    KeyFiles.removePlaintextKey(home);
    assertThat(KeyFiles.hasPlaintextKey(home)).isFalse();
    assertThat(KeyFiles.loadPublic(home)).isEqualTo(k.nodeId());
  }

  @Test
  void loadPlaintext_groupReadableKey_refusesWithChmodHint() throws Exception {
    NodeKeys k = LegacyKeyFiles.create(home, RNG);
    Path key = KeyFiles.keyFile(home);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
    assertThatThrownBy(() -> KeyFiles.loadPlaintext(home))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("chmod 600 " + key);
    assertNoKeyMaterial(k, () -> KeyFiles.loadPlaintext(home));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    assertThat(KeyFiles.loadPlaintext(home).nodeId()).isEqualTo(k.nodeId());
  }

  @Test
  void loadPlaintext_malformedFiles_refuseWithoutKeyMaterial() throws Exception {
    NodeKeys k = LegacyKeyFiles.create(home, RNG);
    Path key = KeyFiles.keyFile(home);
    String seedB64 = Base64.getEncoder().encodeToString(k.exportSeed(SecretAccess.INSECURE));
    String[] bad = {
      "BDX-ED25519-SEED-V2\n" + seedB64 + "\n",
      "BDX-ED25519-SEED-V1\n" + seedB64, // no final newline
      "BDX-ED25519-SEED-V1\n" + seedB64 + "\nextra\n",
      "BDX-ED25519-SEED-V1\n" + seedB64.substring(0, 20) + "!!\n",
      "BDX-ED25519-SEED-V1\n" + seedB64.substring(4) + "\n", // not 32 bytes
      "BDX-ED25519-SEED-V1\r\n" + seedB64 + "\r\n",
    };
    for (String content : bad) {
      Files.writeString(key, content, StandardCharsets.ISO_8859_1);
      assertThatThrownBy(() -> KeyFiles.loadPlaintext(home))
          .isInstanceOf(KeyFileException.class)
          .hasMessageContaining(key.toString());
      assertNoKeyMaterial(k, () -> KeyFiles.loadPlaintext(home));
    }
  }

  private static void assertNoKeyMaterial(
      NodeKeys k, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    byte[] seed = k.exportSeed(SecretAccess.INSECURE);
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(t).isNotNull();
    for (Throwable c = t; c != null; c = c.getCause()) {
      String msg = String.valueOf(c.getMessage());
      assertThat(msg)
          .doesNotContain(Base64.getEncoder().encodeToString(seed))
          .doesNotContain(Base64.getEncoder().encodeToString(seed).substring(0, 12))
          .doesNotContain(HexFormat.of().formatHex(seed).substring(0, 16));
    }
  }
}
