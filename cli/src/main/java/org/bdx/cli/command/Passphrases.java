package org.bdx.cli.command;

import java.io.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.bdx.node.vault.Passphrase;
import org.bdx.node.vault.VaultException;

/**
 * Where a command gets the node's passphrase: a file named on the command line, {@code
 * BDX_PASSPHRASE_FILE}, a systemd credential ({@code $CREDENTIALS_DIRECTORY/bdx-passphrase}), or
 * the terminal (typed without echo). Never an option's value: it would show in the process list and
 * the shell's history.
 */
public final class Passphrases {
  public static final String ENV_FILE = "BDX_PASSPHRASE_FILE";
  public static final String CREDENTIAL = "bdx-passphrase";

  private Passphrases() {}

  /**
   * The passphrase that unlocks an existing node: {@code file}, else {@code BDX_PASSPHRASE_FILE},
   * else the systemd credential, else typed once on the terminal.
   *
   * @throws CliException if there is none of these
   */
  public static Passphrase existing(Path file, Map<String, String> env, String what) {
    Path found = file != null ? file : fromEnvironment(env);
    if (found != null) {
      return read(found);
    }
    Console console = System.console();
    if (console == null) {
      throw new CliException(
          "no passphrase for "
              + what
              + ": give a file holding it with --passphrase-file FILE, or set "
              + ENV_FILE
              + "=FILE, or pass the systemd credential "
              + CREDENTIAL
              + ", or run this on a terminal to type it");
    }
    return typed(console, "Passphrase for " + what + ": ");
  }

  /**
   * A new passphrase: {@code file}, else typed twice on the terminal; refuses a mismatch and an
   * empty one.
   *
   * @throws CliException if there is no file and no terminal
   */
  public static Passphrase chosen(Path file, String option, String what) {
    if (file != null) {
      return read(file);
    }
    Console console = System.console();
    if (console == null) {
      throw new CliException(
          "no passphrase for "
              + what
              + ": give a file holding only the passphrase with "
              + option
              + " FILE, or run this on a terminal to type it");
    }
    Passphrase first = typed(console, "New passphrase for " + what + ": ");
    try (Passphrase again = typed(console, "The same passphrase again: ")) {
      if (!first.sameAs(again)) {
        first.close();
        throw new CliException("the two passphrases differ; nothing was changed");
      }
    }
    return first;
  }

  private static Path fromEnvironment(Map<String, String> env) {
    String named = env.get(ENV_FILE);
    if (named != null && !named.isBlank()) {
      return Path.of(named);
    }
    String credentials = env.get("CREDENTIALS_DIRECTORY");
    if (credentials != null && !credentials.isBlank()) {
      Path p = Path.of(credentials, CREDENTIAL);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  private static Passphrase read(Path file) {
    try {
      return Passphrase.fromFile(file);
    } catch (VaultException e) {
      throw new CliException(e.getMessage());
    }
  }

  private static Passphrase typed(Console console, String prompt) {
    char[] chars = console.readPassword("%s", prompt);
    if (chars == null) {
      throw new CliException("no passphrase was typed");
    }
    try {
      if (chars.length == 0) {
        throw new CliException("the passphrase is empty; nothing was changed");
      }
      return Passphrase.of(chars);
    } finally {
      Arrays.fill(chars, '\0');
    }
  }
}
