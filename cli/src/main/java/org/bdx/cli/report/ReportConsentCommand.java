package org.bdx.cli.report;

import java.util.ArrayList;
import java.util.List;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.cli.command.Printing;
import org.bdx.node.intake.Vocabulary;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.UpdateConsentRequest;
import org.bdx.proto.v1.UpdateConsentResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "consent",
    description = {
      "Record the reporter's new consent choices for a report.",
      "The alert gets a new version with the new audience; partners no longer allowed to see it"
          + " are told to delete their copy, the others get the new version. Without"
          + " --share-contact the contact is not shared.",
    })
public final class ReportConsentCommand extends BdxCommand {
  @Parameters(paramLabel = "REPORT_ID", description = "The report id (see `bdx report list`).")
  String reportId;

  @Option(
      names = "--audience",
      required = true,
      paramLabel = "AUDIENCE",
      description =
          "Widest partner class the reporter now allows: peer (sex-worker-led organizations),"
              + " support (also health and anti-violence services) or police (also a police"
              + " liaison).")
  String audience;

  @Option(
      names = "--share-contact",
      negatable = true,
      description =
          "Whether the reporter agrees to share their contact with partners allowed to see it"
              + " (default: not shared).")
  boolean shareContact;

  @Override
  protected void run() throws Exception {
    List<String> problems = new ArrayList<>();
    Consent.Builder consent = Consent.newBuilder().setShareContact(shareContact);
    ReportFieldOptions.word(
        problems, "--audience", audience, w -> consent.setAudience(Vocabulary.audience(w)));
    ReportFieldOptions.refuse(problems);
    try (NodeConnection node = connect()) {
      UpdateConsentResponse r =
          node.call(
              s ->
                  s.updateConsent(
                      UpdateConsentRequest.newBuilder()
                          .setReportId(reportId)
                          .setConsent(consent)
                          .build()));
      if (json()) {
        out().println(Printing.json(r));
        return;
      }
      out()
          .println(
              "Consent recorded; alert "
                  + r.getAlert().getAlertId()
                  + " is version "
                  + r.getAlert().getVersion()
                  + ", audience "
                  + Printing.word(r.getAlert().getAudience())
                  + ".");
    }
  }
}
