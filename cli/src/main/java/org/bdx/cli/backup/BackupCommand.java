package org.bdx.cli.backup;

import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Set;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.node.backup.PurgeList;
import org.bdx.node.vault.SecureFiles;
import org.bdx.proto.v1.BackupSummary;
import org.bdx.proto.v1.CreateBackupRequest;
import org.bdx.proto.v1.CreateBackupResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "backup",
    sortOptions = false,
    description = {
      "Write an encrypted backup of the running node to a file: a consistent snapshot of its"
          + " reports, their keys, alerts, partners, agreements, staff accounts and audit log,"
          + " taken while it serves. Needs a coordinator's credential.",
      "The file opens with the node's passphrase (as it is now) and nothing else: whoever has"
          + " both can read every report in it. Keep backups away from the node, and keep the"
          + " node's list of purged reports (purged-reports in its home) with them: a restore"
          + " purges again the reports it lists (bdx restore --purged).",
    })
public final class BackupCommand extends BdxCommand {
  /** Seconds between progress lines on standard error. */
  private static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description =
          "Where to write the backup (owner-only). An existing file is kept unless --force.")
  Path outFile;

  @Option(names = "--force", description = "Replace FILE if it exists.")
  boolean force;

  @Override
  protected void run() throws Exception {
    Path target = outFile.toAbsolutePath().normalize();
    Path dir = target.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new CliException("no such directory for the backup: " + dir);
    }
    if (Files.isDirectory(target)) {
      throw new CliException(target + " is a directory; name the backup file with --out FILE");
    }
    if (!force && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new CliException(target + " already exists; choose another file, or add --force");
    }
    Path partial = createPartial(dir, target.getFileName().toString());
    boolean done = false;
    try {
      BackupSummary summary;
      try (NodeConnection node = connect()) {
        summary = download(node, partial);
      }
      if (force) {
        Files.move(
            partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        // Without REPLACE_EXISTING: a file that appeared meanwhile is kept, and this fails.
        Files.move(partial, target);
      }
      done = true;
      SecureFiles.syncDirectory(dir);
      print(target, summary);
    } finally {
      if (!done) {
        Files.deleteIfExists(partial);
      }
    }
  }

  /** Streams the backup into {@code partial}, checks it against the summary, forces it to disk. */
  private BackupSummary download(NodeConnection node, Path partial) throws IOException {
    MessageDigest sha = sha256();
    long written = 0;
    long lastProgress = System.nanoTime();
    BackupSummary summary = null;
    // A cancellable context: leaving early (an error here) cancels the call, and the node stops.
    try (Context.CancellableContext call = Context.current().withCancellation();
        FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE);
        OutputStream out = Channels.newOutputStream(ch)) {
      Context previous = call.attach();
      try {
        Iterator<CreateBackupResponse> it =
            node.adminStream().createBackup(CreateBackupRequest.getDefaultInstance());
        while (it.hasNext()) {
          CreateBackupResponse r = it.next();
          if (summary != null) {
            throw new CliException("the node sent more after the backup's summary; nothing kept");
          }
          switch (r.getKindCase()) {
            case DATA -> {
              r.getData().writeTo(out);
              sha.update(r.getData().asReadOnlyByteBuffer());
              written += r.getData().size();
              long now = System.nanoTime();
              if (now - lastProgress > PROGRESS_EVERY_NANOS) {
                lastProgress = now;
                err().println("backup: " + (written >> 20) + " MiB written");
                err().flush();
              }
            }
            case SUMMARY -> summary = r.getSummary();
            default -> throw new CliException("the node sent an unknown backup message");
          }
        }
      } catch (StatusRuntimeException e) {
        throw node.failure(e).prefixed("no backup made: ");
      } finally {
        call.detach(previous);
        call.cancel(null);
      }
      out.flush();
      ch.force(true);
    }
    if (summary == null) {
      throw new CliException("the node ended the backup without its summary; nothing kept");
    }
    if (summary.getSize() != written
        || !MessageDigest.isEqual(summary.getSha256().toByteArray(), sha.digest())) {
      throw new CliException(
          "the backup arrived damaged (its length or checksum differ from the node's); nothing"
              + " kept, try again");
    }
    return summary;
  }

  private void print(Path target, BackupSummary s) {
    if (json()) {
      out().println(Printing.json(s));
      return;
    }
    out()
        .println(
            "Backup written to "
                + target
                + ": "
                + s.getSize()
                + " bytes, "
                + s.getReports()
                + (s.getReports() == 1 ? " report, " : " reports, ")
                + s.getAlerts()
                + (s.getAlerts() == 1 ? " alert" : " alerts")
                + ", taken "
                + Instant.ofEpochSecond(s.getTakenAt())
                + ".");
    out().println("  sha256 " + HexFormat.of().formatHex(s.getSha256().toByteArray()));
    out()
        .println(
            "  It opens with the node's passphrase as it is now. Keep it away from the node, with"
                + " a copy of "
                + home().dir().resolve(PurgeList.FILE)
                + " (restore it with: bdx restore "
                + target.getFileName()
                + " --home NEW_DIR --purged LIST).");
  }

  /** A new owner-only file beside {@code name}, so the final rename stays on one file system. */
  private static Path createPartial(Path dir, String name) throws IOException {
    String prefix = "." + name + ".";
    if (SecureFiles.isPosix(dir)) {
      return Files.createTempFile(
          dir,
          prefix,
          ".partial",
          PosixFilePermissions.asFileAttribute(Set.copyOf(SecureFiles.FILE_600)));
    }
    return Files.createTempFile(dir, prefix, ".partial");
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
