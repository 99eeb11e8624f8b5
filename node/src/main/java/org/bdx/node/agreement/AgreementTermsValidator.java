package org.bdx.node.agreement;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.bdx.node.error.BdxException;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.signing.Disclosures;
import org.bdx.node.signing.SigningKeys;
import org.bdx.node.store.Ids;
import org.bdx.proto.v1.AgreementTerms;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.Severity;

/**
 * The rules agreement terms must follow (spec AGR-3, AGR-4). Every problem is collected, so a
 * coordinator sees them all at once; messages name the field and never repeat its value.
 */
public final class AgreementTermsValidator {
  public static final int MAX_AREAS = 100;
  public static final int MAX_AREA_LENGTH = 100;
  public static final int MIN_RETENTION_DAYS = 1;
  public static final int MAX_RETENTION_DAYS = 3650;
  public static final int MAX_RELAY_HOPS = 8;

  private AgreementTermsValidator() {}

  /**
   * Checks complete terms.
   *
   * @throws BdxException INVALID_ARGUMENT listing every problem
   */
  public static void validate(AgreementTerms terms) {
    validate(terms, SigningKeys.NONE);
  }

  /**
   * As {@link #validate(AgreementTerms)}, where a party's key may also be a later key its key log
   * held in {@code keys} names (spec KEY-18).
   */
  public static void validate(AgreementTerms terms, SigningKeys keys) {
    throwIfAny(problems(terms, keys));
  }

  /**
   * Checks one direction; {@code field} prefixes each problem (e.g. "we_send").
   *
   * @throws BdxException INVALID_ARGUMENT listing every problem
   */
  public static void validate(String field, DirectionTerms terms) {
    List<String> problems = new ArrayList<>();
    directionProblems(field, terms, problems);
    throwIfAny(problems);
  }

  /** Every problem of {@code terms}, as "field: problem"; empty if valid. */
  public static List<String> problems(AgreementTerms terms) {
    return problems(terms, SigningKeys.NONE);
  }

  /** As {@link #problems(AgreementTerms)}, with the key logs {@code keys} holds. */
  public static List<String> problems(AgreementTerms terms, SigningKeys keys) {
    Objects.requireNonNull(terms, "terms");
    Objects.requireNonNull(keys, "keys");
    List<String> problems = new ArrayList<>();
    if (!Ids.isValid(terms.getAgreementId())) {
      problems.add("agreement_id: must be 26 characters of canonical lower-case base32");
    }
    if (terms.getVersion() < 1) { // uint64 above 2^63-1 reads as negative
      problems.add("version: must be in 1..2^63-1");
    }
    NodeId proposer =
        party(
            "proposer",
            terms.getProposerNodeId(),
            terms.getProposerPublicKey().toByteArray(),
            keys,
            problems);
    NodeId acceptor =
        party(
            "acceptor",
            terms.getAcceptorNodeId(),
            terms.getAcceptorPublicKey().toByteArray(),
            keys,
            problems);
    if (proposer != null && proposer.equals(acceptor)) {
      problems.add("acceptor_node_id: must differ from proposer_node_id");
    }
    if (terms.getProposedAt() <= 0) {
      problems.add("proposed_at: must be a positive Unix time");
    }
    if (!terms.hasProposerToAcceptor()) {
      problems.add("proposer_to_acceptor: is missing");
    } else {
      directionProblems("proposer_to_acceptor", terms.getProposerToAcceptor(), problems);
    }
    if (!terms.hasAcceptorToProposer()) {
      problems.add("acceptor_to_proposer: is missing");
    } else {
      directionProblems("acceptor_to_proposer", terms.getAcceptorToProposer(), problems);
    }
    return problems;
  }

  /** Adds every problem of one direction to {@code problems}. */
  public static void directionProblems(String field, DirectionTerms d, List<String> problems) {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(d, "terms");
    String p = field + ".";
    PartnerClass rc = d.getReceiverClass();
    if (rc == PartnerClass.PARTNER_CLASS_UNSPECIFIED || rc == PartnerClass.UNRECOGNIZED) {
      problems.add(p + "receiver_class: must be peer, support or police");
    }

    // AGR-4: a list beside its "all" flag would grant everything while reading as a restriction
    // (a coordinator editing the template adds a harm and believes only it is granted).
    if (d.getAllHarms() && d.getHarmsCount() > 0) {
      problems.add(p + "harms: must be empty when all_harms is set");
    }
    if (d.getAllAreas() && d.getAreasCount() > 0) {
      problems.add(p + "areas: must be empty when all_areas is set");
    }

    Set<HarmCategory> harms = new HashSet<>();
    for (int i = 0; i < d.getHarmsCount(); i++) {
      HarmCategory h = d.getHarms(i);
      if (h == HarmCategory.HARM_CATEGORY_UNSPECIFIED || h == HarmCategory.UNRECOGNIZED) {
        problems.add(p + "harms[" + i + "]: unknown or unspecified harm category");
      } else if (!harms.add(h)) {
        problems.add(p + "harms[" + i + "]: listed twice");
      }
    }

    if (d.getAreasCount() > MAX_AREAS) {
      problems.add(p + "areas: at most " + MAX_AREAS + " entries");
    }
    Set<String> areas = new HashSet<>();
    for (int i = 0; i < Math.min(d.getAreasCount(), MAX_AREAS + 1); i++) {
      String a = d.getAreas(i);
      int length = a.codePointCount(0, a.length());
      if (a.isBlank() || length > MAX_AREA_LENGTH) {
        problems.add(p + "areas[" + i + "]: must be 1 to " + MAX_AREA_LENGTH + " characters");
      } else if (a.codePoints().anyMatch(Character::isISOControl)) {
        problems.add(p + "areas[" + i + "]: must not contain control characters");
      } else if (!areas.add(a.strip().toLowerCase(Locale.ROOT))) {
        problems.add(p + "areas[" + i + "]: listed twice (areas match ignoring case)");
      }
    }

    Severity min = d.getMinSeverity();
    if (min == Severity.UNRECOGNIZED) {
      problems.add(p + "min_severity: unknown severity");
    }

    Set<String> known = Set.copyOf(Disclosures.claimPaths());
    Set<String> paths = new HashSet<>();
    for (int i = 0; i < d.getFieldPathsCount(); i++) {
      String path = d.getFieldPaths(i);
      if (!known.contains(path)) {
        problems.add(p + "field_paths[" + i + "]: not an alert field path");
      } else if (!paths.add(path)) {
        problems.add(p + "field_paths[" + i + "]: listed twice");
      }
    }

    if (d.getMaxRelayHops() > MAX_RELAY_HOPS || d.getMaxRelayHops() < 0) {
      problems.add(p + "max_relay_hops: at most " + MAX_RELAY_HOPS);
    } else if (!d.getMayRelay() && d.getMaxRelayHops() != 0) {
      problems.add(p + "max_relay_hops: must be 0 unless may_relay is set");
    }

    int retention = d.getRetentionDays();
    if (retention < MIN_RETENTION_DAYS || retention > MAX_RETENTION_DAYS) { // uint32: may be < 0
      problems.add(
          p + "retention_days: must be " + MIN_RETENTION_DAYS + " to " + MAX_RETENTION_DAYS);
    }
  }

  private static NodeId party(
      String role, String nodeId, byte[] key, SigningKeys keys, List<String> problems) {
    NodeId id = null;
    try {
      id = new NodeId(nodeId);
    } catch (IllegalArgumentException e) {
      problems.add(role + "_node_id: not a canonical node id");
    }
    if (key.length != NodeKeys.PUBLIC_KEY_LENGTH) {
      problems.add(role + "_public_key: must be 32 bytes");
    } else if (id != null && !id.matches(key) && !keys.isKeyOf(id, key)) {
      problems.add(role + "_public_key: its node id is not " + role + "_node_id");
    }
    return id;
  }

  private static void throwIfAny(List<String> problems) {
    if (!problems.isEmpty()) {
      throw BdxException.invalid("invalid agreement terms: " + String.join("; ", problems));
    }
  }
}
