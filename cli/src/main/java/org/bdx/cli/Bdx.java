package org.bdx.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import org.bdx.cli.agreement.AgreementCommand;
import org.bdx.cli.alerts.AlertsCommand;
import org.bdx.cli.audit.AuditCommand;
import org.bdx.cli.backup.BackupCommand;
import org.bdx.cli.backup.RestoreCommand;
import org.bdx.cli.bulletin.BulletinCommand;
import org.bdx.cli.key.KeyCommand;
import org.bdx.cli.node.DemoCommand;
import org.bdx.cli.node.IdCommand;
import org.bdx.cli.node.InitCommand;
import org.bdx.cli.node.PassphraseCommand;
import org.bdx.cli.node.ServeCommand;
import org.bdx.cli.node.StatusCommand;
import org.bdx.cli.partner.PartnerCommand;
import org.bdx.cli.report.ReportCommand;
import org.bdx.cli.staff.StaffCommand;
import org.bdx.cli.stats.StatsCommand;
import org.bdx.cli.subscribers.SubscribersCommand;
import org.bdx.node.server.Node;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bdx}: the command coordinators and staff use to run a BDX node. */
@Command(
    name = "bdx",
    mixinStandardHelpOptions = true,
    versionProvider = Bdx.Version.class,
    description = {
      "BDX, the Bad Date Exchange: share warnings about violent clients between",
      "organizations serving sex workers, with no central database.",
    },
    footer = {
      "",
      "With --json, a failure is one JSON object on stderr, its code the exit code:",
      "  {\"error\": {\"code\": 2, \"message\": \"...\", \"field\": \"--harm\"}}",
      "",
      "Start here:  bdx init --name \"Your organization\" --region CA",
      "             bdx serve",
      "             (both ask for the node's passphrase; see --passphrase-file)",
      "More help:   bdx help COMMAND [SUBCOMMAND], e.g. bdx help report add",
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:failure: the command could not do it (a file, the node's answer, a partner)",
      "2:usage error: an unknown command or option, a missing or unknown value; nothing was"
          + " done",
      "3:the node is not running or not reachable",
      "4:the node refused: an unknown or revoked credential, or a step this credential's role"
          + " (or this side of an agreement) may not take",
    })
public final class Bdx implements Runnable {
  /**
   * The commands, in the order help lists them. Not in the annotation: picocli would build every
   * command's model (about 80, by reflection) before running one, a fifth of a command's start-up;
   * the launcher adds only the one named when it can tell which ({@link Launcher}).
   */
  static final List<Class<?>> COMMANDS =
      List.of(
          InitCommand.class,
          IdCommand.class,
          KeyCommand.class,
          ServeCommand.class,
          PassphraseCommand.class,
          ReportCommand.class,
          AlertsCommand.class,
          BulletinCommand.class,
          StatsCommand.class,
          SubscribersCommand.class,
          PartnerCommand.class,
          AgreementCommand.class,
          StaffCommand.class,
          AuditCommand.class,
          BackupCommand.class,
          RestoreCommand.class,
          StatusCommand.class,
          DemoCommand.class,
          HelpCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // `bdx` alone: show what it can do rather than fail.
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.setProperty(
        "java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
    int code =
        run(
            new PrintWriter(System.out, true),
            new PrintWriter(System.err, true),
            System.getenv(),
            args);
    System.exit(code);
  }

  /** Builds and runs {@code bdx} command lines in the environment {@code env}. */
  public static Launcher launcher(Map<String, String> env) {
    return new Launcher(Bdx::new, COMMANDS, env);
  }

  /** Runs one command line; the entry point tests use. */
  public static int run(PrintWriter out, PrintWriter err, Map<String, String> env, String... args) {
    return launcher(env).run(out, err, args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "bdx " + Node.softwareVersion() + " (protocol " + Node.PROTOCOL_VERSION + ")",
        // A home whose database is newer than this is refused; older ones are migrated on open.
        "database schema " + Node.schemaVersion()
      };
    }
  }
}
