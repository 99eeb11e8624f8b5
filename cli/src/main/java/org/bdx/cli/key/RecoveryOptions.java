package org.bdx.cli.key;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What {@code bdx key rotate} and {@code bdx key revoke} both need to open the next key. */
final class RecoveryOptions {
  @Option(
      names = "--recovery-file",
      required = true,
      paramLabel = "FILE",
      description =
          "The node's recovery file (moved off the machine with bdx key export-recovery, or still"
              + " in the node's home as keys/next-key.recovery).")
  Path recoveryFile;

  @Option(
      names = "--passphrase-file",
      paramLabel = "FILE",
      description =
          "A file holding only the node's passphrase; it must also open the recovery file.")
  Path passphraseFile;
}
