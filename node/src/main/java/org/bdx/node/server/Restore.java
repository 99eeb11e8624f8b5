package org.bdx.node.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.SequencedSet;
import java.util.Set;
import org.bdx.node.access.StaffAccounts;
import org.bdx.node.audit.AuditDetail;
import org.bdx.node.backup.BackupException;
import org.bdx.node.backup.BackupFormat;
import org.bdx.node.backup.BackupManifest;
import org.bdx.node.backup.BackupReader;
import org.bdx.node.backup.PurgeList;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.KeyFiles;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.RowCipher;
import org.bdx.node.store.SequenceFloor;
import org.bdx.node.store.Snapshots;
import org.bdx.node.tls.Keepalive;
import org.bdx.node.vault.Passphrase;
import org.bdx.node.vault.SecureFiles;
import org.bdx.node.vault.SymmetricKey;
import org.bdx.node.vault.Vault;
import org.bdx.node.vault.VaultException;

/**
 * Brings a backup back into a new home (spec AR-9.3). Everything happens in a directory beside the
 * target, owner-only, which becomes the target in one rename only when all of it worked; on any
 * failure it is overwritten and deleted, so a wrong passphrase, a truncated or an altered file
 * leave nothing behind.
 *
 * <ol>
 *   <li>The header's vault is opened with the passphrase (a wrong one stops here).
 *   <li>Every chunk is verified as it is read, each entry written to the work directory; the last
 *       chunk must be there and nothing after it.
 *   <li>The manifest, the public key and the vault's key must name the same node.
 *   <li>The outbox sequence moves past what the node could have used since (FEED-1): above {@link
 *       #SEQUENCES_PER_SECOND} times the current Unix time.
 *   <li>The restored node is opened (not served): the reports in the purge list given, and those
 *       whose key the backup lacks, are purged again, as staff would, so their partners are told; a
 *       new coordinator account gets its credential in {@code admin.token}; the restore is recorded
 *       in the audit log.
 *   <li>The purge list goes with the restored home, and the work directory becomes the home.
 * </ol>
 */
final class Restore {
  /**
   * A node queues far fewer feed items than this in a second, so the sequence a restore starts
   * from, this times the Unix time, lies above everything the node used after the backup was taken
   * and after any earlier restore (spec AR-9.4). 2^20 × the seconds until the year 10 000 stays
   * below 2^63.
   */
  static final long SEQUENCES_PER_SECOND = 1L << 20;

  private static final Set<PosixFilePermission> FILE_644 = SecureFiles.FILE_644;

  private Restore() {}

  static Node.Restored run(
      Path file, NodeHome home, Passphrase passphrase, Collection<String> purgedSince, Clock clock)
      throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(passphrase, "passphrase");
    Objects.requireNonNull(purgedSince, "purgedSince");
    Objects.requireNonNull(clock, "clock");
    String what = file.toString();
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(what, null, "no such backup file");
    }
    Path target = home.dir();
    checkTarget(target);
    List<Path> madeParents = makeParents(target.getParent());
    Path work = null;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
      BackupReader backup = BackupReader.open(in, what);
      work = workDirectory(target);
      NodeHome restored = new NodeHome(work);
      SecureFiles.writeAtomically(
          restored.vaultFile(), backup.vaultFile(), SecureFiles.FILE_600, false);
      Vault vault = open(restored, passphrase, what);
      BackupManifest manifest;
      try {
        manifest = extract(backup, vault, work, what);
        check(manifest, restored, vault, what);
      } catch (IOException | RuntimeException e) {
        vault.close();
        throw e;
      }
      long now = clock.instant().getEpochSecond();
      if (now < manifest.takenAt()) {
        vault.close();
        throw new IOException(
            "this machine's clock ("
                + Instant.ofEpochSecond(now)
                + ") is before the time the backup was taken ("
                + Instant.ofEpochSecond(manifest.takenAt())
                + "); set the clock right and restore again");
      }
      Node.Restored done;
      try {
        done = restoreInto(restored, vault, backup.backupId(), manifest, purgedSince, clock, now);
      } catch (IOException | RuntimeException e) {
        vault.close(); // the node closes it once it opened; closing twice is harmless
        throw e;
      }
      SecureFiles.syncDirectory(work);
      move(work, target);
      work = null;
      return done;
    } catch (IOException | RuntimeException e) {
      if (work != null) {
        wipe(work);
      }
      for (Path p : madeParents.reversed()) {
        Files.deleteIfExists(p);
      }
      throw e;
    }
  }

  /** The node's files are in {@code restored}; opens the node there to finish the restore. */
  private static Node.Restored restoreInto(
      NodeHome restored,
      Vault vault,
      byte[] backupId,
      BackupManifest manifest,
      Collection<String> purgedSince,
      Clock clock,
      long now)
      throws IOException {
    long floor;
    try (RowCipher cipher = RowCipher.of(vault, new SecureRandom());
        NodeDatabase db = NodeDatabase.open(restored.databaseFile(), cipher)) {
      floor = SequenceFloor.raiseOutbox(db, Math.multiplyExact(now, SEQUENCES_PER_SECOND));
    }
    SequencedSet<String> listed = new LinkedHashSet<>(purgedSince);
    List<String> purged;
    String coordinator;
    try (Node node = Node.open(restored, vault, clock, Keepalive.DEFAULTS)) {
      List<String> again = new ArrayList<>(purgedSince);
      List<String> keyless = node.keylessReports();
      again.addAll(keyless);
      listed.addAll(keyless);
      purged = node.purgeAgain(new LinkedHashSet<>(again));
      StaffAccounts.Created account =
          node.addCoordinator(
              "restored-"
                  + DateTimeFormatter.ofPattern("yyyyMMdd")
                      .withZone(ZoneOffset.UTC)
                      .format(Instant.ofEpochSecond(now)));
      NodeHome.writeOwnerOnly(restored.adminTokenFile(), account.credential() + "\n");
      coordinator = account.account().name();
      node.recordRestore(
          AuditDetail.of()
              .add("backup", HexFormat.of().formatHex(backupId))
              .add("taken_at", manifest.takenAt())
              .add("purges", purged.size())
              .add("sequence_floor", floor));
    }
    PurgeList.write(restored.dir().resolve(PurgeList.FILE), listed);
    return new Node.Restored(
        manifest.nodeId(),
        manifest.takenAt(),
        Snapshots.count(restored.databaseFile(), Snapshots.Table.REPORTS),
        Snapshots.count(restored.databaseFile(), Snapshots.Table.ALERTS),
        purged,
        purgedSince.size(),
        coordinator,
        floor);
  }

  private static Vault open(NodeHome restored, Passphrase passphrase, String what)
      throws BackupException {
    try {
      return Vault.open(restored.dir(), passphrase);
    } catch (VaultException.WrongPassphrase e) {
      throw new VaultException.WrongPassphrase(
          "wrong passphrase for the backup "
              + what
              + " (if you are sure of it, the backup is damaged: try another one)");
    } catch (VaultException e) {
      throw new BackupException("the backup " + what + " is damaged: its vault cannot be read");
    }
  }

  /** Writes each entry of the archive to its file in {@code work}; returns the manifest. */
  private static BackupManifest extract(BackupReader backup, Vault vault, Path work, String what)
      throws IOException {
    ByteArrayOutputStream manifest = new ByteArrayOutputStream();
    try (SymmetricKey key = vault.subKey(Vault.Purpose.BACKUP)) {
      backup.extract(
          key,
          name ->
              switch (name) {
                case BackupFormat.MANIFEST -> bounded(manifest, what);
                case BackupFormat.PUBLIC_KEY -> {
                  Path keys = work.resolve(KeyFiles.KEYS_DIR);
                  createDirectory(keys);
                  yield create(keys.resolve(KeyFiles.PUBLIC_FILE), FILE_644);
                }
                default -> create(work.resolve(name), SecureFiles.FILE_600);
              });
    }
    try {
      return BackupManifest.parse(manifest.toByteArray());
    } catch (IllegalArgumentException e) {
      throw new BackupException("the backup " + what + " is damaged: its manifest is unreadable");
    }
  }

  /** The manifest, the public key and the vault's seed must name one node. */
  private static void check(BackupManifest manifest, NodeHome restored, Vault vault, String what)
      throws BackupException {
    NodeId published;
    NodeId sealed;
    try {
      published = KeyFiles.loadPublic(restored.dir());
      NodeKeys keys = KeyFiles.load(restored.dir(), vault);
      sealed = keys.nodeId();
    } catch (RuntimeException e) {
      throw new BackupException("the backup " + what + " is damaged: its node key is unreadable");
    }
    if (!published.equals(sealed) || !manifest.nodeId().equals(sealed)) {
      throw new BackupException(
          "the backup " + what + " is damaged: its parts belong to different nodes");
    }
  }

  private static OutputStream bounded(ByteArrayOutputStream buf, String what) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (buf.size() + len > 4096) {
          throw new BackupException("the backup " + what + " is damaged: its manifest is too long");
        }
        buf.write(b, off, len);
      }
    };
  }

  /** A new file with {@code perms} from its first byte, forced to disk when closed. */
  private static OutputStream create(Path file, Set<PosixFilePermission> perms) throws IOException {
    boolean posix = SecureFiles.isPosix(file.getParent());
    FileChannel ch =
        posix
            ? FileChannel.open(
                file,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(perms))
            : FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    if (posix) {
      Files.setPosixFilePermissions(file, perms); // the umask may have removed bits
    }
    return new Forced(ch);
  }

  /** Writes to a file's channel; closing forces it to disk. */
  private static final class Forced extends OutputStream {
    private final FileChannel ch;
    private final OutputStream out;

    Forced(FileChannel ch) {
      this.ch = ch;
      this.out = Channels.newOutputStream(ch);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      try {
        ch.force(true);
      } finally {
        ch.close();
      }
    }
  }

  private static void createDirectory(Path dir) throws IOException {
    if (SecureFiles.isPosix(dir.getParent())) {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(SecureFiles.DIR_700));
    } else {
      Files.createDirectory(dir);
    }
  }

  /** The target must not hold anything: a restore never mixes with files already there. */
  private static void checkTarget(Path target) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(target + " exists and is not a directory; restore into a new one");
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(target)) {
      if (entries.iterator().hasNext()) {
        throw new IOException(
            target + " is not empty; restore into a new or empty directory (--home DIR)");
      }
    }
  }

  /** Creates the missing directories of {@code dir}, owner-only; returns those it made. */
  private static List<Path> makeParents(Path dir) throws IOException {
    List<Path> missing = new ArrayList<>();
    for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
      missing.addFirst(p);
    }
    List<Path> made = new ArrayList<>();
    try {
      for (Path p : missing) {
        Files.createDirectory(p, ownerOnlyDirectory(p.getParent()));
        made.add(p);
      }
    } catch (IOException e) {
      for (Path p : made.reversed()) {
        Files.deleteIfExists(p);
      }
      throw e;
    }
    return made;
  }

  private static FileAttribute<?>[] ownerOnlyDirectory(Path parent) throws IOException {
    return SecureFiles.isPosix(parent)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(SecureFiles.DIR_700)}
        : new FileAttribute<?>[0];
  }

  private static Path workDirectory(Path target) throws IOException {
    Path parent = target.getParent();
    return Files.createTempDirectory(
        parent, "." + target.getFileName() + ".restore-", ownerOnlyDirectory(parent));
  }

  /**
   * Renames the finished work directory to the target in one step; an empty target directory is
   * replaced (POSIX rename allows it), so no moment shows a half-restored home.
   */
  private static void move(Path work, Path target) throws IOException {
    try {
      Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (DirectoryNotEmptyException e) {
      throw new IOException(target + " is no longer empty; nothing was restored into it", e);
    }
    SecureFiles.syncDirectory(target.getParent());
  }

  /** Overwrites and deletes every file under {@code dir}, then the directories. */
  static void wipe(Path dir) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          wipe(p);
        } else {
          try {
            SecureFiles.overwriteAndDelete(p);
          } catch (IOException e) {
            Files.deleteIfExists(p);
          }
        }
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // Best effort: the work directory is owner-only and named for what it is.
    }
  }
}
