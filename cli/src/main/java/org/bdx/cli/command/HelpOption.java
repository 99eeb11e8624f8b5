package org.bdx.cli.command;

import picocli.CommandLine.Option;

/**
 * {@code -h, --help} for a command below the root. The root also has {@code --version}; the other
 * commands have no version of their own to print.
 */
public final class HelpOption {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      order = 102,
      description = "Show this help message and exit.")
  boolean help;
}
