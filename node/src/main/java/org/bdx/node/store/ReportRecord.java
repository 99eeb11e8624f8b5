package org.bdx.node.store;

import java.util.Objects;
import org.bdx.proto.v1.Report;

/** One of this node's own reports. {@code receivedAt} is Unix seconds. */
public record ReportRecord(String reportId, String alertId, long receivedAt, Report report) {
  public ReportRecord {
    Objects.requireNonNull(reportId, "reportId");
    Objects.requireNonNull(alertId, "alertId");
    Objects.requireNonNull(report, "report");
  }

  /** No report content in the string form: records end up in logs. */
  @Override
  public String toString() {
    return "ReportRecord[reportId="
        + reportId
        + ", alertId="
        + alertId
        + ", receivedAt="
        + receivedAt
        + "]";
  }
}
