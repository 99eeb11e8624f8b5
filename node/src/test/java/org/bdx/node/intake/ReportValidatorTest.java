package org.bdx.node.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.UnknownFieldSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.bdx.node.error.BdxException;
import org.bdx.node.error.FieldViolation;
import org.bdx.node.search.PhoneNumbers;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.Vehicle;
import org.junit.jupiter.api.Test;

class ReportValidatorTest {

  static final String CANARY = "CANARY-7f3a9";
  // 2026-11-21 02:00 in Vancouver (10:00 UTC).
  static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneId.of("America/Vancouver"));

  private final ReportValidator validator = new ReportValidator(new PhoneNumbers("CA"), CLOCK);

  static Report.Builder minimal() {
    return Report.newBuilder()
        .setIncidentDate("2026-11-01")
        .setArea("Downtown Eastside")
        .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY);
  }

  private BdxException invalid(Report r) {
    BdxException e =
        catchThrowableOfType(BdxException.class, () -> validator.validateAndNormalize(r));
    assertThat(e).as("expected BdxException").isNotNull();
    return e;
  }

  private List<String> fields(Report r) {
    return invalid(r).violations().stream().map(FieldViolation::field).toList();
  }

  @Test
  void validate_minimal_ok_andAudienceDefaultsToPeer() {
    Report n = validator.validateAndNormalize(minimal().build());
    assertThat(n.getIncidentDate()).isEqualTo("2026-11-01");
    assertThat(n.getConsent().getAudience()).isEqualTo(Audience.AUDIENCE_PEER);
    assertThat(n.getConsent().getShareContact()).isFalse();
    assertThat(n.hasVehicle()).isFalse();
  }

  @Test
  void validate_full_normalizes() {
    Report raw =
        minimal()
            .setArea("  Downtown Eastside \n")
            .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
            .addHarms(HarmCategory.HARM_CATEGORY_THREATS)
            .setSeverity(Severity.SEVERITY_HIGH)
            .setAggressorDescription(" tall, beard ")
            .addNamesUsed(" Mike ")
            .addPhoneNumbers("(604) 555-0123")
            .addPhoneNumbers("+1 604 555 0123")
            .addPhoneNumbers("020 7946 0958".replace("020", "+44 20"))
            .setVehicle(Vehicle.newBuilder().setDescription(" blue van ").setPlate("abc-123"))
            .addOnlineHandles("@mike on site")
            .addLanguages("EN-us")
            .addLanguages("zh-hant")
            .addLanguages("en-US")
            .setNarrative("line one\n\tline two")
            .setConsent(
                Consent.newBuilder().setAudience(Audience.AUDIENCE_SUPPORT).setShareContact(true))
            .build();
    Report n = validator.validateAndNormalize(raw);
    assertThat(n.getArea()).isEqualTo("Downtown Eastside");
    assertThat(n.getHarmsList())
        .containsExactly(HarmCategory.HARM_CATEGORY_ROBBERY, HarmCategory.HARM_CATEGORY_THREATS);
    assertThat(n.getAggressorDescription()).isEqualTo("tall, beard");
    assertThat(n.getNamesUsedList()).containsExactly("Mike");
    assertThat(n.getPhoneNumbersList()).containsExactly("+16045550123", "+442079460958");
    assertThat(n.getVehicle().getPlate()).isEqualTo("ABC123");
    assertThat(n.getVehicle().getDescription()).isEqualTo("blue van");
    assertThat(n.getLanguagesList()).containsExactly("en-US", "zh-Hant");
    assertThat(n.getNarrative()).isEqualTo("line one\n\tline two");
    assertThat(n.getConsent().getAudience()).isEqualTo(Audience.AUDIENCE_SUPPORT);
  }

  @Test
  void validate_futureDate_namesField() {
    assertThat(fields(minimal().setIncidentDate("2026-11-22").build()))
        .containsExactly("incident_date");
    assertThat(invalid(minimal().setIncidentDate("2026-11-22").build()).getMessage())
        .isEqualTo("incident_date: is in the future");
  }

  @Test
  void validate_todayInClockZone_accepted() {
    // Already 2026-11-21 in UTC, but "today" is 2026-11-21 in Vancouver as well; the 22nd is not.
    assertThat(
            validator
                .validateAndNormalize(minimal().setIncidentDate("2026-11-21").build())
                .getIncidentDate())
        .isEqualTo("2026-11-21");
    Clock lateUtc =
        Clock.fixed(Instant.parse("2026-11-22T03:00:00Z"), ZoneId.of("America/Vancouver"));
    ReportValidator v = new ReportValidator(new PhoneNumbers("CA"), lateUtc);
    assertThatThrownBy(
            () -> v.validateAndNormalize(minimal().setIncidentDate("2026-11-22").build()))
        .isInstanceOfSatisfying(BdxException.class, e -> assertThat(e.violations()).isNotEmpty());
  }

  @Test
  void validate_badDates_named() {
    for (String d :
        new String[] {
          "",
          "2026-1-01",
          "2026/11/01",
          "01-11-2026",
          "2026-02-30",
          "2026-13-01",
          "1989-12-31",
          "+2026-11-01",
          "2026-11-01T00:00",
          "２０２６-11-01"
        }) {
      assertThat(fields(minimal().setIncidentDate(d).build()))
          .as(d)
          .containsExactly("incident_date");
    }
    assertThat(validator.validateAndNormalize(minimal().setIncidentDate("1990-01-01").build()))
        .isNotNull();
  }

  @Test
  void validate_area_requiredAndBounded() {
    assertThat(fields(minimal().setArea("   ").build())).containsExactly("area");
    assertThat(fields(minimal().setArea("x".repeat(101)).build())).containsExactly("area");
    assertThat(validator.validateAndNormalize(minimal().setArea("x".repeat(100)).build()).getArea())
        .hasSize(100);
  }

  @Test
  void validate_harms_rules() {
    assertThat(invalid(minimal().clearHarms().build()).getMessage())
        .isEqualTo("harms: at least one is required");
    assertThat(fields(minimal().clearHarms().addHarmsValue(0).build())).containsExactly("harms[0]");
    assertThat(fields(minimal().addHarmsValue(99).build())).containsExactly("harms[1]");
    Report.Builder many = minimal().clearHarms();
    for (int i = 0; i < 15; i++) {
      many.addHarmsValue(1 + (i % 14));
    }
    assertThat(fields(many.build())).containsExactly("harms");
  }

  @Test
  void validate_unknownEnums_named() {
    Report r =
        minimal()
            .setTimeOfDayValue(9)
            .setWorkSettingValue(42)
            .setSeverityValue(-1)
            .setConsent(Consent.newBuilder().setAudienceValue(7))
            .build();
    assertThat(fields(r))
        .containsExactlyInAnyOrder("time_of_day", "work_setting", "severity", "consent.audience");
  }

  @Test
  void validate_lengthLimits_named() {
    Report r =
        minimal()
            .setAggressorDescription("d".repeat(2001))
            .setModusOperandi("m".repeat(1001))
            .setNarrative("n".repeat(20001))
            .setReporterContact("c".repeat(501))
            .setVehicle(
                Vehicle.newBuilder().setDescription("v".repeat(501)).setPlate("P".repeat(17)))
            .addNamesUsed("x".repeat(101))
            .addNamesUsed("")
            .addOnlineHandles("h".repeat(201))
            .build();
    assertThat(fields(r))
        .containsExactlyInAnyOrder(
            "aggressor_description",
            "modus_operandi",
            "narrative",
            "reporter_contact",
            "vehicle.description",
            "vehicle.plate",
            "names_used[0]",
            "names_used[1]",
            "online_handles[0]");
  }

  @Test
  void validate_limitsAtBoundary_ok() {
    Report.Builder b =
        minimal()
            .setAggressorDescription("d".repeat(2000))
            .setModusOperandi("m".repeat(1000))
            .setNarrative("n".repeat(20000))
            .setReporterContact("c".repeat(500))
            .setVehicle(
                Vehicle.newBuilder().setDescription("v".repeat(500)).setPlate("P".repeat(16)));
    for (int i = 0; i < 20; i++) {
      b.addNamesUsed("n" + i).addOnlineHandles("h".repeat(200));
    }
    for (int i = 0; i < 10; i++) {
      b.addPhoneNumbers("604-555-01" + (10 + i));
      b.addLanguages(new String[] {"en", "fr", "es", "de", "it", "pt", "zh", "ja", "ko", "ru"}[i]);
    }
    Report n = validator.validateAndNormalize(b.build());
    assertThat(n.getPhoneNumbersCount()).isEqualTo(10);
    assertThat(n.getNamesUsedCount()).isEqualTo(20);
  }

  @Test
  void validate_listCounts_named() {
    Report.Builder b = minimal();
    for (int i = 0; i < 21; i++) {
      b.addNamesUsed("n").addOnlineHandles("h");
    }
    for (int i = 0; i < 11; i++) {
      b.addPhoneNumbers("604-555-01" + (10 + i)).addLanguages("en");
    }
    assertThat(fields(b.build()))
        .containsExactlyInAnyOrder("names_used", "online_handles", "phone_numbers", "languages");
  }

  @Test
  void validate_phone_badOneNamedByIndex_withoutValue() {
    Report r = minimal().addPhoneNumbers("604-555-0123").addPhoneNumbers(CANARY).build();
    BdxException e = invalid(r);
    assertThat(e.violations())
        .containsExactly(new FieldViolation("phone_numbers[1]", "has fewer than 4 digits"));
    assertThat(e.getMessage()).doesNotContain(CANARY);
  }

  @Test
  void validate_phone_partialOrUnparsed_keptAsTypedAndMarked() {
    Report n =
        validator.validateAndNormalize(
            minimal()
                .addPhoneNumbers("(604) 555-0123")
                .addPhoneNumbers("  0123 ")
                .addPhoneNumbers("555-0199 ext 4")
                .addPhoneNumbers("~ 98765")
                .build());
    assertThat(n.getPhoneNumbersList())
        .containsExactly("+16045550123", "~0123", "~555-0199 ext 4", "~98765");
  }

  @Test
  void validate_plate_withoutLettersOrDigits_named() {
    assertThat(fields(minimal().setVehicle(Vehicle.newBuilder().setPlate(" - ")).build()))
        .containsExactly("vehicle.plate");
  }

  @Test
  void validate_languages_wellFormed() {
    assertThat(
            fields(
                minimal()
                    .addLanguages("en")
                    .addLanguages("not a tag")
                    .addLanguages("")
                    .addLanguages("en_US")
                    .addLanguages("abcdefghi")
                    .build()))
        .containsExactly("languages[1]", "languages[2]", "languages[3]", "languages[4]");
  }

  @Test
  void validate_controlCharacters_rejected_butNewlineAndTabAllowed() {
    Report r =
        minimal()
            .setAggressorDescription("bad\u0000x")
            .setArea("Down\u001btown")
            .addNamesUsed("a\u0007b")
            .setNarrative("ok\n\tok")
            .build();
    assertThat(fields(r))
        .containsExactlyInAnyOrder("aggressor_description", "area", "names_used[0]");
  }

  @Test
  void validate_unpairedSurrogate_rejected() {
    assertThat(fields(minimal().setModusOperandi("a\ud800b").build()))
        .containsExactly("modus_operandi");
    assertThat(
            validator.validateAndNormalize(
                minimal().setModusOperandi("emoji \ud83d\ude00").build()))
        .isNotNull();
  }

  @Test
  void validate_unknownFields_rejected() {
    UnknownFieldSet unknown =
        UnknownFieldSet.newBuilder()
            .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
            .build();
    assertThat(fields(minimal().setUnknownFields(unknown).build())).containsExactly("report");
    assertThat(invalid(minimal().setUnknownFields(unknown).build()).getMessage())
        .isEqualTo("report: unknown fields");
    assertThat(fields(minimal().setConsent(Consent.newBuilder().setUnknownFields(unknown)).build()))
        .containsExactly("consent");
    assertThat(
            fields(
                minimal()
                    .setVehicle(Vehicle.newBuilder().setPlate("A1").setUnknownFields(unknown))
                    .build()))
        .containsExactly("vehicle");
  }

  @Test
  void validate_oversizedReport_rejected() {
    Report.Builder b = minimal();
    // 64 KiB total: narrative at its limit in 3-byte characters is 60000 bytes, plus description.
    b.setNarrative("\u20ac".repeat(20000)).setAggressorDescription("\u20ac".repeat(2000));
    assertThat(b.build().getSerializedSize()).isGreaterThan(64 * 1024);
    assertThat(fields(b.build())).containsExactly("report");
  }

  @Test
  void validate_allBadFieldsNamedAtOnce_andNoValueEchoed() {
    Report r =
        Report.newBuilder()
            .setIncidentDate(CANARY)
            .setArea(CANARY.repeat(20))
            .setAggressorDescription(CANARY + "\u0000")
            .addNamesUsed(CANARY.repeat(10))
            .addPhoneNumbers(CANARY)
            .setVehicle(
                Vehicle.newBuilder().setPlate(CANARY.repeat(3)).setDescription(CANARY.repeat(50)))
            .addOnlineHandles(CANARY.repeat(20))
            .setModusOperandi(CANARY.repeat(100))
            .addLanguages(CANARY + " x")
            .setNarrative(CANARY.repeat(2000))
            .setReporterContact(CANARY.repeat(50))
            .setSeverityValue(77)
            .build();
    BdxException e = invalid(r);
    assertThat(e.violations())
        .extracting(FieldViolation::field)
        .containsExactlyInAnyOrder(
            "incident_date",
            "area",
            "harms",
            "severity",
            "aggressor_description",
            "names_used[0]",
            "phone_numbers[0]",
            "vehicle.description",
            "vehicle.plate",
            "online_handles[0]",
            "modus_operandi",
            "languages[0]",
            "narrative",
            "reporter_contact");
    assertThat(e.getMessage()).doesNotContain(CANARY).doesNotContain(CANARY.toLowerCase());
    assertThat(e.violations()).allSatisfy(v -> assertThat(v.problem()).doesNotContain(CANARY));
    assertThat(e.getMessage()).contains("harms: at least one is required").contains("; ");
  }
}
