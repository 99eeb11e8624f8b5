package org.bdx.node.sync;

import static org.bdx.node.sync.FeedVectorGenerator.DAY;
import static org.bdx.node.sync.FeedVectorGenerator.MAX_SKEW;
import static org.bdx.node.sync.FeedVectorGenerator.NOW;
import static org.bdx.node.sync.FeedVectorGenerator.ORIGIN;
import static org.bdx.node.sync.FeedVectorGenerator.RECEIVER;
import static org.bdx.node.sync.FeedVectorGenerator.RELAY;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.Severity;

/**
 * The cases of spec/vectors/feed.json, as data: who the receiver's partners are and what each is
 * granted, and for each step who sends which version of which alert, with which claims, hop counts
 * and agreement. No expected outcome is written here: {@link FeedVectorGenerator} runs each case
 * through the reference receiver and records what it does. A new case (a relay case once hop
 * statements exist, say) is a new entry in {@link #cases}.
 */
final class FeedVectorCases {
  private FeedVectorCases() {}

  /** What the origin's grant lets it send the receiver. */
  static final List<String> WITHOUT_PHONE = List.of("area", "harms", "incident_date", "severity");

  /** What the relay's grant lets it send: also the phone numbers. */
  static final List<String> WITH_PHONE =
      List.of("area", "harms", "incident_date", "phone_numbers", "severity");

  static final DirectionTerms ORIGIN_TERMS = terms(PartnerClass.PARTNER_CLASS_PEER, WITHOUT_PHONE);

  /** The relay's terms let the receiver relay on (so a relayed hop left is within the grant). */
  static final DirectionTerms RELAY_TERMS =
      terms(PartnerClass.PARTNER_CLASS_PEER, WITH_PHONE).toBuilder()
          .setMayRelay(true)
          .setMaxRelayHops(2)
          .setAcceptRelayed(true)
          .build();

  /** Every alert's fields; each item discloses some of them. Fictional (555 number). */
  static final AlertFields FIELDS =
      AlertFields.newBuilder()
          .setIncidentDate("2026-09-28")
          .setArea("Downtown Eastside")
          .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY)
          .setSeverity(Severity.SEVERITY_HIGH)
          .setAggressorDescription("Man in his 30s, red cap, says his name is Dan")
          .addPhoneNumbers("+16045550142")
          .setVehiclePlate("XYZ789")
          .build();

  static List<Case> cases() {
    AlertSpec supportAudience = AlertSpec.DEFAULT.audience(Audience.AUDIENCE_SUPPORT);
    return List.of(
        new Case(
                "first_copy_then_replay",
                "The origin's version 1 is stored with the claims its grant allows; the same item"
                    + " again under a new sequence is stale (FEED-9.1).")
            .partner(ORIGIN, ORIGIN_TERMS)
            .steps(send("a", 1, WITHOUT_PHONE), send("a", 1, WITHOUT_PHONE)),
        new Case(
                "second_path_adds_claims",
                "Version 1 from the origin without the phone number, then relayed with it: merged;"
                    + " the receiver holds the union, and each copy record names what its path"
                    + " gave (FEED-9.4).")
            .partner(ORIGIN, ORIGIN_TERMS)
            .partner(RELAY, RELAY_TERMS)
            .steps(send("a", 1, WITHOUT_PHONE), relay("a", 1, WITH_PHONE)),
        new Case(
                "second_path_adds_nothing",
                "Version 1 relayed with the phone number, then from the origin without it: the"
                    + " origin's copy adds no claim and is stale, and its copy record names the"
                    + " paths it gave (FEED-9.4).")
            .partner(ORIGIN, ORIGIN_TERMS)
            .partner(RELAY, RELAY_TERMS)
            .steps(relay("a", 1, WITH_PHONE), send("a", 1, WITHOUT_PHONE)),
        new Case(
                "relayed_withdrawal_before_origin_version",
                "Both paths gave version 1. The relay then sends version 2 header-only (a relay"
                    + " out of grants or hops): it withdraws only the relay's claims, the"
                    + " origin's stay (FEED-9.5). The origin's version 2 then replaces the held"
                    + " alert (FEED-9.3).")
            .partner(ORIGIN, ORIGIN_TERMS)
            .partner(RELAY, RELAY_TERMS)
            .steps(
                send("a", 1, WITHOUT_PHONE),
                relay("a", 1, WITH_PHONE),
                relay("a", 2, List.of()),
                send("a", 2, WITHOUT_PHONE)),
        new Case(
                "relayed_withdrawal_after_origin_version",
                "Both paths gave version 1; the origin's version 2 replaces every path's claims"
                    + " (FEED-9.3), so the relay's header-only version 2 then withdraws nothing"
                    + " and is ignored (FEED-9.5).")
            .partner(ORIGIN, ORIGIN_TERMS)
            .partner(RELAY, RELAY_TERMS)
            .steps(
                send("a", 1, WITHOUT_PHONE),
                relay("a", 1, WITH_PHONE),
                send("a", 2, WITHOUT_PHONE),
                relay("a", 2, List.of())),
        new Case(
                "relayed_withdrawal_of_only_copy",
                "Only the relay gave version 1; its header-only version 2 leaves no claim, so the"
                    + " receiver holds the tombstone of version 2 (VER-6). The origin's version 2"
                    + " with content then joins it: merged, not stale (FEED-9.5).")
            .partner(ORIGIN, ORIGIN_TERMS)
            .partner(RELAY, RELAY_TERMS)
            .steps(
                relay("a", 1, WITH_PHONE), relay("a", 2, List.of()), send("a", 2, WITHOUT_PHONE)),
        new Case(
                "newer_version_replaces_every_path",
                "Both paths gave version 1; the origin's version 2 replaces the claims of every"
                    + " path (FEED-9.3); the relay's version 2 then adds the phone number again"
                    + " (FEED-9.4).")
            .partner(ORIGIN, ORIGIN_TERMS)
            .partner(RELAY, RELAY_TERMS)
            .steps(
                send("a", 1, WITHOUT_PHONE),
                relay("a", 1, WITH_PHONE),
                send("a", 2, WITHOUT_PHONE),
                relay("a", 2, WITH_PHONE)),
        new Case(
                "older_version_by_another_path",
                "The receiver holds version 2 from the origin; the relay's version 1 is stale and"
                    + " its copy record gives no claims (FEED-9.4).")
            .partner(ORIGIN, ORIGIN_TERMS)
            .partner(RELAY, RELAY_TERMS)
            .steps(send("a", 2, WITHOUT_PHONE), relay("a", 1, WITH_PHONE)),
        new Case(
                "origin_retraction",
                "Both paths gave version 1; the origin's retraction removes every path's claims"
                    + " (FEED-9.3). The relay's version 1 again, and its relayed retraction, are"
                    + " then stale: a retraction is final.")
            .partner(ORIGIN, ORIGIN_TERMS)
            .partner(RELAY, RELAY_TERMS)
            .steps(
                send("a", 1, WITHOUT_PHONE),
                relay("a", 1, WITH_PHONE),
                send("a", 2, List.of()).retraction(),
                relay("a", 1, WITH_PHONE),
                relay("a", 2, List.of()).retraction()),
        new Case(
                "origin_withdrawal",
                "The origin withdraws its only copy (version 2 header-only, as after the reporter"
                    + " narrowed consent): the receiver holds the tombstone of version 2 (VER-6);"
                    + " version 1 again is stale and brings no content back.")
            .partner(ORIGIN, ORIGIN_TERMS)
            .steps(
                send("a", 1, WITHOUT_PHONE), send("a", 2, List.of()), send("a", 1, WITHOUT_PHONE)),
        new Case(
                "header_only_not_held",
                "Nothing held: a withdrawal is ignored (FEED-9.2, VER-6), a retraction is kept as"
                    + " a tombstone, and an older version with content after it is stale.")
            .partner(ORIGIN, ORIGIN_TERMS)
            .steps(
                send("a", 2, List.of()),
                send("a", 3, List.of()).retraction(),
                send("a", 1, WITHOUT_PHONE)),
        new Case(
                "field_not_granted",
                "The origin discloses phone_numbers, which its grant does not list: rejected,"
                    + " FIELD_NOT_GRANTED (FEED-8.5). The same version with the granted claims is"
                    + " then stored.")
            .partner(ORIGIN, ORIGIN_TERMS)
            .steps(send("a", 1, WITH_PHONE), send("a", 1, WITHOUT_PHONE)),
        new Case(
                "not_granted_audience",
                "The grant's receiver class is SUPPORT: a PEER-audience alert does not reach it"
                    + " (POL-1), rejected, NOT_GRANTED (FEED-8.6). A SUPPORT-audience alert is"
                    + " stored.")
            .partner(ORIGIN, terms(PartnerClass.PARTNER_CLASS_SUPPORT, WITHOUT_PHONE))
            .alert("b", supportAudience)
            .steps(send("a", 1, WITHOUT_PHONE), send("b", 1, WITHOUT_PHONE)),
        new Case(
                "agreement_mismatch",
                "An item naming an agreement other than the partner's active one: rejected,"
                    + " AGREEMENT_MISMATCH (FEED-8.3). The same item under the active agreement is"
                    + " stored.")
            .partner(ORIGIN, ORIGIN_TERMS)
            .steps(
                send("a", 1, WITHOUT_PHONE).agreement(Step.OTHER_AGREEMENT),
                send("a", 1, WITHOUT_PHONE)),
        new Case(
                "relay_hops_raised",
                "max_hops 2: relay_hops 1 with hops_left 2 is a raised count, rejected,"
                    + " RELAY_NOT_ALLOWED (RELAY-2); relay_hops 1 with hops_left 1 is within the"
                    + " bound and stored.")
            .partner(ORIGIN, ORIGIN_TERMS)
            .partner(RELAY, RELAY_TERMS)
            .steps(relay("a", 1, WITH_PHONE).hops(1, 2), relay("a", 1, WITH_PHONE).hops(1, 1)),
        new Case(
                "unexpected_origin",
                "The relay sends the origin's alert with relay_hops 0, as if it were the origin:"
                    + " rejected, VERIFICATION_FAILED with UNEXPECTED_ORIGIN (FEED-8.4, SIG-7.5)."
                    + " Marked as relayed, the same alert is stored.")
            .partner(ORIGIN, ORIGIN_TERMS)
            .partner(RELAY, RELAY_TERMS)
            .steps(relay("a", 1, WITH_PHONE).hops(0, 0), relay("a", 1, WITH_PHONE)),
        new Case(
                "future_dated",
                "Issued a day and an hour ahead of the receiver's clock, beyond any tolerated skew"
                    + " (TIME-1 allows at most a day): rejected, FUTURE_DATED (TIME-2). An alert"
                    + " issued a day before the receiver's clock is stored.")
            .partner(ORIGIN, ORIGIN_TERMS)
            .alert("a", AlertSpec.DEFAULT.issued(NOW + DAY + 3600))
            .steps(send("a", 1, WITHOUT_PHONE), send("b", 1, WITHOUT_PHONE)),
        new Case(
                "expired",
                "Expired a day before the receiver's clock: not stored and not counted as"
                    + " rejected (FEED-8.9, TIME-3). An alert that has not expired is stored.")
            .partner(ORIGIN, ORIGIN_TERMS)
            .alert("a", AlertSpec.DEFAULT.issued(NOW - 2 * DAY).expires(NOW - DAY))
            .steps(send("a", 1, WITHOUT_PHONE), send("b", 1, WITHOUT_PHONE)),
        new Case(
                "clock_boundaries",
                "With the receiver's clock at now and a tolerated skew of 300 s: issued exactly"
                    + " 300 s ahead is stored, 301 s ahead is FUTURE_DATED (TIME-2); expiring"
                    + " exactly now is expired, one second later is stored (TIME-3).")
            .requires(Case.EXACT_CLOCK)
            .partner(ORIGIN, ORIGIN_TERMS)
            .alert("a", AlertSpec.DEFAULT.issued(NOW + MAX_SKEW))
            .alert("b", AlertSpec.DEFAULT.issued(NOW + MAX_SKEW + 1))
            .alert("c", AlertSpec.DEFAULT.expires(NOW))
            .alert("d", AlertSpec.DEFAULT.expires(NOW + 1))
            .steps(
                send("a", 1, WITHOUT_PHONE),
                send("b", 1, WITHOUT_PHONE),
                send("c", 1, WITHOUT_PHONE),
                send("d", 1, WITHOUT_PHONE)),
        new Case(
                "own_alert_relayed_back",
                "The relay sends back, marked as relayed, an alert whose origin is the receiver"
                    + " itself: ignored, never stored (FEED-8.4, RELAY-5).")
            .requires(Case.RECEIVER_KEY)
            .partner(RELAY, RELAY_TERMS)
            .alert("a", AlertSpec.DEFAULT.origin(RECEIVER))
            .steps(relay("a", 1, WITH_PHONE)));
  }

  /**
   * An item from the origin itself (relay_hops 0, hops_left 0) with the claims at {@code paths}.
   */
  static Step send(String alert, long version, List<String> paths) {
    return new Step(ORIGIN, alert, version, paths, 0, 0);
  }

  /** The same, relayed by the relay: relay_hops 1, hops_left 0 (RELAY-3.2, RELAY-3.3). */
  static Step relay(String alert, long version, List<String> paths) {
    return new Step(RELAY, alert, version, paths, 1, 0);
  }

  static DirectionTerms terms(PartnerClass receiverClass, List<String> paths) {
    return DirectionTerms.newBuilder()
        .setReceiverClass(receiverClass)
        .setAllHarms(true)
        .setAllAreas(true)
        .addAllFieldPaths(paths)
        .setRetentionDays(30)
        .build();
  }

  /**
   * The header the origin signs for one alert of a case; version n is issued n − 1 hours after
   * version 1 and every version expires at the same time (VER-2).
   */
  record AlertSpec(String origin, Audience audience, int maxHops, long issuedAt, long expiresAt) {
    static final AlertSpec DEFAULT =
        new AlertSpec(ORIGIN, Audience.AUDIENCE_PEER, 2, NOW - DAY, NOW + 90 * DAY);

    AlertSpec origin(String o) {
      return new AlertSpec(o, audience, maxHops, issuedAt, expiresAt);
    }

    AlertSpec audience(Audience a) {
      return new AlertSpec(origin, a, maxHops, issuedAt, expiresAt);
    }

    AlertSpec issued(long at) {
      return new AlertSpec(origin, audience, maxHops, at, expiresAt);
    }

    AlertSpec expires(long at) {
      return new AlertSpec(origin, audience, maxHops, issuedAt, at);
    }
  }

  /**
   * One feed item: who sends which version of which alert (by its label in the case), with the
   * claims at {@code paths} (none: header-only), its hop counts, and the agreement it names.
   */
  static final class Step {
    /** Stands for an agreement id no partner of the case has. */
    static final String OTHER_AGREEMENT = "(another agreement)";

    final String from;
    final String alert;
    final long version;
    final List<String> paths;
    int relayHops;
    int hopsLeft;
    boolean retraction;
    String agreement; // null: the sender's

    Step(String from, String alert, long version, List<String> paths, int relayHops, int hopsLeft) {
      this.from = from;
      this.alert = alert;
      this.version = version;
      this.paths = List.copyOf(paths);
      this.relayHops = relayHops;
      this.hopsLeft = hopsLeft;
    }

    Step retraction() {
      if (!paths.isEmpty()) {
        throw new IllegalStateException("a retraction carries no claims");
      }
      retraction = true;
      return this;
    }

    Step hops(int relay, int left) {
      relayHops = relay;
      hopsLeft = left;
      return this;
    }

    Step agreement(String id) {
      agreement = id;
      return this;
    }

    AlertStatus status() {
      if (retraction) {
        return AlertStatus.ALERT_STATUS_RETRACTED;
      }
      return version == 1 ? AlertStatus.ALERT_STATUS_ACTIVE : AlertStatus.ALERT_STATUS_UPDATED;
    }
  }

  /** One case: a receiver starting empty, its partners, and the steps in feed order. */
  static final class Case {
    /** The case needs the receiver's clock at exactly {@code now} with exactly its skew. */
    static final String EXACT_CLOCK = "exact_clock";

    /** The case needs alerts signed with the receiver's own key. */
    static final String RECEIVER_KEY = "receiver_key";

    final String name;
    final String description;
    final List<String> requires = new ArrayList<>();
    final Map<String, DirectionTerms> partners = new LinkedHashMap<>();
    final Map<String, AlertSpec> alerts = new HashMap<>();
    final List<Step> steps = new ArrayList<>();

    Case(String name, String description) {
      this.name = name;
      this.description = description;
    }

    Case requires(String what) {
      requires.add(what);
      return this;
    }

    Case partner(String name, DirectionTerms inbound) {
      partners.put(name, inbound);
      return this;
    }

    Case alert(String label, AlertSpec spec) {
      alerts.put(label, spec);
      return this;
    }

    Case steps(Step... s) {
      steps.addAll(List.of(s));
      return this;
    }
  }
}
