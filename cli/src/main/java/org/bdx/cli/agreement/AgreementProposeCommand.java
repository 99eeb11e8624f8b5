package org.bdx.cli.agreement;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.HumanJson;
import org.bdx.cli.command.JsonFiles;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.proto.v1.ProposeAgreementRequest;
import org.bdx.proto.v1.ProposeAgreementResponse;
import org.bdx.proto.v1.ProposedTerms;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "propose",
    description = "Sign terms and send them to a partner, who sees them as pending until accepted.")
public final class AgreementProposeCommand extends BdxCommand {
  static final int MAX_FILE_BYTES = 64 * 1024;

  @Option(
      names = "--partner",
      required = true,
      paramLabel = "PARTNER",
      description = "The partner's name or node id.")
  String partner;

  @Option(
      names = "--terms",
      required = true,
      paramLabel = "FILE",
      description = {
        "The terms in JSON, as `bdx agreement template` prints them.",
        "With -, reads them from standard input."
      })
  String file;

  /** Which directions take relayed alerts, overriding accept_relayed in the terms file. */
  enum AcceptRelayed {
    NONE,
    WE_RECEIVE,
    WE_SEND,
    BOTH
  }

  @Option(
      names = "--accept-relayed",
      paramLabel = "WHO",
      description = {
        "Who takes alerts the other relays from further organizations:"
            + " we_receive (we take what this partner relays to us, even from organizations we"
            + " have no agreement with, shown as unknown with the path they came by),"
            + " we_send (the partner takes what we relay to it), both, or none.",
        "Without this option, accept_relayed in the terms file decides (absent: none).",
        "Relaying itself is allowed per direction by may_relay and max_relay_hops there."
      })
  AcceptRelayed acceptRelayed;

  @Override
  protected void run() throws Exception {
    ProposedTerms terms = withAcceptRelayed(readTerms());
    try (NodeConnection node = connect()) {
      ProposeAgreementResponse r =
          node.admin(
              s ->
                  s.proposeAgreement(
                      ProposeAgreementRequest.newBuilder()
                          .setPartner(partner)
                          .setTerms(terms)
                          .build()));
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      out().println("Proposed; the partner now sees it as pending.");
      AgreementPrinting.print(out(), r.getAgreement());
    }
  }

  private ProposedTerms withAcceptRelayed(ProposedTerms t) {
    if (acceptRelayed == null) {
      return t;
    }
    boolean receive =
        acceptRelayed == AcceptRelayed.WE_RECEIVE || acceptRelayed == AcceptRelayed.BOTH;
    boolean send = acceptRelayed == AcceptRelayed.WE_SEND || acceptRelayed == AcceptRelayed.BOTH;
    ProposedTerms.Builder b = t.toBuilder();
    b.getWeReceiveBuilder().setAcceptRelayed(receive);
    b.getWeSendBuilder().setAcceptRelayed(send);
    return b.build();
  }

  private ProposedTerms readTerms() throws java.io.IOException {
    byte[] bytes;
    try (InputStream in = "-".equals(file) ? System.in : Files.newInputStream(Path.of(file))) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new CliException("no such file: " + file);
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new CliException(file + " is larger than 64 KiB; agreement terms are far smaller");
    }
    ProposedTerms.Builder b = ProposedTerms.newBuilder();
    try {
      HumanJson.merge(new String(bytes, StandardCharsets.UTF_8), b, file);
    } catch (InvalidProtocolBufferException e) {
      throw JsonFiles.unreadable(
          file,
          new String(bytes, StandardCharsets.UTF_8),
          e,
          "agreement terms",
          "bdx agreement template");
    }
    return b.build();
  }
}
