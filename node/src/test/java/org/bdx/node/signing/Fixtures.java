package org.bdx.node.signing;

import java.util.HexFormat;
import org.bdx.node.identity.NodeKeys;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.TimeOfDay;
import org.bdx.proto.v1.WorkSetting;

/** Fixed, fictional test data (555 numbers, invented names). */
final class Fixtures {
  private Fixtures() {}

  static final HexFormat HEX = HexFormat.of();

  /** Origin seed of the vectors: bytes 0x00..0x1f. */
  static final byte[] ORIGIN_SEED =
      HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

  /** Another node's seed: bytes 0x20..0x3f. */
  static final byte[] OTHER_SEED =
      HEX.parseHex("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");

  static final long ISSUED_AT = 1_790_000_000L;
  static final long EXPIRES_AT = ISSUED_AT + 90L * 24 * 3600;

  static NodeKeys origin() {
    return NodeKeys.fromSeed(ORIGIN_SEED);
  }

  static NodeKeys other() {
    return NodeKeys.fromSeed(OTHER_SEED);
  }

  /** Twelve fields set. */
  static AlertFields twelveFields() {
    return AlertFields.newBuilder()
        .setIncidentDate("2026-10-03")
        .setTimeOfDay(TimeOfDay.TIME_OF_DAY_NIGHT)
        .setArea("Downtown Eastside")
        .setWorkSetting(WorkSetting.WORK_SETTING_OUTCALL)
        .addHarms(HarmCategory.HARM_CATEGORY_PHYSICAL_ASSAULT)
        .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
        .setSeverity(Severity.SEVERITY_HIGH)
        .setAggressorDescription("Tall man, 40s, grey beard, snake tattoo on left forearm")
        .addNamesUsed("Mike")
        .addNamesUsed("Michael T.")
        .addPhoneNumbers("+16045550123")
        .setVehicleDescription("Silver hatchback, dented rear door")
        .setVehiclePlate("ABC123")
        .setModusOperandi("Books outcall through ads, refuses to pay afterwards")
        .build();
  }

  /** Two fields set. */
  static AlertFields twoFields() {
    return AlertFields.newBuilder()
        .setArea("Downtown Eastside")
        .addPhoneNumbers("+16045550199")
        .build();
  }

  /** Every field set (15). */
  static AlertFields allFields() {
    return twelveFields().toBuilder()
        .addOnlineHandles("@mike_t_55")
        .addLanguages("en")
        .addLanguages("fr")
        .setReporterContact("Signal via outreach office")
        .build();
  }

  static AlertDraft draft(String alertId, AlertFields fields) {
    return new AlertDraft(
        alertId,
        1,
        AlertStatus.ALERT_STATUS_ACTIVE,
        ISSUED_AT,
        EXPIRES_AT,
        Audience.AUDIENCE_SUPPORT,
        1,
        fields);
  }

  static AlertDraft retraction(String alertId, long version) {
    return new AlertDraft(
        alertId,
        version,
        AlertStatus.ALERT_STATUS_RETRACTED,
        ISSUED_AT + 3600,
        EXPIRES_AT,
        Audience.AUDIENCE_SUPPORT,
        1,
        AlertFields.getDefaultInstance());
  }
}
