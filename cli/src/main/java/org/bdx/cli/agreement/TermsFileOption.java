package org.bdx.cli.agreement;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.HumanJson;
import org.bdx.cli.command.JsonFiles;
import org.bdx.proto.v1.ProposedTerms;
import picocli.CommandLine.Option;

/**
 * {@code --terms FILE} and {@code --accept-relayed WHO}: the terms a coordinator proposes, read the
 * same way for a first proposal and for an amendment, so the two cannot drift apart.
 */
public final class TermsFileOption {
  static final int MAX_FILE_BYTES = 64 * 1024;

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

  /** The terms from the file, with {@code --accept-relayed} applied if given. */
  ProposedTerms terms() throws IOException {
    return withAcceptRelayed(read());
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

  private ProposedTerms read() throws IOException {
    byte[] bytes;
    try (InputStream in = "-".equals(file) ? System.in : Files.newInputStream(Path.of(file))) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new CliException("no such file: " + file);
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new CliException(file + " is larger than 64 KiB; agreement terms are far smaller");
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    ProposedTerms.Builder b = ProposedTerms.newBuilder();
    try {
      HumanJson.merge(text, b, file);
    } catch (InvalidProtocolBufferException e) {
      throw JsonFiles.unreadable(file, text, e, "agreement terms", "bdx agreement template");
    }
    return b.build();
  }
}
