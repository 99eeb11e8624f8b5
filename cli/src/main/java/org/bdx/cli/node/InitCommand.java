package org.bdx.cli.node;

import java.nio.file.Path;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.Passphrases;
import org.bdx.node.home.ClientApiSettings;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.server.Node;
import org.bdx.node.vault.Passphrase;
import org.bdx.proto.v1.GetNodeInfoResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "init",
    // Its own options first, as in its help: sorted, the synopsis broke HOST:PORT after the colon.
    sortSynopsis = false,
    description = {
      "Create a new node in the home directory: its key and a root key sealed under a passphrase,"
          + " settings, credentials and database.",
      "Prints the node id and its fingerprint; compare the fingerprint with partners out of band.",
    })
public final class InitCommand extends BdxCommand {
  @Option(
      names = "--name",
      required = true,
      paramLabel = "ORG",
      description = "Your organization's name, as partners will see it.")
  String name;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      // The default on a line of its own: wrapped, HOST:PORT broke after the colon.
      description = {
        "Where the client API listens. Keep it on loopback unless you know why not.",
        "Default: ${DEFAULT-VALUE}."
      },
      defaultValue = "127.0.0.1:7400")
  String listen;

  @Option(
      names = "--client-tls",
      description =
          "Serve the client API over TLS with this node's own certificate (the CLI pins its key),"
              + " so --listen may be an address other machines reach. Without it, a --listen"
              + " beyond loopback is refused when the node starts.")
  boolean clientTls;

  @Option(
      names = "--region",
      paramLabel = "CC",
      defaultValue = "CA",
      description =
          "Two-letter country code for phone numbers written without +country"
              + " (default: ${DEFAULT-VALUE}).")
  String region;

  @Option(
      names = "--alert-days",
      paramLabel = "DAYS",
      defaultValue = "180",
      description = "How many days an alert stays valid (default: ${DEFAULT-VALUE}).")
  int alertDays;

  @Option(
      names = "--federation-listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:7401",
      description = {
        "Where partner nodes connect, over mutual TLS. Use an address partners can reach,"
            + " e.g. 0.0.0.0:7401.",
        "Default: ${DEFAULT-VALUE}."
      })
  String federationListen;

  @Option(
      names = "--passphrase-file",
      paramLabel = "FILE",
      description = {
        "A file holding only the passphrase that will unlock the node (one trailing newline is"
            + " ignored). Without it, on a terminal, you type it twice.",
        "Lose the passphrase and the node's reports are gone for good.",
      })
  Path passphraseFile;

  @Override
  protected void run() throws Exception {
    NodeConfig config =
        new NodeConfig(
            name,
            NodeConfig.HostPort.parse(listen),
            NodeConfig.HostPort.parse(federationListen),
            region,
            java.time.Duration.ofDays(alertDays),
            NodeConfig.DEFAULT_MAX_RELAY_HOPS);
    // A home that cannot be made fails before a passphrase is asked for that would not be used.
    home().createDirectory();
    Node.Created created;
    try (Passphrase passphrase =
        Passphrases.chosen(passphraseFile, "--passphrase-file", "the new node")) {
      created = Node.init(home(), config, passphrase);
    }
    if (clientTls) {
      java.nio.file.Files.writeString(
          created.home().configFile(),
          ClientApiSettings.KEY_TLS + "=on\n",
          java.nio.file.StandardOpenOption.APPEND);
    }
    if (json()) {
      out()
          .println(
              org.bdx.cli.command.Printing.json(
                  GetNodeInfoResponse.newBuilder()
                      .setNodeId(created.nodeId().value())
                      .setFingerprint(created.nodeId().fingerprint())
                      .setOrganizationName(config.organizationName())
                      .setFederationEndpoint(config.federationListen().toString())
                      .build()));
      return;
    }
    out()
        .println("Created a node for " + config.organizationName() + " in " + created.home().dir());
    out().println("  node id:     " + created.nodeId().value());
    out().println("  fingerprint: " + created.nodeId().fingerprint());
    out().println("  partners connect to " + config.federationListen());
    out()
        .println(
            "Give partners your node id and endpoint; compare fingerprints by phone or in person.");
    out()
        .println(
            "The node's key and reports are encrypted under your passphrase. Keep it safe: without"
                + " it the reports cannot be recovered.");
    out()
        .println(
            "Its next key, to replace this one if the machine is ever stolen, is sealed in "
                + created.home().recoveryFile()
                + ": move it off this machine with bdx key export-recovery --out FILE, and keep"
                + " it apart from backups (bdx key --help).");
    out().println("Next: bdx serve --home " + created.home().dir());
  }
}
