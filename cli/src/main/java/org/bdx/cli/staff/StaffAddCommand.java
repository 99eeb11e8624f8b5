package org.bdx.cli.staff;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.node.home.NodeHome;
import org.bdx.proto.v1.AddStaffRequest;
import org.bdx.proto.v1.AddStaffResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "add",
    description = {
      "Make a staff account and print its credential once. The node keeps only a hash of it:"
          + " hand it to the person (or write it with --out), it cannot be shown again.",
    },
    sortOptions = false)
public final class StaffAddCommand extends BdxCommand {
  @Option(
      names = "--name",
      required = true,
      paramLabel = "NAME",
      description = "The person's account name: letters, digits, '.', '_' and '-'.")
  String name;

  @Option(
      names = "--role",
      required = true,
      paramLabel = "ROLE",
      description = "viewer, intake or coordinator.")
  String role;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description =
          "Write the credential to this new file (owner-only) instead of printing it; the person"
              + " then uses it with --credential-file.")
  Path outFile;

  @Override
  protected void run() throws Exception {
    AddStaffRequest request =
        AddStaffRequest.newBuilder().setName(name).setRole(StaffWords.role(role)).build();
    AddStaffResponse r;
    try (NodeConnection node = connect()) {
      r = node.admin(s -> s.addStaff(request));
    }
    if (outFile != null) {
      write(outFile, r.getCredential());
    }
    if (json()) {
      out().println(Printing.json(outFile == null ? r : r.toBuilder().clearCredential().build()));
      return;
    }
    out()
        .println(
            "Staff account "
                + r.getAccount().getName()
                + " ("
                + StaffWords.word(r.getAccount().getRole())
                + ") created.");
    if (outFile != null) {
      out().println("Credential written to " + outFile + ".");
    } else {
      out().println("Credential (shown once; the node keeps only its hash):");
      out().println("  " + r.getCredential());
    }
  }

  private static void write(Path file, String credential) throws IOException {
    if (java.nio.file.Files.exists(file)) {
      throw new CliException(
          file
              + " already exists; the credential was made but not written: revoke the account"
              + " and add it again with another --out");
    }
    try {
      NodeHome.writeOwnerOnly(file, credential + "\n");
    } catch (FileAlreadyExistsException e) {
      throw new CliException(file + " already exists");
    }
  }
}
