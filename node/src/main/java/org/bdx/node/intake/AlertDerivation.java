package org.bdx.node.intake;

import java.util.Objects;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.Report;

/**
 * The shareable fields of a report. Copies only the structured fields and the modus operandi: never
 * the narrative, and the reporter's contact only when the reporter chose to share it (per-partner
 * sharing limits apply later, at disclosure).
 */
public final class AlertDerivation {

  private AlertDerivation() {}

  /**
   * @param normalized a report returned by {@link ReportValidator#validateAndNormalize}
   */
  public static AlertFields derive(Report normalized) {
    Objects.requireNonNull(normalized, "normalized");
    AlertFields.Builder b =
        AlertFields.newBuilder()
            .setIncidentDate(normalized.getIncidentDate())
            .setTimeOfDayValue(normalized.getTimeOfDayValue())
            .setArea(normalized.getArea())
            .setWorkSettingValue(normalized.getWorkSettingValue())
            .addAllHarmsValue(normalized.getHarmsValueList())
            .setSeverityValue(normalized.getSeverityValue())
            .setAggressorDescription(normalized.getAggressorDescription())
            .addAllNamesUsed(normalized.getNamesUsedList())
            .addAllPhoneNumbers(normalized.getPhoneNumbersList())
            .addAllOnlineHandles(normalized.getOnlineHandlesList())
            .setModusOperandi(normalized.getModusOperandi())
            .addAllLanguages(normalized.getLanguagesList());
    if (normalized.hasVehicle()) {
      b.setVehicleDescription(normalized.getVehicle().getDescription());
      b.setVehiclePlate(normalized.getVehicle().getPlate());
    }
    if (normalized.hasConsent()
        && normalized.getConsent().getShareContact()
        && !normalized.getReporterContact().isEmpty()) {
      b.setReporterContact(normalized.getReporterContact());
    }
    // narrative: deliberately never copied.
    return b.build();
  }
}
