package org.bdx.cli.node;

import java.nio.file.Path;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.Passphrases;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.Node;
import org.bdx.node.vault.KdfParams;
import org.bdx.node.vault.Passphrase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "change",
    sortSynopsis = false,
    description = {
      "Seal the node's vault under a new passphrase. The keys inside stay the same, so no report is"
          + " re-encrypted; the vault file is replaced in one step. Works while the node serves.",
      "Without the options, on a terminal, you type the current passphrase once and the new one"
          + " twice.",
    })
public final class PassphraseChangeCommand extends BdxCommand {
  @Option(
      names = "--passphrase-file",
      paramLabel = "FILE",
      description = "A file holding only the current passphrase.")
  Path oldFile;

  @Option(
      names = "--new-passphrase-file",
      paramLabel = "FILE",
      description = "A file holding only the new passphrase.")
  Path newFile;

  @Override
  protected void run() throws Exception {
    NodeHome home = home();
    home.loadConfig();
    if (Node.needsEncryption(home)) {
      throw new CliException(
          "the node in "
              + home.dir()
              + " is not encrypted yet; encrypt it first with: bdx serve --home "
              + home.dir()
              + " --passphrase-file FILE");
    }
    String what = "the node in " + home.dir();
    try (Passphrase current = Passphrases.existing(oldFile, session().env(), what);
        Passphrase next = Passphrases.chosen(newFile, "--new-passphrase-file", what)) {
      Node.changePassphrase(home, current, next, KdfParams.DEFAULT);
    }
    out().println("The node in " + home.dir() + " now opens with the new passphrase only.");
  }
}
