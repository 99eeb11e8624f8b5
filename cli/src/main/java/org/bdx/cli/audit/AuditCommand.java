package org.bdx.cli.audit;

import org.bdx.cli.command.HelpOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "audit",
    description = {
      "Read and check this node's audit log: who searched (which kinds of criteria, how many"
          + " results, never what was searched), who entered, changed or purged which report,"
          + " which alert versions and fields went to which partner, and every change to"
          + " partners, agreements and staff accounts.",
      "Each entry is chained to the one before by a hash. Note down the head that"
          + " `bdx audit verify` prints (or send it to another organization): a later rewrite of"
          + " the log shows against it.",
    },
    subcommands = {AuditListCommand.class, AuditVerifyCommand.class})
public final class AuditCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin HelpOption help;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: list or verify");
  }
}
