package org.bdx.node.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bdx.node.vault.SymmetricKey;
import org.bdx.node.vault.Vault;
import org.junit.jupiter.api.Test;

/** The backup file format (spec AR-9.1): what verifies, and how each kind of damage is told. */
class BackupFileTest {
  private static final SecureRandom RNG = new SecureRandom();
  private final SymmetricKey key = SymmetricKey.random(RNG);
  private final byte[] vaultFile = bytes(Vault.FILE_LENGTH);
  private final byte[] database = bytes(3 * BackupFormat.CHUNK + 1234); // several chunks

  @Test
  void roundTrip_givesBackEveryEntry_andTheHeader() throws IOException {
    byte[] file = write();
    BackupReader r = BackupReader.open(new ByteArrayInputStream(file), "b");
    assertThat(r.vaultFile()).isEqualTo(vaultFile);
    Map<String, byte[]> got = extract(r, key);
    assertThat(got.keySet()).containsExactlyElementsOf(BackupFormat.ENTRIES);
    assertThat(got.get(BackupFormat.DATABASE)).isEqualTo(database);
    assertThat(new String(got.get(BackupFormat.SETTINGS), StandardCharsets.US_ASCII))
        .isEqualTo("client.listen=127.0.0.1:1\n");
  }

  @Test
  void restore_tamperedChunk_throwsDoesNotVerify() throws IOException {
    byte[] file = write();
    file[BackupFormat.HEADER_LENGTH + 5 + BackupFormat.CHUNK + 40] ^= 1; // inside chunk 1
    assertThatThrownBy(() -> extract(BackupReader.open(in(file), "b"), key))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("damaged")
        .hasMessageContaining("chunk 1 does not verify");
  }

  @Test
  void restore_truncatedFile_throws() throws IOException {
    byte[] file = write();
    for (int cut : List.of(file.length - 1, file.length - 100, BackupFormat.HEADER_LENGTH + 3)) {
      byte[] shorter = Arrays.copyOf(file, cut);
      assertThatThrownBy(() -> extract(BackupReader.open(in(shorter), "b"), key))
          .as("cut at " + cut)
          .isInstanceOf(BackupException.class)
          .hasMessageContaining("truncated");
    }
  }

  @Test
  void restore_fileCutAtAChunkBoundary_throwsTruncated() throws IOException {
    byte[] file = write();
    List<Integer> starts = chunkStarts(file);
    byte[] withoutLast = Arrays.copyOf(file, starts.getLast()); // every chunk whole but the last
    assertThatThrownBy(() -> extract(BackupReader.open(in(withoutLast), "b"), key))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void restore_swappedChunks_throwDoesNotVerify() throws IOException {
    byte[] file = write();
    List<Integer> s = chunkStarts(file);
    // Chunks 0 and 1 are both full, so the same length: swap them.
    byte[] c0 = Arrays.copyOfRange(file, s.get(0), s.get(1));
    byte[] c1 = Arrays.copyOfRange(file, s.get(1), s.get(2));
    assertThat(c0.length).isEqualTo(c1.length);
    System.arraycopy(c1, 0, file, s.get(0), c1.length);
    System.arraycopy(c0, 0, file, s.get(1), c0.length);
    assertThatThrownBy(() -> extract(BackupReader.open(in(file), "b"), key))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("chunk 0 does not verify");
  }

  @Test
  void restore_bytesAfterTheLastChunk_throw() throws IOException {
    byte[] file = write();
    byte[] longer = Arrays.copyOf(file, file.length + 1);
    assertThatThrownBy(() -> extract(BackupReader.open(in(longer), "b"), key))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("bytes follow its last chunk");
  }

  @Test
  void restore_alteredHeader_failsTheFirstChunk() throws IOException {
    byte[] file = write();
    file[BackupFormat.MAGIC.length + 1] ^= 1; // the backup id
    assertThatThrownBy(() -> extract(BackupReader.open(in(file), "b"), key))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("chunk 0 does not verify");
  }

  @Test
  void restore_otherKey_failsTheFirstChunk() throws IOException {
    byte[] file = write();
    assertThatThrownBy(() -> extract(BackupReader.open(in(file), "b"), SymmetricKey.random(RNG)))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("chunk 0 does not verify");
  }

  @Test
  void restore_notABackup_throwsNotABackup() {
    byte[] text = "node.db is not this".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> BackupReader.open(in(text), "notes.txt"))
        .isInstanceOf(BackupException.class)
        .hasMessage("notes.txt is not a BDX backup");
  }

  @Test
  void restore_unknownFormatVersion_saysUpgrade() throws IOException {
    byte[] file = write();
    file[BackupFormat.MAGIC.length] = 2;
    assertThatThrownBy(() -> BackupReader.open(in(file), "b"))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("format 2")
        .hasMessageContaining("upgrade");
  }

  private byte[] write() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] id = bytes(BackupFormat.ID_LENGTH);
    BackupWriter w = BackupWriter.start(out, key, id, vaultFile, RNG);
    w.entry(BackupFormat.MANIFEST, "node_id=x\n".getBytes(StandardCharsets.US_ASCII));
    w.entry(
        BackupFormat.SETTINGS, "client.listen=127.0.0.1:1\n".getBytes(StandardCharsets.US_ASCII));
    w.entry(BackupFormat.PUBLIC_KEY, bytes(32));
    w.entry(BackupFormat.DATABASE, database.length, new ByteArrayInputStream(database));
    w.entry(BackupFormat.REPORT_KEYS, bytes(100));
    w.finish();
    return out.toByteArray();
  }

  /** Where each chunk begins: flags (1), length (4), sealed bytes. */
  private static List<Integer> chunkStarts(byte[] file) {
    List<Integer> starts = new ArrayList<>();
    int at = BackupFormat.HEADER_LENGTH;
    while (at < file.length) {
      starts.add(at);
      at += 5 + ByteBuffer.wrap(file, at + 1, 4).getInt();
    }
    return starts;
  }

  private static Map<String, byte[]> extract(BackupReader r, SymmetricKey k) throws IOException {
    Map<String, ByteArrayOutputStream> got = new LinkedHashMap<>();
    r.extract(
        k,
        name -> {
          ByteArrayOutputStream b = new ByteArrayOutputStream();
          got.put(name, b);
          return (OutputStream) b;
        });
    Map<String, byte[]> out = new LinkedHashMap<>();
    got.forEach((n, b) -> out.put(n, b.toByteArray()));
    return out;
  }

  private static ByteArrayInputStream in(byte[] b) {
    return new ByteArrayInputStream(b);
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RNG.nextBytes(b);
    return b;
  }
}
