package org.bdx.node.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bdx.proto.v1.AlertStatus.ALERT_STATUS_ACTIVE;
import static org.bdx.proto.v1.AlertStatus.ALERT_STATUS_RETRACTED;
import static org.bdx.proto.v1.AlertStatus.ALERT_STATUS_UPDATED;

import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import org.bdx.node.signing.Disclosures;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.Severity;
import org.junit.jupiter.api.Test;

class SharingPolicyTest {
  private static final List<Audience> AUDIENCES =
      List.of(Audience.AUDIENCE_PEER, Audience.AUDIENCE_SUPPORT, Audience.AUDIENCE_POLICE);
  private static final List<PartnerClass> CLASSES =
      List.of(
          PartnerClass.PARTNER_CLASS_PEER,
          PartnerClass.PARTNER_CLASS_SUPPORT,
          PartnerClass.PARTNER_CLASS_POLICE);

  /** An alert with every field set, including a consented contact. */
  static AlertFields.Builder fields() {
    return AlertFields.newBuilder()
        .setIncidentDate("2026-02-27")
        .setTimeOfDayValue(3)
        .setArea("Downtown Eastside")
        .setWorkSettingValue(1)
        .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
        .addHarms(HarmCategory.HARM_CATEGORY_STALKING)
        .setSeverity(Severity.SEVERITY_HIGH)
        .setAggressorDescription("tall, grey jacket")
        .addNamesUsed("Dave")
        .addPhoneNumbers("+16045550123")
        .setVehicleDescription("blue hatchback")
        .setVehiclePlate("ABC123")
        .addOnlineHandles("@dave")
        .setModusOperandi("asks for outcall then refuses to pay")
        .addLanguages("en")
        .setReporterContact("call the drop-in, ask for R.");
  }

  /** Grants everything to a receiver of {@code cls}. */
  static DirectionTerms.Builder all(PartnerClass cls) {
    return DirectionTerms.newBuilder()
        .setReceiverClass(cls)
        .setAllHarms(true)
        .setAllAreas(true)
        .addAllFieldPaths(Disclosures.claimPaths())
        .setRetentionDays(30);
  }

  static Optional<SortedSet<String>> disclose(
      AlertStatus status, Audience audience, AlertFields.Builder f, DirectionTerms.Builder t) {
    return SharingPolicy.disclose(status, audience, f.build(), t.build());
  }

  static Optional<SortedSet<String>> active(AlertFields.Builder f, DirectionTerms.Builder t) {
    return disclose(ALERT_STATUS_ACTIVE, Audience.AUDIENCE_PEER, f, t);
  }

  // --- audience vs class ------------------------------------------------------------------------

  @Test
  void pathsExceptContact_isEveryClaimPathButTheContact_inFieldOrder() {
    assertThat(SharingPolicy.pathsExceptContact())
        .doesNotContain(SharingPolicy.CONTACT_PATH)
        .containsExactlyElementsOf(
            org.bdx.node.signing.Disclosures.claimPaths().stream()
                .filter(p -> !p.equals("reporter_contact"))
                .toList())
        .hasSize(org.bdx.node.signing.Disclosures.claimPaths().size() - 1);
  }

  @Test
  void audienceReachesClassesUpToItself() {
    for (int a = 0; a < AUDIENCES.size(); a++) {
      for (int c = 0; c < CLASSES.size(); c++) {
        boolean expected = c <= a;
        assertThat(SharingPolicy.reaches(AUDIENCES.get(a), CLASSES.get(c)))
            .as("%s -> %s", AUDIENCES.get(a), CLASSES.get(c))
            .isEqualTo(expected);
        Optional<SortedSet<String>> out =
            disclose(ALERT_STATUS_ACTIVE, AUDIENCES.get(a), fields(), all(CLASSES.get(c)));
        if (expected) {
          assertThat(out).hasValueSatisfying(p -> assertThat(p).hasSize(15));
        } else {
          assertThat(out).isEmpty();
        }
      }
    }
  }

  @Test
  void police_onlyWithPoliceAudience() {
    DirectionTerms.Builder police = all(PartnerClass.PARTNER_CLASS_POLICE);
    assertThat(disclose(ALERT_STATUS_ACTIVE, Audience.AUDIENCE_PEER, fields(), police)).isEmpty();
    assertThat(disclose(ALERT_STATUS_ACTIVE, Audience.AUDIENCE_SUPPORT, fields(), police))
        .isEmpty();
    assertThat(disclose(ALERT_STATUS_ACTIVE, Audience.AUDIENCE_POLICE, fields(), police))
        .isPresent();
  }

  @Test
  void organizationOnly_reachesNoClass_notEvenARetraction() {
    for (PartnerClass c : CLASSES) {
      assertThat(SharingPolicy.reaches(Audience.AUDIENCE_ORGANIZATION_ONLY, c)).isFalse();
      for (AlertStatus s : List.of(ALERT_STATUS_ACTIVE, ALERT_STATUS_RETRACTED)) {
        assertThat(disclose(s, Audience.AUDIENCE_ORGANIZATION_ONLY, fields(), all(c))).isEmpty();
      }
    }
  }

  @Test
  void unknownAudienceOrReceiverClass_nothing() {
    for (PartnerClass c : CLASSES) {
      assertThat(SharingPolicy.reaches(Audience.AUDIENCE_UNSPECIFIED, c)).isFalse();
      assertThat(SharingPolicy.reaches(Audience.UNRECOGNIZED, c)).isFalse();
      assertThat(disclose(ALERT_STATUS_ACTIVE, Audience.AUDIENCE_UNSPECIFIED, fields(), all(c)))
          .isEmpty();
    }
    for (Audience a : AUDIENCES) {
      assertThat(SharingPolicy.reaches(a, PartnerClass.PARTNER_CLASS_UNSPECIFIED)).isFalse();
      assertThat(SharingPolicy.reaches(a, PartnerClass.UNRECOGNIZED)).isFalse();
      for (AlertStatus s : List.of(ALERT_STATUS_ACTIVE, ALERT_STATUS_RETRACTED)) {
        assertThat(disclose(s, a, fields(), all(PartnerClass.PARTNER_CLASS_UNSPECIFIED))).isEmpty();
        assertThat(
                disclose(
                    s, a, fields(), all(PartnerClass.PARTNER_CLASS_PEER).setReceiverClassValue(9)))
            .isEmpty();
      }
    }
  }

  // --- harms, areas, severity -------------------------------------------------------------------

  @Test
  void harms_everyHarmOfTheAlertMustBeGranted() {
    DirectionTerms.Builder robberyOnly =
        all(PartnerClass.PARTNER_CLASS_PEER)
            .setAllHarms(false)
            .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY);
    assertThat(active(fields(), robberyOnly)).isEmpty();
    assertThat(
            active(fields().clearHarms().addHarms(HarmCategory.HARM_CATEGORY_ROBBERY), robberyOnly))
        .isPresent();
    DirectionTerms.Builder superset =
        robberyOnly
            .clone()
            .addHarms(HarmCategory.HARM_CATEGORY_STALKING)
            .addHarms(HarmCategory.HARM_CATEGORY_THREATS);
    assertThat(active(fields(), superset)).isPresent();
    // An alert with no harms flows only under all_harms.
    assertThat(active(fields().clearHarms(), superset)).isEmpty();
    assertThat(active(fields().clearHarms(), all(PartnerClass.PARTNER_CLASS_PEER))).isPresent();
    // No harms granted and not all: nothing.
    assertThat(active(fields(), all(PartnerClass.PARTNER_CLASS_PEER).setAllHarms(false))).isEmpty();
  }

  @Test
  void area_wholeArea_caseInsensitive() {
    DirectionTerms.Builder dtes =
        all(PartnerClass.PARTNER_CLASS_PEER)
            .setAllAreas(false)
            .addAreas("Surrey")
            .addAreas("  downtown EASTSIDE ");
    assertThat(active(fields(), dtes)).isPresent();
    assertThat(active(fields().setArea("DOWNTOWN EASTSIDE"), dtes)).isPresent();
    assertThat(active(fields().setArea("Downtown"), dtes)).isEmpty();
    assertThat(active(fields().setArea("Downtown Eastside North"), dtes)).isEmpty();
    assertThat(active(fields().clearArea(), dtes)).isEmpty();
    assertThat(active(fields(), all(PartnerClass.PARTNER_CLASS_PEER).setAllAreas(false))).isEmpty();
    assertThat(active(fields().setArea("Anywhere"), all(PartnerClass.PARTNER_CLASS_PEER)))
        .isPresent();
  }

  @Test
  void severity_minimum() {
    DirectionTerms.Builder moderate =
        all(PartnerClass.PARTNER_CLASS_PEER).setMinSeverity(Severity.SEVERITY_MODERATE);
    assertThat(active(fields().setSeverity(Severity.SEVERITY_LOW), moderate)).isEmpty();
    assertThat(active(fields().setSeverity(Severity.SEVERITY_MODERATE), moderate)).isPresent();
    assertThat(active(fields().setSeverity(Severity.SEVERITY_CRITICAL), moderate)).isPresent();
    // An alert without a severity does not meet a minimum.
    assertThat(active(fields().clearSeverity(), moderate)).isEmpty();
    assertThat(active(fields().clearSeverity(), all(PartnerClass.PARTNER_CLASS_PEER))).isPresent();
    // An unknown minimum fails closed.
    assertThat(active(fields(), all(PartnerClass.PARTNER_CLASS_PEER).setMinSeverityValue(9)))
        .isEmpty();
  }

  // --- fields -----------------------------------------------------------------------------------

  @Test
  void onlyGrantedAndPresentPaths() {
    DirectionTerms.Builder some =
        all(PartnerClass.PARTNER_CLASS_PEER)
            .clearFieldPaths()
            .addFieldPaths("area")
            .addFieldPaths("phone_numbers")
            .addFieldPaths("vehicle_plate");
    AlertFields.Builder f =
        AlertFields.newBuilder()
            .setArea("Downtown Eastside")
            .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
            .addPhoneNumbers("+16045550123");
    assertThat(active(f, some))
        .hasValueSatisfying(p -> assertThat(p).containsExactly("area", "phone_numbers"));
    // The alert flows with no fields when none granted is present.
    assertThat(active(f, all(PartnerClass.PARTNER_CLASS_PEER).clearFieldPaths()))
        .hasValueSatisfying(p -> assertThat(p).isEmpty());
    // Paths come out in sorted order and never include unknown names.
    assertThat(active(fields(), all(PartnerClass.PARTNER_CLASS_PEER).addFieldPaths("narrative")))
        .hasValueSatisfying(
            p -> assertThat(List.copyOf(p)).isSorted().doesNotContain("narrative").hasSize(15));
  }

  @Test
  void contact_onlyWhenConsentedAndGranted() {
    DirectionTerms.Builder withContact = all(PartnerClass.PARTNER_CLASS_PEER);
    DirectionTerms.Builder withoutContact = all(PartnerClass.PARTNER_CLASS_PEER).clearFieldPaths();
    for (String path : Disclosures.claimPaths()) {
      if (!path.equals(SharingPolicy.CONTACT_PATH)) {
        withoutContact.addFieldPaths(path);
      }
    }
    assertThat(active(fields(), withContact))
        .hasValueSatisfying(p -> assertThat(p).contains(SharingPolicy.CONTACT_PATH));
    assertThat(active(fields(), withoutContact))
        .hasValueSatisfying(
            p -> assertThat(p).doesNotContain(SharingPolicy.CONTACT_PATH).hasSize(14));
    // Not consented (absent from the fields): not disclosed even when granted.
    assertThat(active(fields().clearReporterContact(), withContact))
        .hasValueSatisfying(
            p -> assertThat(p).doesNotContain(SharingPolicy.CONTACT_PATH).hasSize(14));
  }

  // --- status -----------------------------------------------------------------------------------

  @Test
  void updated_flowsLikeActive_unspecifiedNever() {
    DirectionTerms.Builder t = all(PartnerClass.PARTNER_CLASS_PEER);
    assertThat(disclose(ALERT_STATUS_UPDATED, Audience.AUDIENCE_PEER, fields(), t))
        .isEqualTo(active(fields(), t));
    assertThat(disclose(AlertStatus.ALERT_STATUS_UNSPECIFIED, Audience.AUDIENCE_PEER, fields(), t))
        .isEmpty();
    assertThat(disclose(AlertStatus.UNRECOGNIZED, Audience.AUDIENCE_PEER, fields(), t)).isEmpty();
  }

  @Test
  void retraction_flowsWithNoFields_onlyToReachedClasses() {
    // Harms, area and severity do not matter: a receiver that once got the alert learns it was
    // withdrawn.
    DirectionTerms.Builder narrow =
        all(PartnerClass.PARTNER_CLASS_SUPPORT)
            .setAllHarms(false)
            .setAllAreas(false)
            .setMinSeverity(Severity.SEVERITY_CRITICAL);
    assertThat(disclose(ALERT_STATUS_RETRACTED, Audience.AUDIENCE_SUPPORT, fields(), narrow))
        .hasValueSatisfying(p -> assertThat(p).isEmpty());
    assertThat(disclose(ALERT_STATUS_RETRACTED, Audience.AUDIENCE_POLICE, fields(), narrow))
        .hasValueSatisfying(p -> assertThat(p).isEmpty());
    assertThat(disclose(ALERT_STATUS_RETRACTED, Audience.AUDIENCE_PEER, fields(), narrow))
        .isEmpty();
    assertThat(
            disclose(
                ALERT_STATUS_RETRACTED,
                Audience.AUDIENCE_SUPPORT,
                fields(),
                all(PartnerClass.PARTNER_CLASS_POLICE)))
        .isEmpty();
  }
}
