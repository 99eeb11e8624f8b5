package org.bdx.node.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.bdx.node.vault.SecretAccess;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("ID-4 key files")
class KeyFilesTest {
  @TempDir Path home;

  @Test
  void create_thenLoad_sameKeys() throws Exception {
    NodeKeys created = KeyFiles.create(home);
    NodeKeys loaded = KeyFiles.load(home);
    assertThat(loaded.nodeId()).isEqualTo(created.nodeId());
    assertThat(loaded.publicKey()).isEqualTo(created.publicKey());
    assertThat(loaded.exportSeed(SecretAccess.INSECURE))
        .isEqualTo(created.exportSeed(SecretAccess.INSECURE));
  }

  @Test
  void create_writesDocumentedFormat() throws Exception {
    NodeKeys k = KeyFiles.create(home);
    List<String> key = Files.readAllLines(KeyFiles.keyFile(home), StandardCharsets.US_ASCII);
    assertThat(key).hasSize(2);
    assertThat(key.get(0)).isEqualTo("BDX-ED25519-SEED-V1");
    assertThat(Base64.getDecoder().decode(key.get(1)))
        .isEqualTo(k.exportSeed(SecretAccess.INSECURE));
    assertThat(Files.readString(KeyFiles.publicFile(home), StandardCharsets.US_ASCII))
        .isEqualTo(
            "BDX-ED25519-PUBLIC-V1\n"
                + Base64.getEncoder().encodeToString(k.publicKey())
                + "\n"
                + k.nodeId()
                + "\n");
    try (var files = Files.list(home.resolve("keys"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("node.key", "node.pub"); // no temp files left
    }
  }

  @Test
  void create_permissions700And600() throws Exception {
    KeyFiles.create(home);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("keys"))))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(KeyFiles.keyFile(home))))
        .isEqualTo("rw-------");
  }

  @Test
  void create_existingKey_refusesToOverwrite() throws Exception {
    NodeKeys first = KeyFiles.create(home);
    byte[] before = Files.readAllBytes(KeyFiles.keyFile(home));
    assertThatThrownBy(() -> KeyFiles.create(home))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("already exists")
        .hasMessageContaining("refusing to overwrite");
    assertThat(Files.readAllBytes(KeyFiles.keyFile(home))).isEqualTo(before);
    assertThat(KeyFiles.load(home).nodeId()).isEqualTo(first.nodeId());
  }

  @Test
  void load_groupReadableKey_refusesWithChmodHint() throws Exception {
    NodeKeys k = KeyFiles.create(home);
    Path key = KeyFiles.keyFile(home);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
    assertThatThrownBy(() -> KeyFiles.load(home))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("chmod 600 " + key);
    assertNoKeyMaterial(k, () -> KeyFiles.load(home));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw----r--"));
    assertThatThrownBy(() -> KeyFiles.load(home)).hasMessageContaining("chmod 600");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    assertThat(KeyFiles.load(home).nodeId()).isEqualTo(k.nodeId());
  }

  @Test
  void load_missing_clearMessage() {
    assertThatThrownBy(() -> KeyFiles.load(home))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("no node key");
  }

  @Test
  void load_malformedFiles_refuseWithoutKeyMaterial() throws Exception {
    NodeKeys k = KeyFiles.create(home);
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
      assertThatThrownBy(() -> KeyFiles.load(home))
          .isInstanceOf(KeyFileException.class)
          .hasMessageContaining(key.toString());
      assertNoKeyMaterial(k, () -> KeyFiles.load(home));
    }
  }

  @Test
  void load_publicFileOfAnotherKey_refuses() throws Exception {
    KeyFiles.create(home);
    Path other = Files.createTempDirectory(home, "other");
    KeyFiles.create(other);
    Files.copy(
        KeyFiles.publicFile(other),
        KeyFiles.publicFile(home),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> KeyFiles.load(home))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("does not belong");
  }

  @Test
  void create_looseKeysDirectory_refuses() throws Exception {
    Path dir = Files.createDirectory(home.resolve("keys"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThatThrownBy(() -> KeyFiles.create(home))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("chmod 700");
    assertThat(Files.exists(KeyFiles.keyFile(home))).isFalse();
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
