package org.bdx.node.intake;

import static org.assertj.core.api.Assertions.assertThat;

import org.bdx.node.search.PhoneNumbers;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.TimeOfDay;
import org.bdx.proto.v1.Vehicle;
import org.bdx.proto.v1.WorkSetting;
import org.junit.jupiter.api.Test;

class AlertDerivationTest {

  static final String NARRATIVE_CANARY = "NARRATIVE-CANARY-31c";
  static final String CONTACT_CANARY = "CONTACT-CANARY-9d2";

  static Report full(boolean shareContact) {
    return Report.newBuilder()
        .setIncidentDate("2026-10-02")
        .setTimeOfDay(TimeOfDay.TIME_OF_DAY_NIGHT)
        .setArea("Strathcona")
        .setWorkSetting(WorkSetting.WORK_SETTING_OUTCALL)
        .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
        .addHarms(HarmCategory.HARM_CATEGORY_THREATS)
        .setSeverity(Severity.SEVERITY_HIGH)
        .setAggressorDescription("tall, beard")
        .addNamesUsed("Mike")
        .addPhoneNumbers("+16045550123")
        .setVehicle(Vehicle.newBuilder().setDescription("blue van").setPlate("ABC123"))
        .addOnlineHandles("@mike")
        .setModusOperandi("books outcalls, refuses to pay")
        .addLanguages("en")
        .setNarrative(NARRATIVE_CANARY)
        .setReporterContact(CONTACT_CANARY)
        .setConsent(
            Consent.newBuilder().setAudience(Audience.AUDIENCE_PEER).setShareContact(shareContact))
        .build();
  }

  @Test
  void derive_copiesStructuredFields() {
    AlertFields f = AlertDerivation.derive(full(false));
    assertThat(f.getIncidentDate()).isEqualTo("2026-10-02");
    assertThat(f.getTimeOfDay()).isEqualTo(TimeOfDay.TIME_OF_DAY_NIGHT);
    assertThat(f.getArea()).isEqualTo("Strathcona");
    assertThat(f.getWorkSetting()).isEqualTo(WorkSetting.WORK_SETTING_OUTCALL);
    assertThat(f.getHarmsList())
        .containsExactly(HarmCategory.HARM_CATEGORY_ROBBERY, HarmCategory.HARM_CATEGORY_THREATS);
    assertThat(f.getSeverity()).isEqualTo(Severity.SEVERITY_HIGH);
    assertThat(f.getAggressorDescription()).isEqualTo("tall, beard");
    assertThat(f.getNamesUsedList()).containsExactly("Mike");
    assertThat(f.getPhoneNumbersList()).containsExactly("+16045550123");
    assertThat(f.getVehicleDescription()).isEqualTo("blue van");
    assertThat(f.getVehiclePlate()).isEqualTo("ABC123");
    assertThat(f.getOnlineHandlesList()).containsExactly("@mike");
    assertThat(f.getModusOperandi()).isEqualTo("books outcalls, refuses to pay");
    assertThat(f.getLanguagesList()).containsExactly("en");
  }

  @Test
  void derive_neverCopiesNarrative() {
    for (boolean share : new boolean[] {false, true}) {
      AlertFields f = AlertDerivation.derive(full(share));
      assertThat(f.toByteString().toStringUtf8()).doesNotContain(NARRATIVE_CANARY);
      assertThat(f.toString()).doesNotContain(NARRATIVE_CANARY);
    }
  }

  @Test
  void derive_contactOnlyWithShareContact() {
    assertThat(AlertDerivation.derive(full(false)).getReporterContact()).isEmpty();
    assertThat(AlertDerivation.derive(full(false)).toByteString().toStringUtf8())
        .doesNotContain(CONTACT_CANARY);
    // The twin: the same report with consent does carry it.
    assertThat(AlertDerivation.derive(full(true)).getReporterContact()).isEqualTo(CONTACT_CANARY);
    // No consent message at all means no sharing.
    assertThat(
            AlertDerivation.derive(full(true).toBuilder().clearConsent().build())
                .getReporterContact())
        .isEmpty();
  }

  @Test
  void derive_fromValidatorOutput_endToEnd() {
    ReportValidator v = new ReportValidator(new PhoneNumbers("CA"), ReportValidatorTest.CLOCK);
    Report n =
        v.validateAndNormalize(
            full(false).toBuilder()
                .setPhoneNumbers(0, "(604) 555-0123")
                .setVehicle(Vehicle.newBuilder().setPlate("abc 123"))
                .build());
    AlertFields f = AlertDerivation.derive(n);
    assertThat(f.getPhoneNumbersList()).containsExactly("+16045550123");
    assertThat(f.getVehiclePlate()).isEqualTo("ABC123");
    assertThat(f.getVehicleDescription()).isEmpty();
  }
}
