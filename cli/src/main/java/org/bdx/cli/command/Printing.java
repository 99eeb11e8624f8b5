package org.bdx.cli.command;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.ProtocolMessageEnum;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.bdx.node.identity.NodeId;
import org.bdx.node.intake.Vocabulary;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.AlertView;
import org.bdx.proto.v1.LinkedAlert;
import org.bdx.proto.v1.PathStep;
import org.bdx.proto.v1.ReceivedCopy;

/** How the CLI shows protocol messages to people and to scripts. */
public final class Printing {
  private static final JsonFormat.Printer JSON =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
  private static final JsonFormat.Printer PRETTY_JSON =
      JsonFormat.printer().preservingProtoFieldNames();

  private Printing() {}

  /** One JSON object per line, so scripts can read output line by line. */
  public static String json(MessageOrBuilder m) {
    try {
      return JSON.print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "cannot print " + m.getClass().getSimpleName() + " as JSON", e);
    }
  }

  public static String prettyJson(MessageOrBuilder m) {
    try {
      return PRETTY_JSON.print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "cannot print " + m.getClass().getSimpleName() + " as JSON", e);
    }
  }

  public static String word(ProtocolMessageEnum e) {
    return Vocabulary.word(e);
  }

  public static String words(List<? extends ProtocolMessageEnum> es) {
    return es.stream().map(Vocabulary::word).collect(Collectors.joining(", "));
  }

  public static String date(long unixSeconds) {
    return Instant.ofEpochSecond(unixSeconds).atOffset(ZoneOffset.UTC).toLocalDate().toString();
  }

  /** An alert as staff read it: what matters for safety first. */
  public static void alert(PrintWriter out, AlertView a) {
    AlertFields f = a.getFields();
    out.printf(
        "Alert %s  version %d, %s, from %s%s%n",
        a.getAlertId(),
        a.getVersion(),
        word(a.getStatus()),
        organization(a.getOriginName(), a.getOriginNodeId()),
        a.getLocal() ? " (this node)" : "");
    if (a.getSignedByCompromisedKey()) {
      // Before any content: staff must read this first (spec KEY-20).
      out.println(
          "  CAUTION: signed with a key "
              + (a.getOriginName().isEmpty() ? "its origin" : a.getOriginName())
              + " reported stolen, after it was taken: it may not be theirs. Check with them"
              + " before acting on it; they will issue it again if it is real.");
    }
    String through = cameThrough(a);
    if (!through.isEmpty()) {
      line(out, "came through", through);
    } else if (a.getPathCount() > 1) {
      // Relayed: say through whom, so staff can weigh a warning from an organization they do not
      // know by the partners that passed it on (spec RELAY-9).
      line(out, "came through", path(a.getPathList()));
    }
    if (a.getLinkedCount() > 0) {
      line(
          out,
          "linked",
          alsoReported(a.getLinkedList())
              + ": "
              + a.getLinkedList().stream()
                  .map(l -> l.getAlertId() + " (" + linkedOrganization(l) + ")")
                  .collect(Collectors.joining(", ")));
    }
    if (a.getTombstone()) {
      // Nothing of the content is held; say why rather than print empty lines.
      out.println(
          a.getStatus() != AlertStatus.ALERT_STATUS_RETRACTED
              ? "  withdrawn: no partner shares it with this organization any more;"
                  + " nothing of its content is kept here"
              : a.getLocal() && !a.getReportId().isEmpty()
                  ? "  retracted: partners were told to delete it; its report is kept here"
                      + " until purged with: bdx report purge "
                      + a.getReportId()
                  : "  retracted: nothing of its content is kept here");
      line(out, "reason", a.getRetractionReason());
      return;
    }
    StringBuilder when = new StringBuilder(f.getIncidentDate());
    if (f.getTimeOfDayValue() != 0) {
      when.append(' ').append(word(f.getTimeOfDay()));
    }
    if (!f.getArea().isEmpty()) {
      when.append(", ").append(f.getArea());
    }
    if (f.getWorkSettingValue() != 0) {
      when.append(", ").append(word(f.getWorkSetting()));
    }
    line(out, "incident", when.toString());
    String harms = words(f.getHarmsList());
    if (f.getSeverityValue() != 0) {
      harms += (harms.isEmpty() ? "" : "; ") + "severity " + word(f.getSeverity());
    }
    line(out, "harms", harms);
    line(out, "aggressor", f.getAggressorDescription());
    line(out, "names used", String.join(", ", f.getNamesUsedList()));
    line(out, "phones", String.join(", ", f.getPhoneNumbersList()));
    String vehicle = f.getVehicleDescription();
    if (!f.getVehiclePlate().isEmpty()) {
      vehicle += (vehicle.isEmpty() ? "" : ", ") + "plate " + f.getVehiclePlate();
    }
    line(out, "vehicle", vehicle);
    line(out, "online", String.join(", ", f.getOnlineHandlesList()));
    line(out, "how they operate", f.getModusOperandi());
    line(out, "languages", String.join(", ", f.getLanguagesList()));
    line(out, "reporter contact", f.getReporterContact());
    line(out, "audience", word(a.getAudience()) + "; expires " + date(a.getExpiresAt()));
    if (!a.getLocal()) {
      line(out, "disclosed fields", String.join(", ", a.getDisclosedPathsList()));
    }
  }

  /**
   * "also reported 3 times by 2 organizations": how many other alerts held here name the same
   * aggressor, and how many organizations reported them (spec API-10).
   */
  public static String alsoReported(List<LinkedAlert> linked) {
    long orgs = linked.stream().map(LinkedAlert::getOriginNodeId).distinct().count();
    return "also reported "
        + linked.size()
        + (linked.size() == 1 ? " time" : " times")
        + " by "
        + orgs
        + (orgs == 1 ? " organization" : " organizations");
  }

  /** The organization that reported a linked alert, "this node" for this node's own. */
  public static String linkedOrganization(LinkedAlert l) {
    return l.getLocal() ? "this node" : organization(l.getOriginName(), l.getOriginNodeId());
  }

  /**
   * The organizations an alert came through, origin first: "A Outreach -> partner-b". One this node
   * has no name for shows as "unknown organization" with its fingerprint (spec ID-3).
   */
  public static String path(List<PathStep> path) {
    return path.stream()
        .map(p -> organization(p.getName(), p.getNodeId()))
        .collect(Collectors.joining(" -> "));
  }

  /** A name as the node gave it, with the fingerprint when the node has no name for it. */
  static String organization(String name, String nodeId) {
    if (!UNKNOWN.equals(name)) {
      return TerminalText.safe(name);
    }
    try {
      return name + " " + NodeId.parse(nodeId).fingerprint();
    } catch (IllegalArgumentException e) {
      return name;
    }
  }

  /** What a node calls an organization that is not its partner (spec RELAY-9). */
  static final String UNKNOWN = "unknown organization";

  /**
   * The partners whose copies hold the alert's fields, each by the way it came and with what it
   * gave (spec FEED-9), so staff see when a warning is vouched for by more than one organization.
   */
  private static String cameThrough(AlertView a) {
    List<ReceivedCopy> giving =
        a.getReceivedThroughList().stream().filter(c -> c.getDisclosedPathsCount() > 0).toList();
    List<String> parts = new ArrayList<>();
    for (ReceivedCopy c : giving) {
      String way = c.getPathList().isEmpty() ? c.getName() : path(c.getPathList());
      // With one copy its fields are the disclosed fields below; with several, say who gave what.
      parts.add(
          giving.size() == 1
              ? way
              : way + " (" + String.join(", ", c.getDisclosedPathsList()) + ")");
    }
    return String.join("; ", parts);
  }

  /** A labelled line; the value is neutralised, as most of it may come from a partner. */
  private static void line(PrintWriter out, String label, String value) {
    if (value != null && !value.isBlank()) {
      out.printf("  %-17s %s%n", label + ":", TerminalText.safe(value));
    }
  }
}
