package org.bdx.node.console;

import static org.bdx.node.console.Html.esc;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.bdx.node.console.ConsoleServer.Answer;
import org.bdx.node.console.ConsoleServer.Apis;
import org.bdx.node.console.Sessions.Session;
import org.bdx.proto.v1.AcceptAgreementRequest;
import org.bdx.proto.v1.Agreement;
import org.bdx.proto.v1.AgreementState;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.GetStatusRequest;
import org.bdx.proto.v1.GetStatusResponse;
import org.bdx.proto.v1.ListAgreementsRequest;
import org.bdx.proto.v1.ListPartnersRequest;
import org.bdx.proto.v1.Partner;
import org.bdx.proto.v1.PartnerClass;
import org.bdx.proto.v1.PartnerStatus;
import org.bdx.proto.v1.RejectionCount;
import org.bdx.proto.v1.ResumeAgreementRequest;
import org.bdx.proto.v1.StaffRole;
import org.bdx.proto.v1.SuspendAgreementRequest;

/**
 * The network page: the organizations this one shares with, whether their nodes are in touch, what
 * they sent that was refused, and the agreements with them, in a coordinator's words rather than
 * the protocol's. Coordinators accept, pause and restart agreements here; the node's admin API
 * decides who may (every call of it needs a coordinator), so the buttons are only shown to the
 * people it would let press them.
 */
final class NetworkPages {
  private static final Pattern ACTION =
      Pattern.compile("/agreement/([A-Za-z0-9_-]{1,100})/(accept|suspend|resume)");
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** Whether {@code path} is an agreement button's address. */
  static boolean isAgreementAction(String path) {
    return ACTION.matcher(path).matches();
  }

  Answer page(Session s, Apis api, String query) {
    GetStatusResponse status = api.admin().getStatus(GetStatusRequest.getDefaultInstance());
    List<Partner> partners =
        api.admin().listPartners(ListPartnersRequest.getDefaultInstance()).getPartnersList();
    List<Agreement> agreements =
        api.admin().listAgreements(ListAgreementsRequest.getDefaultInstance()).getAgreementsList();
    ConsoleWords w = s.words;
    StringBuilder b = new StringBuilder();
    List<String> flags = Arrays.asList(query.split("&"));
    if (flags.contains("accepted")) {
      note(b, w.word("network.accepted"));
    } else if (flags.contains("suspended")) {
      note(b, w.word("network.suspended"));
    } else if (flags.contains("resumed")) {
      note(b, w.word("network.resumed"));
    }
    b.append("<p>")
        .append(w.esc("network.intro", Map.of("org", status.getOrganizationName())))
        .append("</p>");

    b.append("<section aria-labelledby=\"partners\"><h2 id=\"partners\">")
        .append(w.esc("network.partners"))
        .append("</h2>");
    if (partners.isEmpty()) {
      b.append("<p>")
          .append(w.html("network.noPartner", Map.of("command", "<code>bdx partner add</code>")))
          .append("</p>");
    }
    b.append("<ul class=\"cards\">");
    for (Partner p : partners) {
      PartnerStatus ps =
          status.getPartnersList().stream()
              .filter(x -> x.getPartner().getNodeId().equals(p.getNodeId()))
              .findFirst()
              .orElse(PartnerStatus.getDefaultInstance());
      b.append("<li class=\"card\">").append(partner(w, p, ps)).append("</li>");
    }
    b.append("</ul></section>");

    b.append("<section aria-labelledby=\"agreements\"><h2 id=\"agreements\">")
        .append(w.esc("network.agreements"))
        .append("</h2>");
    if (agreements.isEmpty()) {
      b.append("<p>").append(w.esc("network.noAgreement")).append("</p>");
    }
    boolean coordinator = s.who.mayAct(StaffRole.STAFF_ROLE_COORDINATOR);
    b.append("<ul class=\"cards\">");
    for (Agreement a : agreements) {
      b.append("<li class=\"card\">").append(agreement(w, s, a, coordinator)).append("</li>");
    }
    b.append("</ul></section>");
    return Answer.page(Html.page(s, w.word("nav.network"), b.toString()));
  }

  /** Accepts, pauses or restarts the agreement the path names, then shows the network again. */
  Answer act(Session s, Apis api, String path) {
    Matcher m = ACTION.matcher(path);
    if (!m.matches()) {
      throw new IllegalArgumentException("not an agreement action");
    }
    String id = m.group(1);
    String done =
        switch (m.group(2)) {
          case "accept" -> {
            api.admin()
                .acceptAgreement(AcceptAgreementRequest.newBuilder().setAgreementId(id).build());
            yield "accepted";
          }
          case "suspend" -> {
            api.admin()
                .suspendAgreement(SuspendAgreementRequest.newBuilder().setAgreementId(id).build());
            yield "suspended";
          }
          default -> {
            api.admin()
                .resumeAgreement(ResumeAgreementRequest.newBuilder().setAgreementId(id).build());
            yield "resumed";
          }
        };
    return Answer.redirect("/network?" + done);
  }

  static String partner(ConsoleWords w, Partner p, PartnerStatus ps) {
    StringBuilder b = new StringBuilder();
    b.append("<h3>").append(esc(p.getName())).append("</h3><dl>");
    row(b, w.word("network.kind"), kind(w, p.getPartnerClass()));
    row(b, w.word("network.sharing"), sharing(w, ps.getAgreementState()));
    if (ps.getConnected()) {
      row(b, w.word("network.inTouch"), w.word("network.inTouch.yes"));
    } else {
      String since =
          ps.getOfflineSince() == 0
              ? w.word("network.inTouch.no")
              : w.format(
                  "network.inTouch.noSince",
                  Map.of("since", WHEN.format(at(ps.getOfflineSince()))));
      // The last error is the node's own words, as it logged them.
      String why = ps.getLastError().isEmpty() ? "" : ": " + ps.getLastError();
      row(b, w.word("network.inTouch"), since + why);
    }
    row(
        b,
        w.word("network.lastExchange"),
        ps.getLastSyncAt() == 0 ? w.word("network.never") : WHEN.format(at(ps.getLastSyncAt())));
    row(b, w.word("network.waiting"), Long.toString(ps.getOutboundWaiting()));
    if (ps.getInboundRejected() == 0 && ps.getInboundRefused() == 0) {
      row(b, w.word("network.refused"), w.word("network.nothing"));
    } else {
      b.append("<dt>").append(w.esc("network.refused")).append("</dt><dd>");
      if (ps.getInboundRejected() > 0) {
        b.append(w.esc("network.notKept", Map.of("count", ps.getInboundRejected()))).append("<ul>");
        for (RejectionCount r : ps.getInboundRejectedByReasonList()) {
          b.append("<li>")
              .append(esc(r.getCount() + " " + reason(w, r.getReason())))
              .append(" <span class=\"code\">(")
              .append(esc(r.getReason()))
              .append(")</span></li>");
        }
        b.append("</ul>");
      }
      if (ps.getInboundRefused() > 0) {
        b.append("<p>")
            .append(w.esc("network.unreadable", Map.of("count", ps.getInboundRefused())))
            .append("</p>");
      }
      b.append("</dd>");
    }
    if (ps.getKeyCompromisedSince() != 0) {
      row(
          b,
          w.word("network.caution"),
          w.format(
              "network.keyStolen",
              Map.of(
                  "date",
                  WHEN.format(at(ps.getKeyCompromisedSince())),
                  "count",
                  ps.getAlertsFlagged())));
    }
    row(b, w.word("network.fingerprint"), p.getFingerprint());
    return b.append("</dl>").toString();
  }

  /**
   * An agreement's card, with the buttons a coordinator may press.
   *
   * @param s the session the buttons post with; only read for a coordinator
   */
  static String agreement(ConsoleWords w, Session s, Agreement a, boolean coordinator) {
    StringBuilder b = new StringBuilder();
    b.append("<h3>")
        .append(w.esc("network.with", Map.of("partner", a.getPartner())))
        .append("</h3><dl>");
    row(b, w.word("network.state"), state(w, a));
    row(b, w.word("network.since"), WHEN.format(at(a.getUpdatedAt())));
    row(b, w.word("network.weSend"), terms(w, a.getWeSend()));
    row(b, w.word("network.theySend"), terms(w, a.getWeReceive()));
    if (a.hasPendingAmendment()) {
      row(
          b,
          w.word("network.newTerms"),
          a.getPendingAmendment().getProposedByUs()
              ? w.word("network.newTerms.ours")
              : w.format(
                  "network.newTerms.theirs",
                  Map.of("command", "bdx agreement accept " + a.getAgreementId())));
    }
    b.append("</dl>");
    if (!coordinator) {
      return b.toString();
    }
    String id = a.getAgreementId();
    switch (a.getState()) {
      case AGREEMENT_STATE_PROPOSED -> {
        if (!a.getProposedByUs()) {
          b.append(button(s, id, "accept", w.word("network.accept")));
        }
      }
      case AGREEMENT_STATE_ACTIVE -> b.append(button(s, id, "suspend", w.word("network.pause")));
      case AGREEMENT_STATE_SUSPENDED -> {
        if (a.getSuspendedByUs()) {
          b.append(button(s, id, "resume", w.word("network.resume")));
        } else {
          b.append("<p>").append(w.esc("network.pausedByThem")).append("</p>");
        }
      }
      default -> {}
    }
    return b.toString();
  }

  private static String button(Session s, String id, String action, String words) {
    return """
        <form method="post" action="/agreement/%s/%s">
        %s
        <button type="submit">%s</button>
        </form>
        """
        .formatted(esc(id), action, Html.csrfField(s.csrf), esc(words));
  }

  /** The state of an agreement as the coordinator would say it. */
  static String state(ConsoleWords w, Agreement a) {
    return w.word(
        switch (a.getState()) {
          case AGREEMENT_STATE_PROPOSED ->
              a.getProposedByUs() ? "state.offeredByUs" : "state.offeredToUs";
          case AGREEMENT_STATE_ACTIVE -> "state.sharing";
          case AGREEMENT_STATE_SUSPENDED ->
              a.getSuspendedByUs() ? "state.pausedByUs" : "state.pausedByThem";
          case AGREEMENT_STATE_TERMINATED -> "state.ended";
          default -> "state.unknown";
        });
  }

  private static String sharing(ConsoleWords w, AgreementState state) {
    return w.word(
        switch (state) {
          case AGREEMENT_STATE_PROPOSED -> "sharing.offered";
          case AGREEMENT_STATE_ACTIVE -> "sharing.yes";
          case AGREEMENT_STATE_SUSPENDED -> "sharing.paused";
          case AGREEMENT_STATE_TERMINATED -> "sharing.ended";
          default -> "sharing.none";
        });
  }

  static String kind(ConsoleWords w, PartnerClass c) {
    return w.word(
        switch (c) {
          case PARTNER_CLASS_PEER -> "kind.peer";
          case PARTNER_CLASS_SUPPORT -> "kind.support";
          case PARTNER_CLASS_POLICE -> "kind.police";
          default -> "state.unknown";
        });
  }

  private static String terms(ConsoleWords w, DirectionTerms t) {
    if (!t.getAllHarms() && t.getHarmsCount() == 0) {
      return w.word("network.nothing");
    }
    String harms =
        t.getAllHarms()
            ? w.word("terms.allHarms")
            : w.format("terms.harms", Map.of("count", t.getHarmsCount()));
    String areas = t.getAllAreas() ? w.word("terms.allAreas") : String.join(", ", t.getAreasList());
    // The field names are the protocol's, shown as they are.
    String fields =
        t.getFieldPathsList().stream()
            .map(f -> f.replace('_', ' '))
            .collect(Collectors.joining(", "));
    return w.format(
        fields.isEmpty() ? "terms.warnings" : "terms.warningsWith",
        Map.of("harms", harms, "areas", areas, "fields", fields, "days", t.getRetentionDays()));
  }

  /** A rejection reason (spec FEED-8's names) in a coordinator's words. */
  static String reason(ConsoleWords w, String code) {
    if (code.contains("SIGNATURE") || code.contains("NOT_FROM") || code.contains("MISMATCH")) {
      return w.word("reason.notTheirs");
    }
    if (code.contains("GRANT") || code.contains("NOT_ALLOWED") || code.contains("NOT_ACCEPTED")) {
      return w.word("reason.tooMuch");
    }
    if (code.contains("MALFORMED") || code.contains("INVALID")) {
      return w.word("reason.damaged");
    }
    return w.word("reason.other");
  }

  private static Instant at(long unixSeconds) {
    return Instant.ofEpochSecond(unixSeconds);
  }

  private static void note(StringBuilder b, String text) {
    b.append("<p class=\"note\" role=\"status\">").append(esc(text)).append("</p>");
  }

  private static void row(StringBuilder b, String name, String value) {
    b.append("<dt>").append(esc(name)).append("</dt><dd>").append(esc(value)).append("</dd>");
  }
}
