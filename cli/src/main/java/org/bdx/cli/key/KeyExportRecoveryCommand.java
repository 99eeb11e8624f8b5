package org.bdx.cli.key;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.node.identity.KeyFiles;
import org.bdx.node.identity.NodeId;
import org.bdx.node.vault.RecoveryFile;
import org.bdx.node.vault.SecureFiles;
import org.bdx.node.vault.VaultException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "export-recovery",
    sortOptions = false,
    description = {
      "Move the node's recovery file off this machine: copy it to FILE (on a USB stick, say),"
          + " check that the copy reads back byte for byte, then delete it from the node's home.",
      "The recovery file holds the node's next key, sealed under the node's passphrase as it is"
          + " today. It is what lets you replace the node's key if this machine is stolen or the"
          + " key was copied: keep it offline, somewhere safe, apart from your backups, and"
          + " remember which passphrase it opens with. The node never needs it to serve. Works"
          + " while the node is stopped or running.",
    })
public final class KeyExportRecoveryCommand extends BdxCommand {
  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Where to put the recovery file. An existing file is never overwritten.")
  Path outFile;

  @Override
  protected void run() throws Exception {
    home().loadConfig();
    Path source = home().recoveryFile();
    Path target = outFile.toAbsolutePath().normalize();
    if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
      throw new CliException(
          "there is no recovery file in "
              + source.getParent()
              + ": it was already moved off this machine; nothing was copied");
    }
    Path dir = target.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new CliException("no such directory for the recovery file: " + dir);
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new CliException(
          target + " already exists; a recovery file is never overwritten: choose another file");
    }
    byte[] content = Files.readAllBytes(source);
    RecoveryFile.Header header;
    try {
      header = RecoveryFile.header(source);
    } catch (VaultException e) {
      throw new CliException(e.getMessage() + "; nothing was copied");
    }
    NodeId self = KeyFiles.loadPublic(home().dir());
    if (!header.nodeId().equals(self.value())) {
      throw new CliException(
          "the recovery file in " + source.getParent() + " is not this node's; nothing was copied");
    }
    try {
      writeNew(target, content);
    } catch (FileAlreadyExistsException e) {
      throw new CliException(
          target + " already exists; a recovery file is never overwritten: choose another file");
    }
    if (!Arrays.equals(Files.readAllBytes(target), content)) {
      throw new CliException(
          "the copy at "
              + target
              + " does not read back as written; the recovery file stays in the node's home");
    }
    SecureFiles.overwriteAndDelete(source);
    SecureFiles.syncDirectory(source.getParent());
    out().println("Moved the recovery file to " + target + " and deleted it from this machine.");
    out()
        .println(
            "Keep it offline and safe, apart from your backups. It opens with the node's"
                + " passphrase as it is today: if you change the passphrase, remember the old one"
                + " for this file.");
    out()
        .println(
            "It is needed to replace this node's key: bdx key rotate, or bdx key revoke if the"
                + " key is stolen.");
  }

  /** Creates {@code target} (owner-only where the file system allows), writes and forces it. */
  private static void writeNew(Path target, byte[] content) throws IOException {
    Set<StandardOpenOption> options =
        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try (FileChannel ch =
        SecureFiles.isPosix(target.getParent())
            ? FileChannel.open(
                target, options, PosixFilePermissions.asFileAttribute(SecureFiles.FILE_600))
            : FileChannel.open(target, options)) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    SecureFiles.syncDirectory(target.getParent());
  }
}
