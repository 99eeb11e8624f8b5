package org.bdx.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command takes. */
public final class CommonOptions {
  @Option(
      names = "--home",
      paramLabel = "DIR",
      description = "The node's home directory (default: $BDX_HOME, else ~/.local/share/bdx).")
  public Path home;

  @Option(names = "--json", description = "Print machine-readable JSON instead of text.")
  public boolean json;
}
