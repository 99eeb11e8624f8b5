package org.bdx.node.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("AR-1 the vault")
class VaultTest {
  private static final SecureRandom RNG = new SecureRandom();

  @TempDir Path home;

  private static Passphrase pass(String s) {
    return Passphrase.of(s.toCharArray());
  }

  @Test
  void create_thenOpen_holdsTheSameSeedAndRootKey() {
    byte[] seed;
    byte[] reportKeys;
    try (Passphrase p = pass("correct horse");
        Vault v = Vault.create(home, p, KdfParams.FOR_TESTS, RNG);
        SymmetricKey k = v.subKey(Vault.Purpose.REPORT_KEYS)) {
      seed = v.seed(SecretAccess.INSECURE);
      reportKeys = k.export(SecretAccess.INSECURE);
    }
    try (Passphrase p = pass("correct horse");
        Vault v = Vault.open(home, p);
        SymmetricKey k = v.subKey(Vault.Purpose.REPORT_KEYS)) {
      assertThat(v.seed(SecretAccess.INSECURE)).isEqualTo(seed);
      assertThat(k.export(SecretAccess.INSECURE)).isEqualTo(reportKeys);
      assertThat(v.kdf()).isEqualTo(KdfParams.FOR_TESTS);
      assertThat(v.toString()).doesNotContain(HexFormat.of().formatHex(seed).substring(0, 8));
    }
  }

  @Test
  void file_isOwnerOnly_inTheDocumentedLayout() throws Exception {
    try (Passphrase p = pass("x");
        Vault v = Vault.create(home, p, KdfParams.FOR_TESTS, RNG)) {
      // nothing more
    }
    Path f = Vault.file(home);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-------");
    byte[] raw = Files.readAllBytes(f);
    assertThat(raw).hasSize(131);
    ByteBuffer b = ByteBuffer.wrap(raw);
    byte[] magic = new byte[8];
    b.get(magic);
    assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("BDXVAULT");
    assertThat(b.get()).isEqualTo((byte) 1); // format
    assertThat(b.get()).isEqualTo((byte) 1); // Argon2id
    assertThat(b.getInt()).isEqualTo(1024); // KiB
    assertThat(b.getInt()).isEqualTo(1);
    assertThat(b.getInt()).isEqualTo(1);
    try (var files = Files.list(home)) {
      assertThat(files.map(x -> x.getFileName().toString())).containsExactly("vault");
    }
  }

  @Test
  void create_refusesToReplaceAVault() throws Exception {
    try (Passphrase p = pass("x");
        Vault v = Vault.create(home, p, KdfParams.FOR_TESTS, RNG)) {
      byte[] before = Files.readAllBytes(Vault.file(home));
      assertThatThrownBy(() -> Vault.create(home, p, KdfParams.FOR_TESTS, RNG))
          .isInstanceOf(VaultException.class)
          .hasMessageContaining("refusing to overwrite");
      assertThat(Files.readAllBytes(Vault.file(home))).isEqualTo(before);
    }
  }

  @Test
  void wrongPassphrase_isAClearError_namingNothingSecret_andChangesNothing() throws Exception {
    byte[] seed;
    try (Passphrase p = pass("the right one");
        Vault v = Vault.create(home, p, KdfParams.FOR_TESTS, RNG)) {
      seed = v.seed(SecretAccess.INSECURE);
    }
    byte[] before = Files.readAllBytes(Vault.file(home));
    try (Passphrase wrong = pass("the wrong one")) {
      assertThatThrownBy(() -> Vault.open(home, wrong))
          .isExactlyInstanceOf(VaultException.WrongPassphrase.class)
          .hasMessage("wrong passphrase for the node in " + home)
          .hasNoCause();
    }
    assertThat(Files.readAllBytes(Vault.file(home))).isEqualTo(before);
    assertThat(new String(before, StandardCharsets.ISO_8859_1))
        .doesNotContain(new String(seed, StandardCharsets.ISO_8859_1));
  }

  @Test
  void alteredHeader_doesNotOpen() throws Exception {
    try (Passphrase p = pass("x");
        Vault v = Vault.create(home, p, KdfParams.FOR_TESTS, RNG)) {
      // nothing more
    }
    byte[] good = Files.readAllBytes(Vault.file(home));
    for (int at : new int[] {22, 30, 40, 100, 130}) { // salt, nonce, sealed payload, tag
      byte[] bad = good.clone();
      bad[at] ^= 1;
      Files.write(Vault.file(home), bad);
      try (Passphrase p = pass("x")) {
        assertThatThrownBy(() -> Vault.open(home, p)).isInstanceOf(VaultException.class);
      }
    }
    byte[] bad = good.clone();
    bad[0] = 'X';
    Files.write(Vault.file(home), bad);
    try (Passphrase p = pass("x")) {
      assertThatThrownBy(() -> Vault.open(home, p)).hasMessageContaining("damaged");
    }
  }

  @Test
  void othersMayRead_refusedWithChmodHint() throws Exception {
    try (Passphrase p = pass("x");
        Vault v = Vault.create(home, p, KdfParams.FOR_TESTS, RNG)) {
      // nothing more
    }
    Files.setPosixFilePermissions(Vault.file(home), PosixFilePermissions.fromString("rw-r--r--"));
    try (Passphrase p = pass("x")) {
      assertThatThrownBy(() -> Vault.open(home, p)).hasMessageContaining("chmod 600");
    }
  }

  @Test
  void changePassphrase_oldNoLongerOpens_newDoes_sameKeys() throws Exception {
    byte[] seed;
    byte[] root;
    try (Passphrase p = pass("old");
        Vault v = Vault.create(home, p, KdfParams.FOR_TESTS, RNG);
        SymmetricKey k = v.subKey(Vault.Purpose.REPORT_KEYS)) {
      seed = v.seed(SecretAccess.INSECURE);
      root = k.export(SecretAccess.INSECURE);
    }
    try (Passphrase wrong = pass("not it");
        Passphrase next = pass("new")) {
      byte[] before = Files.readAllBytes(Vault.file(home));
      assertThatThrownBy(() -> Vault.changePassphrase(home, wrong, next, KdfParams.FOR_TESTS, RNG))
          .isInstanceOf(VaultException.WrongPassphrase.class);
      assertThat(Files.readAllBytes(Vault.file(home))).isEqualTo(before);
    }
    try (Passphrase old = pass("old");
        Passphrase next = pass("new")) {
      Vault.changePassphrase(home, old, next, KdfParams.FOR_TESTS, RNG);
    }
    try (Passphrase old = pass("old")) {
      assertThatThrownBy(() -> Vault.open(home, old))
          .isInstanceOf(VaultException.WrongPassphrase.class);
    }
    try (Passphrase next = pass("new");
        Vault v = Vault.open(home, next);
        SymmetricKey k = v.subKey(Vault.Purpose.REPORT_KEYS)) {
      assertThat(v.seed(SecretAccess.INSECURE)).isEqualTo(seed);
      assertThat(k.export(SecretAccess.INSECURE)).isEqualTo(root);
    }
    try (var files = Files.list(home)) {
      assertThat(files.map(x -> x.getFileName().toString())).containsExactly("vault");
    }
  }

  @Test
  void subKeys_differByPurpose_andFromTheRoot() {
    try (SymmetricKey root = SymmetricKey.random(RNG);
        SymmetricKey a = root.derive("bdx/v1/at-rest/report-keys");
        SymmetricKey b = root.derive("bdx/v1/at-rest/other");
        SymmetricKey a2 = root.derive("bdx/v1/at-rest/report-keys")) {
      assertThat(a.export(SecretAccess.INSECURE)).isEqualTo(a2.export(SecretAccess.INSECURE));
      assertThat(a.export(SecretAccess.INSECURE)).isNotEqualTo(b.export(SecretAccess.INSECURE));
      assertThat(a.export(SecretAccess.INSECURE)).isNotEqualTo(root.export(SecretAccess.INSECURE));
    }
  }

  @Test
  void sealedValues_openOnlyWithTheSameKeyAndAssociatedData() {
    try (SymmetricKey k = SymmetricKey.random(RNG);
        SymmetricKey other = SymmetricKey.random(RNG)) {
      byte[] aad = "id-1".getBytes(StandardCharsets.US_ASCII);
      byte[] sealed = k.seal(aad, "secret".getBytes(StandardCharsets.US_ASCII), RNG);
      assertThat(sealed).hasSize(6 + SymmetricKey.OVERHEAD);
      assertThat(k.seal(aad, new byte[6], RNG)).isNotEqualTo(k.seal(aad, new byte[6], RNG));
      assertThat(new String(k.open(aad, sealed), StandardCharsets.US_ASCII)).isEqualTo("secret");
      assertThatThrownBy(() -> other.open(aad, sealed)).isInstanceOf(VaultException.class);
      assertThatThrownBy(() -> k.open("id-2".getBytes(StandardCharsets.US_ASCII), sealed))
          .isInstanceOf(VaultException.class);
      byte[] flipped = sealed.clone();
      flipped[flipped.length - 1] ^= 1;
      assertThatThrownBy(() -> k.open(aad, flipped)).isInstanceOf(VaultException.class);
    }
  }

  @Test
  void passphraseFile_oneTrailingLineEndIsStripped_nothingElse() throws Exception {
    Path f = home.resolve("p");
    String[][] cases = {
      {"secret\n", "secret"},
      {"secret\r\n", "secret"},
      {"secret", "secret"},
      {"secret\n\n", "secret\n"},
      {" secret ", " secret "},
      {"ça va\n", "ça va"},
    };
    for (String[] c : cases) {
      Files.writeString(f, c[0], StandardCharsets.UTF_8);
      try (Passphrase p = Passphrase.fromFile(f)) {
        assertThat(new String(p.reveal(SecretAccess.INSECURE))).as(c[0]).isEqualTo(c[1]);
        assertThat(p.toString()).doesNotContain("secret");
      }
    }
  }

  @Test
  void passphraseFile_emptyMissingOrHuge_refusedNamingTheFile() throws Exception {
    Path f = home.resolve("p");
    Files.writeString(f, "\n");
    assertThatThrownBy(() -> Passphrase.fromFile(f))
        .isInstanceOf(VaultException.class)
        .hasMessageContaining(f + " is empty");
    Files.write(f, new byte[Passphrase.MAX_FILE_BYTES + 1]);
    assertThatThrownBy(() -> Passphrase.fromFile(f)).hasMessageContaining("larger than");
    Files.write(f, new byte[] {'a', (byte) 0xff, '\n'});
    assertThatThrownBy(() -> Passphrase.fromFile(f)).hasMessageContaining("not UTF-8");
    assertThatThrownBy(() -> Passphrase.fromFile(home.resolve("none")))
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> Passphrase.of(new char[0])).hasMessageContaining("empty");
  }

  @Test
  void closedPassphrase_isZeroed_andRefusesUse() {
    char[] given = "abc".toCharArray();
    Passphrase p = Passphrase.of(given);
    Arrays.fill(given, 'x'); // the copy is its own
    assertThat(new String(p.reveal(SecretAccess.INSECURE))).isEqualTo("abc");
    p.close();
    assertThatThrownBy(() -> p.reveal(SecretAccess.INSECURE))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void kdfParams_outOfRange_refused() {
    assertThatThrownBy(() -> new KdfParams(512, 1, 1)).isInstanceOf(VaultException.class);
    assertThatThrownBy(() -> new KdfParams(1024, 0, 1)).isInstanceOf(VaultException.class);
    assertThatThrownBy(() -> new KdfParams(8 * 1024 * 1024, 3, 1))
        .isInstanceOf(VaultException.class);
    assertThat(KdfParams.DEFAULT).isEqualTo(new KdfParams(65536, 3, 1));
  }
}
