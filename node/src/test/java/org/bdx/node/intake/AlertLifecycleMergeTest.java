package org.bdx.node.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.bdx.node.error.BdxException;
import org.bdx.node.error.FieldViolation;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.Vehicle;
import org.junit.jupiter.api.Test;

/** How UpdateAlert's changes and clear paths apply to a stored report (spec VER-2). */
class AlertLifecycleMergeTest {
  static final Report BASE =
      Report.newBuilder()
          .setIncidentDate("2026-11-20")
          .setArea("Downtown East")
          .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
          .setSeverity(Severity.SEVERITY_HIGH)
          .addNamesUsed("Sam")
          .addNamesUsed("Samuel")
          .setVehicle(Vehicle.newBuilder().setDescription("red van").setPlate("ABC123"))
          .setAggressorDescription("tall")
          .setNarrative("what happened")
          .setConsent(Consent.newBuilder().setAudience(Audience.AUDIENCE_PEER))
          .build();

  @Test
  void setFieldsReplace_repeatedFieldsReplaceTheWholeList_othersAreKept() {
    Report changes =
        Report.newBuilder()
            .setAggressorDescription("tall, identified")
            .addNamesUsed("John Doe")
            .addHarms(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT)
            .build();
    Report merged = AlertLifecycle.merge(BASE, changes, List.of());
    assertThat(merged.getAggressorDescription()).isEqualTo("tall, identified");
    assertThat(merged.getNamesUsedList()).containsExactly("John Doe");
    assertThat(merged.getHarmsList()).containsExactly(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT);
    assertThat(merged.getArea()).isEqualTo("Downtown East");
    assertThat(merged.getSeverity()).isEqualTo(Severity.SEVERITY_HIGH);
    assertThat(merged.getNarrative()).isEqualTo("what happened");
    assertThat(merged.getConsent()).isEqualTo(BASE.getConsent());
  }

  @Test
  void vehicle_replacesOnlyTheSubfieldsSet_andClearTakesNestedPaths() {
    Report merged =
        AlertLifecycle.merge(
            BASE,
            Report.newBuilder().setVehicle(Vehicle.newBuilder().setPlate("XYZ789")).build(),
            List.of());
    assertThat(merged.getVehicle().getPlate()).isEqualTo("XYZ789");
    assertThat(merged.getVehicle().getDescription()).isEqualTo("red van");

    Report cleared =
        AlertLifecycle.merge(
            BASE,
            Report.getDefaultInstance(),
            List.of("vehicle.plate", " Names_Used ", "severity"));
    assertThat(cleared.getVehicle().getPlate()).isEmpty();
    assertThat(cleared.getVehicle().getDescription()).isEqualTo("red van");
    assertThat(cleared.getNamesUsedList()).isEmpty();
    assertThat(cleared.getSeverity()).isEqualTo(Severity.SEVERITY_UNSPECIFIED);

    assertThat(
            AlertLifecycle.merge(BASE, Report.getDefaultInstance(), List.of("vehicle"))
                .hasVehicle())
        .isFalse();
  }

  @Test
  void badRequests_nameEveryProblemAtOnce() {
    Report changes =
        Report.newBuilder()
            .setArea("Strathcona")
            .setVehicle(Vehicle.newBuilder().setPlate("XYZ789"))
            .setConsent(Consent.newBuilder().setAudience(Audience.AUDIENCE_POLICE))
            .build();
    assertThatThrownBy(
            () ->
                AlertLifecycle.merge(
                    BASE,
                    changes,
                    List.of("area", "vehicle", "no_such_field", "vehicle.colour", "consent")))
        .isInstanceOfSatisfying(
            BdxException.class,
            e ->
                assertThat(e.violations())
                    .extracting(FieldViolation::field)
                    .containsExactly(
                        "consent", "clear[0]", "clear[1]", "clear[2]", "clear[3]", "clear[4]"));
  }

  @Test
  void tooManyClearPaths_areRefused() {
    List<String> many = java.util.Collections.nCopies(AlertLifecycle.MAX_CLEAR + 1, "area");
    assertThatThrownBy(() -> AlertLifecycle.merge(BASE, Report.getDefaultInstance(), many))
        .isInstanceOfSatisfying(BdxException.class, e -> assertThat(e.violations()).isNotEmpty())
        .hasMessageContaining("clear");
    // Twin: the maximum is accepted.
    assertThat(
            AlertLifecycle.merge(
                    BASE,
                    Report.getDefaultInstance(),
                    java.util.Collections.nCopies(AlertLifecycle.MAX_CLEAR, "area"))
                .getArea())
        .isEmpty();
  }
}
