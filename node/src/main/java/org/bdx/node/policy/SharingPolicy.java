package org.bdx.node.policy;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.bdx.node.signing.Disclosures;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.PartnerClass;

/**
 * What of one alert may cross to one receiver: the agreement's grant intersected with the
 * reporter's consent, per alert and per field (spec POL). Everything not granted is withheld.
 */
public final class SharingPolicy {
  /**
   * The field path of the reporter's contact, which needs explicit consent and an explicit grant.
   */
  public static final String CONTACT_PATH = "reporter_contact";

  private SharingPolicy() {}

  /**
   * Every alert field path except the reporter's contact, in field order: the widest grant that
   * needs no explicit choice about the contact (templates, the demo, tests).
   */
  public static List<String> pathsExceptContact() {
    return Disclosures.claimPaths().stream().filter(p -> !p.equals(CONTACT_PATH)).toList();
  }

  /**
   * The paths of {@code fields} that may be disclosed under {@code terms}, or empty if the alert
   * must not reach the receiver at all. A retraction that reaches the class yields no paths.
   * Whether a receiver is sent a version with no paths (header-only: a retraction or withdrawal)
   * depends on what it was sent before, which {@code Outbox} decides (spec VER-5).
   *
   * @param status the alert version's status
   * @param audience the reporter's consent: the widest class the alert may reach
   * @param fields the alert's full fields as the origin holds them
   */
  public static Optional<SortedSet<String>> disclose(
      AlertStatus status, Audience audience, AlertFields fields, DirectionTerms terms) {
    PartnerClass receiver = terms.getReceiverClass();
    if (!reaches(audience, receiver)) {
      return Optional.empty();
    }
    if (status == AlertStatus.ALERT_STATUS_RETRACTED) {
      return Optional.of(Collections.emptySortedSet());
    }
    if (status != AlertStatus.ALERT_STATUS_ACTIVE && status != AlertStatus.ALERT_STATUS_UPDATED) {
      return Optional.empty();
    }
    if (!harmsAllowed(fields, terms)
        || !areaAllowed(fields, terms)
        || !severityAllowed(fields, terms)) {
      return Optional.empty();
    }
    Set<String> granted = Set.copyOf(terms.getFieldPathsList());
    SortedSet<String> paths = new TreeSet<>();
    for (String path : Disclosures.claimPaths()) {
      if (granted.contains(path) && isSet(fields, path)) {
        paths.add(path);
      }
    }
    // The contact is in the fields only if the reporter chose to share it (intake); it still
    // needs the agreement's explicit grant, which the loop above required.
    return Optional.of(Collections.unmodifiableSortedSet(paths));
  }

  /** Whether an alert with this audience may reach a receiver of this class. */
  public static boolean reaches(Audience audience, PartnerClass receiver) {
    int a =
        switch (audience) {
          case AUDIENCE_PEER -> 1;
          case AUDIENCE_SUPPORT -> 2;
          case AUDIENCE_POLICE -> 3;
          // This organization only: ranked below every partner class (POL-1).
          case AUDIENCE_ORGANIZATION_ONLY -> 0;
          default -> 0;
        };
    int r =
        switch (receiver) {
          case PARTNER_CLASS_PEER -> 1;
          case PARTNER_CLASS_SUPPORT -> 2;
          case PARTNER_CLASS_POLICE -> 3;
          default -> Integer.MAX_VALUE;
        };
    return a >= r;
  }

  private static boolean harmsAllowed(AlertFields fields, DirectionTerms terms) {
    if (terms.getAllHarms()) {
      return true;
    }
    Set<HarmCategory> allowed = Set.copyOf(terms.getHarmsList());
    // Every harm of the alert must be granted: an alert naming a withheld harm does not flow,
    // since sending it with that harm removed would misrepresent what happened.
    return !fields.getHarmsList().isEmpty() && allowed.containsAll(fields.getHarmsList());
  }

  private static boolean areaAllowed(AlertFields fields, DirectionTerms terms) {
    if (terms.getAllAreas()) {
      return true;
    }
    String area = fields.getArea().strip().toLowerCase(Locale.ROOT);
    return terms.getAreasList().stream()
        .anyMatch(a -> a.strip().toLowerCase(Locale.ROOT).equals(area));
  }

  private static boolean severityAllowed(AlertFields fields, DirectionTerms terms) {
    int min = terms.getMinSeverityValue();
    return min == 0 || fields.getSeverityValue() >= min;
  }

  private static boolean isSet(AlertFields fields, String path) {
    var fd = AlertFields.getDescriptor().findFieldByName(path);
    return fd != null
        && (fd.isRepeated() ? fields.getRepeatedFieldCount(fd) > 0 : fields.hasField(fd));
  }
}
