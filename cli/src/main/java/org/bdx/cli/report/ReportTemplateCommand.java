package org.bdx.cli.report;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.HumanJson;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.TimeOfDay;
import org.bdx.proto.v1.Vehicle;
import org.bdx.proto.v1.WorkSetting;
import picocli.CommandLine.Command;

@Command(
    name = "template",
    description =
        "Print an example report file for `bdx report add --file` (edit it; remove what you don't know).")
public final class ReportTemplateCommand extends BdxCommand {
  /** A made-up report: every value is an example, none is real. */
  public static Report example() {
    return Report.newBuilder()
        .setIncidentDate("2026-11-14")
        .setTimeOfDay(TimeOfDay.TIME_OF_DAY_EVENING)
        .setArea("Downtown East")
        .setWorkSetting(WorkSetting.WORK_SETTING_OUTCALL)
        .addHarms(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT)
        .addHarms(HarmCategory.HARM_CATEGORY_REFUSED_PAYMENT)
        .setSeverity(Severity.SEVERITY_HIGH)
        .setAggressorDescription(
            "Man, about 40, tall, grey beard, tattoo of a snake on left forearm")
        .addNamesUsed("Mike")
        .addPhoneNumbers("604-555-0123")
        .setVehicle(
            Vehicle.newBuilder()
                .setDescription("dark blue pickup, dented tailgate")
                .setPlate("ABC 123"))
        .addOnlineHandles("mike_vip on an ad site")
        .setModusOperandi("Books outcalls to hotels, argues about the rate, then gets violent")
        .addLanguages("en")
        .setNarrative("The reporter's own account. It stays on this node and is never shared.")
        .setReporterContact("Only if the reporter wants follow-up")
        .setConsent(Consent.newBuilder().setAudience(Audience.AUDIENCE_PEER).setShareContact(false))
        .build();
  }

  @Override
  protected void run() {
    out().println(HumanJson.print(example()));
  }
}
