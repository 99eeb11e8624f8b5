package org.bdx.cli.command;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Options every command takes. A command whose help lists options in its own order rather than
 * alphabetically lists these last (see {@code order}): its own options are what its help is read
 * for.
 */
public final class CommonOptions {
  @Option(
      names = "--home",
      paramLabel = "DIR",
      order = 100,
      // Two lines: wrapped, the path broke after "~/." in narrow help columns.
      description = {"The node's home directory.", "Default: $BDX_HOME, else ~/.local/share/bdx."})
  public Path home;

  @Option(
      names = "--credential-file",
      paramLabel = "FILE",
      order = 101,
      description = {
        "The staff credential to use (from bdx staff add).",
        "Default: the coordinator's credential in the home directory (admin.token)."
      })
  public Path credentialFile;

  @Option(
      names = "--json",
      order = 102,
      description = "Print machine-readable JSON instead of text.")
  public boolean json;
}
