package org.bdx.node.bench;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bdx.node.identity.NodeId;
import org.bdx.node.store.Ids;
import org.bdx.node.store.StoredAlert;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.Claim;
import org.bdx.proto.v1.Disclosure;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.SignedAlert;
import org.bdx.proto.v1.TimeOfDay;
import org.bdx.proto.v1.WorkSetting;

/**
 * A deterministic corpus of realistic alerts for the store benchmark: alert {@code i} is a pure
 * function of the seed and {@code i}, so the same alerts can be generated again (to pick query
 * values) and on another commit. Phones and plates come from pools, so aggressors recur across
 * alerts; words follow a skewed (Zipf-like) frequency over a fixed vocabulary of descriptive words;
 * incident dates spread over three years; about 30 % of alerts are the node's own, the rest came
 * from its partners (three unless told otherwise). The envelope has the shape of a real one (a
 * header with one claim digest per disclosed field, a 64-byte signature, one salted disclosure per
 * field), though nothing is signed.
 */
final class AlertCorpus {

  static final LocalDate FIRST_DAY = LocalDate.of(2024, 1, 1);
  static final int DAYS = 3 * 365;

  /** Descriptive words, roughly most frequent first. */
  static final String[] VOCABULARY =
      ("man white tall short black jacket hat beard tattoo cap glasses heavy thin young old"
              + " brown blue red grey green hair bald drove car truck van said wanted paid refused"
              + " cash hotel room arm left right neck hand face knife gun threatened choked hit"
              + " grabbed pushed phone took money condom removed without consent followed stalked"
              + " waited outside house door locked window drove away fast silver dark light skin"
              + " accent english french spanish speaks quietly loud angry calm polite friendly"
              + " regular client says name fake gave number called texted many times night late"
              + " early morning evening weekend friday saturday sunday alley parking lot park street"
              + " corner bus station motel apartment basement stairs elevator lobby hallway bathroom"
              + " shirt hoodie sweater boots shoes sneakers jeans pants shorts suit tie ring watch"
              + " chain earring piercing scar mole limp cane wheelchair mustache goatee stubble"
              + " ponytail braids dreadlocks curly straight wavy blond ginger freckles pale tanned"
              + " muscular skinny chubby average build stocky lanky hunched upright nervous"
              + " aggressive drunk high smelled alcohol cigarettes weed cologne sweat dirty clean"
              + " wealthy businessman worker contractor trucker uniform security guard cop claims"
              + " police badge fake officer recorded video camera photos pictures posted online"
              + " threatened outing family husband wife kids children dog pickup sedan suv"
              + " minivan motorcycle bicycle taxi rideshare honda toyota ford chevy nissan dodge bmw"
              + " mercedes audi volkswagen hyundai kia mazda subaru jeep tesla tinted windows"
              + " dented bumper sticker rack rusted loud muffler broken taillight")
          .split(" ");

  static final String[] AREAS = {
    "Downtown Eastside",
    "Downtown South",
    "Strathcona",
    "Mount Pleasant",
    "Kingsway",
    "Commercial Drive",
    "Hastings Sunrise",
    "Grandview Woodland",
    "Fairview",
    "Kitsilano",
    "West End",
    "Yaletown",
    "Gastown",
    "Chinatown",
    "Marpole",
    "Kensington Cedar Cottage",
    "Renfrew Collingwood",
    "Victoria Fraserview",
    "Sunset",
    "Riley Park",
    "Surrey Central",
    "Whalley",
    "Newton",
    "Guildford",
    "Burnaby Metrotown",
    "Burnaby Heights",
    "New Westminster",
    "Richmond Centre",
    "North Vancouver Lonsdale",
    "Coquitlam Centre",
    "Port Coquitlam",
    "Maple Ridge",
    "Langley City",
    "Abbotsford",
    "Chilliwack",
    "Victoria Downtown",
    "Nanaimo",
    "Kelowna",
    "Kamloops",
    "Prince George"
  };

  static final String[] NAMES = {
    "Dave", "Mike", "John", "Steve", "Chris", "Rob", "Tony", "Frank", "Gary", "Kevin", "Brian",
    "Jason", "Mark", "Paul", "Rick", "Sam", "Tom", "Vince", "Wayne", "Lee", "Raj", "Amir", "Jin",
    "Luis", "Carlos", "Andre", "Pierre", "Marco", "Ivan", "Omar"
  };

  static final String[] COLOURS = {
    "black", "white", "silver", "grey", "red", "blue", "green", "dark", "beige", "gold"
  };

  static final String[] MAKES = {
    "Honda Civic", "Toyota Corolla", "Ford F150", "Chevy Silverado", "Nissan Altima",
    "Dodge Caravan", "BMW 3 series", "Mercedes C class", "Hyundai Elantra", "Kia Soul",
    "Mazda 3", "Subaru Outback", "Jeep Cherokee", "Tesla Model 3", "Volkswagen Jetta"
  };

  private static final String[] AREA_CODES = {"604", "778", "236", "250", "672"};
  private static final String LETTERS = "ABCDEFGHJKLMNPRSTVWXYZ";

  static final NodeId OWN = NodeId.fromPublicKey(filled(1));

  /** The node's own and three partners, as in the issue 13 runs. */
  static final int ORIGINS = 4;

  private final long seed;
  private final List<NodeId> partners;
  private final String[] phones;
  private final String[] plates;
  private final String agreementId;

  AlertCorpus(long seed, int phonePool, int platePool) {
    this(seed, phonePool, platePool, ORIGINS);
  }

  /**
   * @param origins the nodes the alerts come from, the node's own included (2..255)
   */
  AlertCorpus(long seed, int phonePool, int platePool, int origins) {
    if (origins < 2 || origins > 255) {
      throw new IllegalArgumentException("origins must be 2..255");
    }
    this.seed = seed;
    List<NodeId> others = new ArrayList<>();
    for (int o = 2; o <= origins; o++) {
      others.add(NodeId.fromPublicKey(filled(o)));
    }
    partners = List.copyOf(others);
    SplittableRandom r = new SplittableRandom(seed);
    phones = new String[phonePool];
    for (int i = 0; i < phonePool; i++) {
      phones[i] =
          "+1"
              + AREA_CODES[r.nextInt(AREA_CODES.length)]
              + (2 + r.nextInt(8))
              + String.format(Locale.ROOT, "%06d", r.nextInt(1_000_000));
    }
    plates = new String[platePool];
    for (int i = 0; i < platePool; i++) {
      StringBuilder p = new StringBuilder();
      switch (r.nextInt(3)) {
        case 0 -> p.append(letters(r, 3)).append(digits(r, 3)); // ABC123
        case 1 -> p.append(letters(r, 2)).append(digits(r, 3)).append(letters(r, 1)); // AB123C
        default -> p.append(digits(r, 3)).append(letters(r, 4)); // 123ABCD
      }
      plates[i] = p.toString();
    }
    agreementId = Ids.newId(deterministic(seed, -1));
  }

  /** Alert {@code i} of the corpus. */
  StoredAlert alert(int i) {
    SplittableRandom r = new SplittableRandom(seed * 1_000_003L + i);
    AlertFields f = fields(r);
    String alertId = Ids.newId(deterministic(seed, i));
    boolean own = r.nextInt(10) < 3;
    NodeId origin = own ? OWN : partners.get(r.nextInt(partners.size()));
    long issuedAt = 1_704_067_200L + (long) i * 900; // one every 15 minutes from 2024-01-01
    long expiresAt = 4_000_000_000L; // far ahead: search hides expired alerts
    List<String> paths = paths(f);
    SignedAlert envelope = envelope(r, origin, alertId, issuedAt, expiresAt, f, paths);
    if (own) {
      return new StoredAlert(
          origin,
          alertId,
          1,
          AlertStatus.ALERT_STATUS_ACTIVE,
          issuedAt,
          expiresAt,
          Audience.AUDIENCE_PEER,
          f,
          paths,
          envelope,
          true,
          issuedAt + 1);
    }
    return new StoredAlert(
        origin,
        alertId,
        1,
        AlertStatus.ALERT_STATUS_ACTIVE,
        issuedAt,
        expiresAt,
        Audience.AUDIENCE_PEER,
        f,
        paths,
        envelope,
        false,
        issuedAt + 2,
        origin,
        agreementId,
        expiresAt);
  }

  private AlertFields fields(SplittableRandom r) {
    AlertFields.Builder f = AlertFields.newBuilder();
    f.setIncidentDate(FIRST_DAY.plusDays(r.nextInt(DAYS)).toString());
    f.setTimeOfDay(TimeOfDay.forNumber(1 + r.nextInt(4)));
    f.setArea(AREAS[skewed(r, AREAS.length)]);
    f.setWorkSetting(WorkSetting.forNumber(1 + r.nextInt(7)));
    int harms = 1 + r.nextInt(3);
    for (int h = 0; h < harms; h++) {
      int v = 1 + skewed(r, 14);
      if (!f.getHarmsValueList().contains(v)) {
        f.addHarmsValue(v);
      }
    }
    f.setSeverity(Severity.forNumber(1 + r.nextInt(4)));
    f.setAggressorDescription(words(r, 10 + r.nextInt(16)));
    if (r.nextInt(10) < 4) {
      f.addNamesUsed(NAMES[r.nextInt(NAMES.length)]);
    }
    int nPhones = r.nextInt(10) < 7 ? 1 + (r.nextInt(4) == 0 ? 1 : 0) : 0;
    for (int p = 0; p < nPhones; p++) {
      f.addPhoneNumbers(phones[skewed(r, phones.length)]);
    }
    if (r.nextBoolean()) {
      f.setVehicleDescription(
          COLOURS[r.nextInt(COLOURS.length)] + " " + MAKES[r.nextInt(MAKES.length)]);
      f.setVehiclePlate(plates[skewed(r, plates.length)]);
    }
    if (r.nextInt(5) == 0) {
      f.addOnlineHandles(
          NAMES[r.nextInt(NAMES.length)].toLowerCase(Locale.ROOT) + (10 + r.nextInt(90)));
    }
    f.setModusOperandi(words(r, 6 + r.nextInt(15)));
    f.addLanguages("en");
    return f.build();
  }

  /** The disclosed paths: the fields that are set. */
  private static List<String> paths(AlertFields f) {
    List<String> p = new ArrayList<>();
    p.add("incident_date");
    p.add("time_of_day");
    p.add("area");
    p.add("work_setting");
    p.add("harms");
    p.add("severity");
    p.add("aggressor_description");
    if (f.getNamesUsedCount() > 0) {
      p.add("names_used");
    }
    if (f.getPhoneNumbersCount() > 0) {
      p.add("phone_numbers");
    }
    if (!f.getVehiclePlate().isEmpty()) {
      p.add("vehicle_description");
      p.add("vehicle_plate");
    }
    if (f.getOnlineHandlesCount() > 0) {
      p.add("online_handles");
    }
    p.add("modus_operandi");
    p.add("languages");
    return p;
  }

  private static SignedAlert envelope(
      SplittableRandom r,
      NodeId origin,
      String alertId,
      long issuedAt,
      long expiresAt,
      AlertFields f,
      List<String> paths) {
    AlertHeader.Builder h =
        AlertHeader.newBuilder()
            .setOriginNodeId(origin.value())
            .setOriginPublicKey(ByteString.copyFrom(bytes(r, 32)))
            .setAlertId(alertId)
            .setVersion(1)
            .setStatus(AlertStatus.ALERT_STATUS_ACTIVE)
            .setIssuedAt(issuedAt)
            .setExpiresAt(expiresAt)
            .setAudience(Audience.AUDIENCE_PEER)
            .setMaxHops(1)
            .setDigestAlgorithm("sha-256");
    SignedAlert.Builder e = SignedAlert.newBuilder();
    for (String path : paths) {
      h.addClaimDigests(ByteString.copyFrom(bytes(r, 32)));
      Claim claim = Claim.newBuilder().setPath(path).setValue(only(f, path)).build();
      e.addDisclosures(
          Disclosure.newBuilder()
              .setSalt(ByteString.copyFrom(bytes(r, 16)))
              .setClaim(claim.toByteString()));
    }
    return e.setHeader(h.build().toByteString())
        .setSignature(ByteString.copyFrom(bytes(r, 64)))
        .build();
  }

  /** {@code f} with only the field at {@code path} set, as a claim carries it. */
  private static AlertFields only(AlertFields f, String path) {
    AlertFields.Builder b = AlertFields.newBuilder();
    var field = AlertFields.getDescriptor().findFieldByName(path);
    b.setField(field, f.getField(field));
    return b.build();
  }

  // Query material, drawn from the corpus itself so that queries find what is held.

  /** A phone number held by some alert (drawn by the same skew as the alerts draw them). */
  String heldPhone(SplittableRandom r) {
    return phones[skewed(r, phones.length)];
  }

  String heldPlate(SplittableRandom r) {
    return plates[skewed(r, plates.length)];
  }

  static String word(SplittableRandom r) {
    return VOCABULARY[r.nextInt(VOCABULARY.length)];
  }

  /** An index in [0, n), small indices much more often than large ones. */
  private static int skewed(SplittableRandom r, int n) {
    double u = r.nextDouble();
    return Math.min(n - 1, (int) (n * u * u * u));
  }

  private static String words(SplittableRandom r, int count) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        s.append(r.nextInt(6) == 0 ? ", " : " ");
      }
      s.append(VOCABULARY[skewed(r, VOCABULARY.length)]);
    }
    return s.toString();
  }

  private static String letters(SplittableRandom r, int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(LETTERS.charAt(r.nextInt(LETTERS.length())));
    }
    return s.toString();
  }

  private static String digits(SplittableRandom r, int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append((char) ('0' + r.nextInt(10)));
    }
    return s.toString();
  }

  private static byte[] bytes(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    return b;
  }

  /** Bytes for {@link Ids#newId} that depend only on the seed and {@code i}. Not thread-safe. */
  private SecureRandom deterministic(long seed, long i) {
    ids.r = new SplittableRandom(seed * 31 + i);
    return ids;
  }

  private final Seeded ids = new Seeded();

  private static final class Seeded extends SecureRandom {
    private SplittableRandom r = new SplittableRandom(0);

    @Override
    public void nextBytes(byte[] bytes) {
      r.nextBytes(bytes);
    }
  }

  private static byte[] filled(int b) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) b);
    return key;
  }
}
