package org.bdx.cli.key;

import java.time.Clock;
import java.util.OptionalLong;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.Passphrases;
import org.bdx.node.home.NodeHome;
import org.bdx.node.server.Node;
import org.bdx.node.vault.Passphrase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "rotate",
    sortOptions = false,
    description = {
      "Replace the node's signing key with the next key, the one its recovery file holds. Do it"
          + " from time to time, or when a staff member who could reach the key leaves. The node"
          + " id stays the same; partners check the change themselves and trust the new key the"
          + " next time they connect, with nothing to do on their side.",
      "Stop the node first (bdx serve). If the key may have been copied or the machine was"
          + " stolen, use bdx key revoke --compromised instead: it also tells partners to distrust"
          + " what the old key signs.",
    })
public final class KeyRotateCommand extends BdxCommand {
  @Mixin RecoveryOptions recovery;

  @Override
  protected void run() throws Exception {
    NodeHome home = home();
    Node.KeyReplaced r;
    try (Passphrase p =
        Passphrases.existing(
            recovery.passphraseFile, session().env(), "the node in " + home.dir())) {
      r = Node.replaceKey(home, p, recovery.recoveryFile, OptionalLong.empty(), Clock.systemUTC());
    }
    if (json()) {
      out().println(KeyReplacing.json(r));
      return;
    }
    KeyReplacing.print(out(), r);
  }
}
