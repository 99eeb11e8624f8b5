package org.bdx.node.intake;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntPredicate;
import org.bdx.node.error.BdxException;
import org.bdx.node.error.FieldViolation;
import org.bdx.node.search.PhoneNumbers;
import org.bdx.node.search.Plates;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.Consent;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Report;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.TimeOfDay;
import org.bdx.proto.v1.Vehicle;
import org.bdx.proto.v1.WorkSetting;

/**
 * Validates a report at the boundary and returns its normalized form.
 *
 * <p>Every bad field is named at once (collect, not first-fail). Violations never contain the
 * submitted values. Lengths are counted in Unicode code points after stripping surrounding
 * whitespace. Control characters other than '\n' and '\t', and unpaired surrogates, are rejected in
 * every string.
 *
 * <p>Normalization: strings stripped; phone numbers to E.164 (duplicates removed); plate canonical;
 * languages to canonical BCP 47 case (duplicates removed); harms de-duplicated in first-seen order;
 * consent.audience UNSPECIFIED becomes PEER; an empty vehicle is dropped. Unknown fields are
 * rejected, since this node cannot protect data it does not understand.
 */
public final class ReportValidator {

  public static final int MAX_SERIALIZED_BYTES = 64 * 1024;
  public static final int MAX_AREA = 100;
  public static final int MAX_HARMS = 14;
  public static final int MAX_DESCRIPTION = 2000;
  public static final int MAX_NAMES = 20;
  public static final int MAX_NAME = 100;
  public static final int MAX_PHONES = 10;
  public static final int MAX_VEHICLE_DESCRIPTION = 500;
  public static final int MAX_HANDLES = 20;
  public static final int MAX_HANDLE = 200;
  public static final int MAX_MODUS_OPERANDI = 1000;
  public static final int MAX_LANGUAGES = 10;
  public static final int MAX_LANGUAGE_TAG = 35;
  public static final int MAX_NARRATIVE = 20000;
  public static final int MAX_REPORTER_CONTACT = 500;
  public static final LocalDate EARLIEST_INCIDENT = LocalDate.of(1990, 1, 1);

  private static final DateTimeFormatter STRICT_DATE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT);

  private final PhoneNumbers phones;
  private final Clock clock;

  public ReportValidator(PhoneNumbers phones, Clock clock) {
    this.phones = Objects.requireNonNull(phones, "phones");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * @return the normalized copy of {@code raw}
   * @throws BdxException naming every bad field
   */
  public Report validateAndNormalize(Report raw) {
    Objects.requireNonNull(raw, "raw");
    Check c = new Check();
    Report.Builder out = Report.newBuilder();

    if (raw.getSerializedSize() > MAX_SERIALIZED_BYTES) {
      c.bad("report", "is larger than " + MAX_SERIALIZED_BYTES + " bytes");
    }
    if (!raw.getUnknownFields().asMap().isEmpty()) {
      c.bad("report", "unknown fields");
    }

    // incident_date
    String date = c.text("incident_date", raw.getIncidentDate(), 32);
    if (date != null) {
      if (date.isEmpty()) {
        c.bad("incident_date", "is required");
      } else {
        parseDate(date, c).ifPresent(d -> out.setIncidentDate(d.toString()));
      }
    }

    out.setTimeOfDayValue(
        c.knownEnum("time_of_day", raw.getTimeOfDayValue(), n -> TimeOfDay.forNumber(n) != null));

    // area
    String area = c.text("area", raw.getArea(), MAX_AREA);
    if (area != null) {
      if (area.isEmpty()) {
        c.bad("area", "is required");
      } else {
        out.setArea(area);
      }
    }

    out.setWorkSettingValue(
        c.knownEnum(
            "work_setting", raw.getWorkSettingValue(), n -> WorkSetting.forNumber(n) != null));

    // harms
    List<Integer> harms = raw.getHarmsValueList();
    if (harms.isEmpty()) {
      c.bad("harms", "at least one is required");
    } else if (harms.size() > MAX_HARMS) {
      c.bad("harms", "at most " + MAX_HARMS + " are allowed");
    } else {
      Set<Integer> seen = new LinkedHashSet<>();
      for (int i = 0; i < harms.size(); i++) {
        int n = harms.get(i);
        HarmCategory h = HarmCategory.forNumber(n);
        if (h == null) {
          c.bad("harms[" + i + "]", "unknown value");
        } else if (h == HarmCategory.HARM_CATEGORY_UNSPECIFIED) {
          c.bad("harms[" + i + "]", "must not be unspecified");
        } else {
          seen.add(n);
        }
      }
      seen.forEach(out::addHarmsValue);
    }

    out.setSeverityValue(
        c.knownEnum("severity", raw.getSeverityValue(), n -> Severity.forNumber(n) != null));

    String description =
        c.text("aggressor_description", raw.getAggressorDescription(), MAX_DESCRIPTION);
    if (description != null) {
      out.setAggressorDescription(description);
    }

    // names_used
    List<String> names = raw.getNamesUsedList();
    if (names.size() > MAX_NAMES) {
      c.bad("names_used", "at most " + MAX_NAMES + " are allowed");
    } else {
      for (int i = 0; i < names.size(); i++) {
        String name = c.text("names_used[" + i + "]", names.get(i), MAX_NAME);
        if (name != null) {
          if (name.isEmpty()) {
            c.bad("names_used[" + i + "]", "is empty");
          } else {
            out.addNamesUsed(name);
          }
        }
      }
    }

    // phone_numbers
    List<String> numbers = raw.getPhoneNumbersList();
    if (numbers.size() > MAX_PHONES) {
      c.bad("phone_numbers", "at most " + MAX_PHONES + " are allowed");
    } else {
      Set<String> e164s = new LinkedHashSet<>();
      for (int i = 0; i < numbers.size(); i++) {
        String field = "phone_numbers[" + i + "]";
        String number = c.text(field, numbers.get(i), PhoneNumbers.MAX_RAW_LENGTH);
        if (number != null) {
          // A number that is not a possible one is kept as typed and marked so (spec API-6): a
          // worker often has only the last digits, and a wrong digit must not lose the report.
          Optional<String> kept = phones.toE164(number).or(() -> PhoneNumbers.asTyped(number));
          if (kept.isPresent()) {
            e164s.add(kept.get());
          } else {
            c.bad(field, "has fewer than " + PhoneNumbers.MIN_DIGITS + " digits");
          }
        }
      }
      out.addAllPhoneNumbers(e164s);
    }

    // vehicle
    if (raw.hasVehicle()) {
      Vehicle v = raw.getVehicle();
      if (!v.getUnknownFields().asMap().isEmpty()) {
        c.bad("vehicle", "unknown fields");
      }
      Vehicle.Builder vb = Vehicle.newBuilder();
      String vd = c.text("vehicle.description", v.getDescription(), MAX_VEHICLE_DESCRIPTION);
      if (vd != null) {
        vb.setDescription(vd);
      }
      String plateRaw = c.text("vehicle.plate", v.getPlate(), Plates.MAX_RAW_LENGTH);
      if (plateRaw != null && !plateRaw.isEmpty()) {
        try {
          String plate = Plates.canonical(plateRaw);
          if (plate.isEmpty()) {
            c.bad("vehicle.plate", "has no letters or digits");
          } else {
            vb.setPlate(plate);
          }
        } catch (IllegalArgumentException e) {
          c.bad("vehicle.plate", "is longer than " + Plates.MAX_LENGTH + " letters and digits");
        }
      }
      if (!vb.getDescription().isEmpty() || !vb.getPlate().isEmpty()) {
        out.setVehicle(vb);
      }
    }

    // online_handles
    List<String> handles = raw.getOnlineHandlesList();
    if (handles.size() > MAX_HANDLES) {
      c.bad("online_handles", "at most " + MAX_HANDLES + " are allowed");
    } else {
      for (int i = 0; i < handles.size(); i++) {
        String handle = c.text("online_handles[" + i + "]", handles.get(i), MAX_HANDLE);
        if (handle != null) {
          if (handle.isEmpty()) {
            c.bad("online_handles[" + i + "]", "is empty");
          } else {
            out.addOnlineHandles(handle);
          }
        }
      }
    }

    String mo = c.text("modus_operandi", raw.getModusOperandi(), MAX_MODUS_OPERANDI);
    if (mo != null) {
      out.setModusOperandi(mo);
    }

    // languages
    List<String> languages = raw.getLanguagesList();
    if (languages.size() > MAX_LANGUAGES) {
      c.bad("languages", "at most " + MAX_LANGUAGES + " are allowed");
    } else {
      Set<String> tags = new LinkedHashSet<>();
      for (int i = 0; i < languages.size(); i++) {
        String field = "languages[" + i + "]";
        String tag = c.text(field, languages.get(i), MAX_LANGUAGE_TAG);
        if (tag != null) {
          String canonical = canonicalLanguageTag(tag);
          if (canonical == null) {
            c.bad(field, "not a well-formed BCP 47 language tag");
          } else {
            tags.add(canonical);
          }
        }
      }
      out.addAllLanguages(tags);
    }

    String narrative = c.text("narrative", raw.getNarrative(), MAX_NARRATIVE);
    if (narrative != null) {
      out.setNarrative(narrative);
    }
    String contact = c.text("reporter_contact", raw.getReporterContact(), MAX_REPORTER_CONTACT);
    if (contact != null) {
      out.setReporterContact(contact);
    }

    // consent
    Consent consent = raw.getConsent();
    if (!consent.getUnknownFields().asMap().isEmpty()) {
      c.bad("consent", "unknown fields");
    }
    int audience =
        c.knownEnum(
            "consent.audience", consent.getAudienceValue(), n -> Audience.forNumber(n) != null);
    if (audience == Audience.AUDIENCE_UNSPECIFIED_VALUE) {
      audience = Audience.AUDIENCE_PEER_VALUE;
    }
    out.setConsent(
        Consent.newBuilder().setAudienceValue(audience).setShareContact(consent.getShareContact()));

    if (!c.violations.isEmpty()) {
      throw BdxException.invalidFields(c.violations);
    }
    return out.build();
  }

  private Optional<LocalDate> parseDate(String s, Check c) {
    if (!s.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
      c.bad("incident_date", "must be a date written YYYY-MM-DD");
      return Optional.empty();
    }
    LocalDate d;
    try {
      d = LocalDate.parse(s, STRICT_DATE);
    } catch (DateTimeException e) {
      c.bad("incident_date", "is not a calendar date");
      return Optional.empty();
    }
    if (d.isAfter(LocalDate.now(clock))) {
      c.bad("incident_date", "is in the future");
      return Optional.empty();
    }
    if (d.isBefore(EARLIEST_INCIDENT)) {
      c.bad("incident_date", "is before " + EARLIEST_INCIDENT);
      return Optional.empty();
    }
    return Optional.of(d);
  }

  /** Canonical-case BCP 47 tag, or null if the tag is not well-formed. */
  static String canonicalLanguageTag(String tag) {
    if (tag.isEmpty() || !tag.matches("[A-Za-z0-9-]+")) {
      return null;
    }
    try {
      String canonical = new Locale.Builder().setLanguageTag(tag).build().toLanguageTag();
      // "und" means the builder dropped everything: not a useful language.
      return canonical.isEmpty() || canonical.equals("und") ? null : canonical;
    } catch (java.util.IllformedLocaleException e) {
      return null;
    }
  }

  /** Collects violations. */
  private static final class Check {
    final List<FieldViolation> violations = new ArrayList<>();

    void bad(String field, String problem) {
      violations.add(new FieldViolation(field, problem));
    }

    /**
     * The stripped string, or null (after recording a violation) if it is too long, contains
     * control characters or is not valid UTF-16.
     */
    String text(String field, String value, int maxCodePoints) {
      String s = value.strip();
      if (s.length() > 2 * maxCodePoints || s.codePointCount(0, s.length()) > maxCodePoints) {
        bad(field, "is longer than " + maxCodePoints + " characters");
        return null;
      }
      for (int i = 0; i < s.length(); i++) {
        char ch = s.charAt(i);
        if (Character.isHighSurrogate(ch)) {
          if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            i++;
            continue;
          }
          bad(field, "is not valid text");
          return null;
        }
        if (Character.isLowSurrogate(ch)) {
          bad(field, "is not valid text");
          return null;
        }
        if (Character.getType(ch) == Character.CONTROL && ch != '\n' && ch != '\t') {
          bad(field, "contains control characters");
          return null;
        }
      }
      return s;
    }

    int knownEnum(String field, int value, IntPredicate known) {
      if (!known.test(value)) {
        bad(field, "unknown value");
        return 0;
      }
      return value;
    }
  }
}
