package org.bdx.node.console;

import static org.bdx.node.console.Html.esc;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
    StringBuilder b = new StringBuilder();
    List<String> flags = Arrays.asList(query.split("&"));
    if (flags.contains("accepted")) {
      note(b, "The agreement is accepted. Warnings start to flow as it allows.");
    } else if (flags.contains("suspended")) {
      note(b, "Sharing is paused. Nothing flows either way until you start it again.");
    } else if (flags.contains("resumed")) {
      note(b, "Sharing has started again.");
    }
    b.append("<p>")
        .append(esc(status.getOrganizationName()))
        .append(" shares warnings directly with each organization below, under an agreement both")
        .append(" sides signed. There is no central server.</p>");

    b.append("<section aria-labelledby=\"partners\"><h2 id=\"partners\">Partners</h2>");
    if (partners.isEmpty()) {
      b.append("<p>No partner yet. A coordinator adds one with <code>bdx partner add</code>")
          .append(" after checking its fingerprint by phone.</p>");
    }
    b.append("<ul class=\"cards\">");
    for (Partner p : partners) {
      PartnerStatus ps =
          status.getPartnersList().stream()
              .filter(x -> x.getPartner().getNodeId().equals(p.getNodeId()))
              .findFirst()
              .orElse(PartnerStatus.getDefaultInstance());
      b.append("<li class=\"card\">").append(partner(p, ps)).append("</li>");
    }
    b.append("</ul></section>");

    b.append("<section aria-labelledby=\"agreements\"><h2 id=\"agreements\">Agreements</h2>");
    if (agreements.isEmpty()) {
      b.append("<p>No agreement yet.</p>");
    }
    boolean coordinator = s.who.mayAct(StaffRole.STAFF_ROLE_COORDINATOR);
    b.append("<ul class=\"cards\">");
    for (Agreement a : agreements) {
      b.append("<li class=\"card\">").append(agreement(s, a, coordinator)).append("</li>");
    }
    b.append("</ul></section>");
    return Answer.page(Html.page("Partners and agreements", s.who, s.csrf, b.toString()));
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

  static String partner(Partner p, PartnerStatus ps) {
    StringBuilder b = new StringBuilder();
    b.append("<h3>").append(esc(p.getName())).append("</h3><dl>");
    row(b, "Kind of organization", kind(p.getPartnerClass()));
    row(b, "Sharing", sharing(ps.getAgreementState()));
    if (ps.getConnected()) {
      row(b, "In touch", "Yes, their node is answering");
    } else {
      String since =
          ps.getOfflineSince() == 0 ? "" : " since " + WHEN.format(at(ps.getOfflineSince()));
      String why = ps.getLastError().isEmpty() ? "" : ": " + ps.getLastError();
      row(b, "In touch", "No" + since + why);
    }
    row(
        b,
        "Last exchange",
        ps.getLastSyncAt() == 0 ? "Never" : WHEN.format(at(ps.getLastSyncAt())));
    row(b, "Waiting to go to them", Long.toString(ps.getOutboundWaiting()));
    if (ps.getInboundRejected() == 0 && ps.getInboundRefused() == 0) {
      row(b, "Refused from them", "Nothing");
    } else {
      b.append("<dt>Refused from them</dt><dd>");
      if (ps.getInboundRejected() > 0) {
        b.append(esc(count(ps.getInboundRejected(), "warning"))).append(" not kept:<ul>");
        for (RejectionCount r : ps.getInboundRejectedByReasonList()) {
          b.append("<li>")
              .append(esc(r.getCount() + " " + reason(r.getReason())))
              .append(" <span class=\"code\">(")
              .append(esc(r.getReason()))
              .append(")</span></li>");
        }
        b.append("</ul>");
      }
      if (ps.getInboundRefused() > 0) {
        b.append("<p>")
            .append(esc(count(ps.getInboundRefused(), "message")))
            .append(" refused as unreadable or too large since this node started.</p>");
      }
      b.append("</dd>");
    }
    if (ps.getKeyCompromisedSince() != 0) {
      row(
          b,
          "Caution",
          "They reported their signing key stolen on "
              + WHEN.format(at(ps.getKeyCompromisedSince()))
              + "; "
              + count(ps.getAlertsFlagged(), "warning")
              + " from them are marked until they issue them again.");
    }
    row(b, "Their node's fingerprint", p.getFingerprint());
    return b.append("</dl>").toString();
  }

  static String agreement(Session s, Agreement a, boolean coordinator) {
    StringBuilder b = new StringBuilder();
    b.append("<h3>With ").append(esc(a.getPartner())).append("</h3><dl>");
    row(b, "State", state(a));
    row(b, "Since", WHEN.format(at(a.getUpdatedAt())));
    row(b, "We send them", terms(a.getWeSend()));
    row(b, "They send us", terms(a.getWeReceive()));
    if (a.hasPendingAmendment()) {
      row(
          b,
          "New terms",
          a.getPendingAmendment().getProposedByUs()
              ? "We proposed new terms; waiting for their answer."
              : "They proposed new terms; a coordinator reads and accepts them with: bdx"
                  + " agreement accept "
                  + a.getAgreementId());
    }
    b.append("</dl>");
    if (!coordinator) {
      return b.toString();
    }
    String id = a.getAgreementId();
    switch (a.getState()) {
      case AGREEMENT_STATE_PROPOSED -> {
        if (!a.getProposedByUs()) {
          b.append(button(s, id, "accept", "Accept this agreement"));
        }
      }
      case AGREEMENT_STATE_ACTIVE -> b.append(button(s, id, "suspend", "Pause sharing"));
      case AGREEMENT_STATE_SUSPENDED -> {
        if (a.getSuspendedByUs()) {
          b.append(button(s, id, "resume", "Start sharing again"));
        } else {
          b.append("<p>They paused it; only they can start it again.</p>");
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
  static String state(Agreement a) {
    return switch (a.getState()) {
      case AGREEMENT_STATE_PROPOSED ->
          a.getProposedByUs() ? "Offered; waiting for their answer" : "Offered to us; not answered";
      case AGREEMENT_STATE_ACTIVE -> "Sharing";
      case AGREEMENT_STATE_SUSPENDED -> a.getSuspendedByUs() ? "Paused by us" : "Paused by them";
      case AGREEMENT_STATE_TERMINATED -> "Ended";
      default -> "Unknown";
    };
  }

  private static String sharing(AgreementState state) {
    return switch (state) {
      case AGREEMENT_STATE_PROPOSED -> "Not yet: an agreement is offered";
      case AGREEMENT_STATE_ACTIVE -> "Yes";
      case AGREEMENT_STATE_SUSPENDED -> "Paused";
      case AGREEMENT_STATE_TERMINATED -> "No: the agreement ended";
      default -> "No agreement";
    };
  }

  static String kind(PartnerClass c) {
    return switch (c) {
      case PARTNER_CLASS_PEER -> "Sex-worker-led organization";
      case PARTNER_CLASS_SUPPORT -> "Support service";
      case PARTNER_CLASS_POLICE -> "Police liaison";
      default -> "Unknown";
    };
  }

  private static String terms(DirectionTerms t) {
    if (!t.getAllHarms() && t.getHarmsCount() == 0) {
      return "Nothing";
    }
    String harms = t.getAllHarms() ? "every kind of harm" : t.getHarmsCount() + " kinds of harm";
    String areas = t.getAllAreas() ? "every area" : String.join(", ", t.getAreasList());
    String fields =
        t.getFieldPathsList().stream()
            .map(f -> f.replace('_', ' '))
            .collect(Collectors.joining(", "));
    return "Warnings of "
        + harms
        + " in "
        + areas
        + (fields.isEmpty() ? "" : ", with: " + fields)
        + "; kept "
        + t.getRetentionDays()
        + " days";
  }

  /** A rejection reason (spec FEED-8's names) in a coordinator's words. */
  static String reason(String code) {
    if (code.contains("SIGNATURE") || code.contains("NOT_FROM") || code.contains("MISMATCH")) {
      return "did not check out as theirs (a signature or sender that does not match)";
    }
    if (code.contains("GRANT") || code.contains("NOT_ALLOWED") || code.contains("NOT_ACCEPTED")) {
      return "held more than your agreement allows";
    }
    if (code.contains("MALFORMED") || code.contains("INVALID")) {
      return "were damaged or unreadable";
    }
    return "failed another check";
  }

  private static String count(long n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
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
