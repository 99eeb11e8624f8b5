package org.bdx.node.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bdx.node.error.BdxException;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.KeyFiles;
import org.bdx.node.identity.NodeId;
import org.bdx.node.store.Snapshots;
import org.bdx.node.vault.SecureFiles;
import org.bdx.node.vault.SymmetricKey;
import org.bdx.node.vault.Vault;

/**
 * Makes a backup of the running node it belongs to (spec ADM-13, AR-9.2): a consistent snapshot of
 * {@code node.db}, then of {@code reportkeys.db}, each taken in one read transaction while the node
 * goes on writing; the settings and public key; all sealed under the vault's backup key, with the
 * vault file in the header. One backup at a time.
 *
 * <p>Why this order: a report's key is stored before its body, so every report in the database
 * snapshot has its key in the later key snapshot; a key of a report stored in between is an orphan
 * the restored node forgets, and a report purged in between has lost its key, which a restore
 * finishes purging (spec AR-9.3).
 *
 * <p>The snapshots are written to a directory of their own in the home (owner-only, as readable as
 * the databases themselves), overwritten and deleted as soon as they are sealed; a crash leaves
 * them to {@link #removeLeftovers} at the next start.
 */
public final class BackupMaker {
  static final String WORK_PREFIX = ".backup-";

  /** Largest settings or public key file backed up, bytes. */
  private static final int MAX_SMALL_FILE = 64 * 1024;

  /**
   * What a backup holds and how to check it arrived whole.
   *
   * @param backupId its random id (also in the file's header)
   * @param takenAt when the snapshot was taken, Unix seconds
   * @param size the file's length
   * @param sha256 SHA-256 of the whole file
   * @param reports the node's own reports in it
   * @param alerts the alerts in it, own and received
   */
  public record Summary(
      byte[] backupId, long takenAt, long size, byte[] sha256, long reports, long alerts) {
    public Summary {
      backupId = backupId.clone();
      sha256 = sha256.clone();
    }

    @Override
    public byte[] backupId() {
      return backupId.clone();
    }

    @Override
    public byte[] sha256() {
      return sha256.clone();
    }
  }

  private final NodeHome home;
  private final Vault vault;
  private final NodeId nodeId;
  private final String software;
  private final Clock clock;
  private final SecureRandom rng;
  private final AtomicBoolean busy = new AtomicBoolean();

  public BackupMaker(
      NodeHome home, Vault vault, NodeId nodeId, String software, Clock clock, SecureRandom rng) {
    this.home = Objects.requireNonNull(home, "home");
    this.vault = Objects.requireNonNull(vault, "vault");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.software = Objects.requireNonNull(software, "software");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.rng = Objects.requireNonNull(rng, "rng");
  }

  /** One backup being made; {@link #close} lets the next one start. */
  public final class Run implements AutoCloseable {
    private final byte[] backupId;
    private boolean closed;

    private Run(byte[] backupId) {
      this.backupId = backupId;
    }

    /** The backup's random id. */
    public byte[] backupId() {
      return backupId.clone();
    }

    /**
     * Takes the snapshot and writes the whole backup file to {@code out}, which it does not close.
     *
     * @throws IOException if a file cannot be read or {@code out} fails; nothing is left behind
     */
    public Summary writeTo(OutputStream out) throws IOException {
      return write(backupId, out);
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        busy.set(false);
      }
    }
  }

  /**
   * Starts a backup.
   *
   * @throws BdxException (FAILED_PRECONDITION) while another backup is being made
   */
  public Run start() {
    if (!busy.compareAndSet(false, true)) {
      throw BdxException.failedPrecondition(
          "a backup of this node is being made; try again once it is done");
    }
    byte[] id = new byte[BackupFormat.ID_LENGTH];
    rng.nextBytes(id);
    return new Run(id);
  }

  private Summary write(byte[] backupId, OutputStream out) throws IOException {
    Path work = workDirectory();
    try {
      long takenAt = clock.instant().getEpochSecond();
      Path db = work.resolve(BackupFormat.DATABASE);
      Path keys = work.resolve(BackupFormat.REPORT_KEYS);
      Snapshots.copy(home.databaseFile(), db);
      Snapshots.copy(home.reportKeysFile(), keys);
      long reports = Snapshots.count(db, Snapshots.Table.REPORTS);
      long alerts = Snapshots.count(db, Snapshots.Table.ALERTS);
      MessageDigest sha = sha256();
      Counting counted = new Counting(new DigestOutputStream(out, sha));
      try (SymmetricKey key = vault.subKey(Vault.Purpose.BACKUP)) {
        BackupWriter w = BackupWriter.start(counted, key, backupId, readVault(), rng);
        w.entry(BackupFormat.MANIFEST, new BackupManifest(nodeId, takenAt, software).toBytes());
        w.entry(BackupFormat.SETTINGS, small(home.configFile()));
        w.entry(BackupFormat.PUBLIC_KEY, small(KeyFiles.publicFile(home.dir())));
        copy(w, BackupFormat.DATABASE, db);
        copy(w, BackupFormat.REPORT_KEYS, keys);
        w.finish();
      }
      return new Summary(backupId, takenAt, counted.count, sha.digest(), reports, alerts);
    } finally {
      wipe(work);
    }
  }

  private static void copy(BackupWriter w, String name, Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      w.entry(name, Files.size(file), in);
    }
  }

  private byte[] readVault() throws IOException {
    byte[] v = small(home.vaultFile());
    if (v.length != Vault.FILE_LENGTH) {
      throw new IOException("the vault " + home.vaultFile() + " is damaged (wrong length)");
    }
    return v;
  }

  private static byte[] small(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] b = in.readNBytes(MAX_SMALL_FILE + 1);
      if (b.length > MAX_SMALL_FILE) {
        throw new IOException(file + " is too large to back up");
      }
      return b;
    }
  }

  private Path workDirectory() throws IOException {
    return SecureFiles.isPosix(home.dir())
        ? Files.createTempDirectory(
            home.dir(), WORK_PREFIX, PosixFilePermissions.asFileAttribute(SecureFiles.DIR_700))
        : Files.createTempDirectory(home.dir(), WORK_PREFIX);
  }

  /**
   * Overwrites and deletes what an interrupted backup left in {@code homeDir} (snapshots of the
   * databases). Call it before the node serves.
   */
  public static void removeLeftovers(Path homeDir) throws IOException {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(homeDir, WORK_PREFIX + "*")) {
      for (Path d : dirs) {
        if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
          wipe(d);
        }
      }
    }
  }

  /** Overwrites and deletes every file of the flat directory {@code dir}, then the directory. */
  static void wipe(Path dir) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
          SecureFiles.overwriteAndDelete(f);
        } else {
          Files.delete(f);
        }
      }
    }
    Files.deleteIfExists(dir);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** Counts the bytes written through it. */
  private static final class Counting extends OutputStream {
    private final OutputStream out;
    long count;

    Counting(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }
  }
}
