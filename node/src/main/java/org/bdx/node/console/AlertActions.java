package org.bdx.node.console;

import static org.bdx.node.console.Html.esc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bdx.node.console.ConsoleServer.Answer;
import org.bdx.node.console.Sessions.Session;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.ClientServiceGrpc.ClientServiceBlockingStub;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.PurgeReportRequest;
import org.bdx.proto.v1.PurgeReportResponse;
import org.bdx.proto.v1.StaffRole;
import org.bdx.proto.v1.UpdateAlertRequest;

/**
 * What a warning's page offers beyond consent and retraction: an update of what is known about the
 * aggressor, and the purge of its report behind a confirmation page. The node's role rules decide
 * who may do either; the page only leaves out what the person's role would be refused.
 */
final class AlertActions {
  private final Pages pages;

  AlertActions(Pages pages) {
    this.pages = pages;
  }

  /** The notes a warning's page shows after an action sent it there. */
  static String notes(ConsoleWords w, String query) {
    StringBuilder b = new StringBuilder();
    if (Pages.flag(query, "updated")) {
      b.append(note(w.word("alert.updated")));
    }
    if (Pages.flag(query, "unchanged")) {
      b.append(note(w.word("alert.unchanged")));
    }
    String told = Pages.param(query, "purged");
    if (!told.isEmpty()) {
      long n;
      try {
        n = Long.parseLong(told);
      } catch (NumberFormatException e) {
        n = 0;
      }
      b.append(note(w.format("purge.done", java.util.Map.of("count", n))));
    }
    return b.toString();
  }

  private static String note(String text) {
    return "<p class=\"note\" role=\"status\">" + esc(text) + "</p>";
  }

  private static boolean updatable(Session s, AlertView a) {
    return a.getLocal()
        && !a.getTombstone()
        && a.getStatus() != AlertStatus.ALERT_STATUS_RETRACTED
        && s.who.mayAct(StaffRole.STAFF_ROLE_INTAKE);
  }

  /** The update form, for this node's own live warning and staff who may change it; else empty. */
  static String updateSection(Session s, AlertView a, ReportForm failed) {
    if (!updatable(s, a)) {
      return "";
    }
    ReportForm form = failed != null ? failed : ReportForm.ofAlert(a.getFields(), s.words);
    return form.renderUpdate(s.csrf, a.getAlertId());
  }

  /**
   * The way to purge the warning's report: for coordinators only (the node refuses anyone else),
   * while this node still holds the report. A link to the confirmation page, which does nothing.
   */
  static String purgeSection(Session s, AlertView a) {
    if (!a.getLocal()
        || a.getReportId().isEmpty()
        || !s.who.mayAct(StaffRole.STAFF_ROLE_COORDINATOR)) {
      return "";
    }
    ConsoleWords w = s.words;
    return """
        <h2>%s</h2>
        <p>%s</p>
        <p><a class="button danger" href="%s">%s</a></p>
        """
        .formatted(
            w.esc("purge.heading"), w.esc("purge.text"), esc(purgeLink(a)), w.esc("purge.link"));
  }

  private static String purgeLink(AlertView a) {
    return "/report/"
        + a.getReportId()
        + "/purge?alert="
        + URLEncoder.encode(a.getAlertId(), StandardCharsets.UTF_8);
  }

  /** Sends the fields the person changed as the warning's next version. */
  Answer update(Session s, ClientServiceBlockingStub stub, String alertId, Form form) {
    AlertView current = get(stub, alertId);
    ReportForm typed = ReportForm.of(form, s.words);
    UpdateAlertRequest req =
        typed.toUpdate(alertId, ReportForm.ofAlert(current.getFields(), s.words));
    if (typed.hasErrors()) {
      return Answer.page(400, pages.alertPage(s, current, "", typed));
    }
    if (ReportForm.changesNothing(req)) {
      return Answer.redirect(Pages.alertLink(current) + "&unchanged");
    }
    AlertView updated;
    try {
      updated = stub.updateAlert(req).getAlert();
    } catch (StatusRuntimeException e) {
      List<com.google.rpc.BadRequest.FieldViolation> v = ConsoleServer.violations(e);
      if (e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT || v.isEmpty()) {
        throw e;
      }
      v.forEach(f -> typed.violation(f.getField(), f.getDescription()));
      return Answer.page(400, pages.alertPage(s, current, "", typed));
    }
    return Answer.redirect(Pages.alertLink(updated) + "&updated");
  }

  /**
   * The confirmation page of a purge: what it destroys and what it cannot reach, said plainly, and
   * the one button that does it. Shown to anyone who opens it; the node refuses the purge itself to
   * all but coordinators.
   */
  Answer confirmPurge(Session s, ClientServiceBlockingStub stub, String reportId, String query) {
    AlertView a = get(stub, Pages.param(query, "alert"));
    if (!a.getLocal() || !a.getReportId().equals(reportId)) {
      return Answer.page(
          404,
          Html.page(
              s, s.words.word("notFound.title"), "<p>" + s.words.esc("purge.noSuch") + "</p>"));
    }
    ConsoleWords w = s.words;
    String body =
        """
        <div class="card">%s</div>
        <div class="summary">
        <p><strong>%s</strong></p>
        <ul>
        <li>%s</li>
        <li>%s</li>
        <li>%s</li>
        <li>%s</li>
        </ul>
        </div>
        <form method="post" action="/report/%s/purge">
        %s
        <input type="hidden" name="confirm" value="purge">
        <input type="hidden" name="alert" value="%s">
        <p class="actions"><button type="submit" class="danger">%s</button>
        <a href="%s">%s</a></p>
        </form>
        """
            .formatted(
                pages.summary(w, a),
                w.esc("purge.cannotUndo"),
                w.esc("purge.destroyed"),
                w.esc("purge.withdrawn"),
                w.esc("purge.backup"),
                w.esc("purge.audit"),
                esc(reportId),
                Html.csrfField(s.csrf),
                esc(a.getAlertId()),
                w.esc("purge.button"),
                esc(Pages.alertLink(a)),
                w.esc("purge.keep"));
    return Answer.page(Html.page(s, w.word("purge.title"), body));
  }

  /** Purges the report, only when the confirmation page's own form says so. */
  Answer purge(Session s, ClientServiceBlockingStub stub, String reportId, Form form) {
    if (!form.get("confirm").equals("purge")) {
      return Answer.page(
          400,
          Html.page(
              s,
              s.words.word("notDone.title"),
              "<p class=\"error\" role=\"alert\">" + s.words.esc("purge.notConfirmed") + "</p>"));
    }
    PurgeReportResponse r =
        stub.purgeReport(PurgeReportRequest.newBuilder().setReportId(reportId).build());
    return Answer.redirect(
        "/alert/"
            + URLEncoder.encode(r.getAlertId(), StandardCharsets.UTF_8)
            + "?purged="
            + r.getPartnersNotified());
  }

  private static AlertView get(ClientServiceBlockingStub stub, String alertId) {
    return stub.getAlert(GetAlertRequest.newBuilder().setAlertId(alertId).build()).getAlert();
  }
}
