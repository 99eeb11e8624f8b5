package org.bdx.node.edge;

import java.util.Map;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.StaffRole;
import org.bdx.proto.v1.StatsServiceGrpc;

/**
 * Which role each call of the local APIs needs (spec API-1, ADM-1). A viewer searches, reads, makes
 * bulletins and counts alerts for trends; intake staff also enter, correct and retract reports; a
 * coordinator also purges reports and manages partners, agreements and staff. A call not named here
 * needs a coordinator: a new call is closed until someone decides who may make it.
 */
public final class Permissions {
  private static final Map<String, StaffRole> NEEDED =
      Map.ofEntries(
          Map.entry(
              ClientServiceGrpc.getGetNodeInfoMethod().getFullMethodName(),
              StaffRole.STAFF_ROLE_VIEWER),
          Map.entry(
              ClientServiceGrpc.getSearchAlertsMethod().getFullMethodName(),
              StaffRole.STAFF_ROLE_VIEWER),
          Map.entry(
              ClientServiceGrpc.getGetAlertMethod().getFullMethodName(),
              StaffRole.STAFF_ROLE_VIEWER),
          Map.entry(
              ClientServiceGrpc.getRenderBulletinMethod().getFullMethodName(),
              StaffRole.STAFF_ROLE_VIEWER),
          // Counts only, suppressed below 5, and no criterion that names a person (STAT-1).
          Map.entry(
              StatsServiceGrpc.getCountAlertsMethod().getFullMethodName(),
              StaffRole.STAFF_ROLE_VIEWER),
          Map.entry(
              ClientServiceGrpc.getSubmitReportMethod().getFullMethodName(),
              StaffRole.STAFF_ROLE_INTAKE),
          Map.entry(
              ClientServiceGrpc.getListReportsMethod().getFullMethodName(),
              StaffRole.STAFF_ROLE_INTAKE),
          Map.entry(
              ClientServiceGrpc.getUpdateAlertMethod().getFullMethodName(),
              StaffRole.STAFF_ROLE_INTAKE),
          Map.entry(
              ClientServiceGrpc.getRetractAlertMethod().getFullMethodName(),
              StaffRole.STAFF_ROLE_INTAKE),
          Map.entry(
              ClientServiceGrpc.getUpdateConsentMethod().getFullMethodName(),
              StaffRole.STAFF_ROLE_INTAKE),
          Map.entry(
              ClientServiceGrpc.getPurgeReportMethod().getFullMethodName(),
              StaffRole.STAFF_ROLE_COORDINATOR));

  private Permissions() {}

  /** The least role that may make {@code fullMethodName}; a coordinator for any other call. */
  public static StaffRole needed(String fullMethodName) {
    if (fullMethodName.startsWith(AdminServiceGrpc.SERVICE_NAME + "/")) {
      return StaffRole.STAFF_ROLE_COORDINATOR;
    }
    if (fullMethodName.startsWith("grpc.health.v1.Health/")
        || fullMethodName.startsWith("grpc.reflection.v1.ServerReflection/")) {
      return StaffRole.STAFF_ROLE_VIEWER; // when guarded at all: only beyond loopback (API-4)
    }
    return NEEDED.getOrDefault(fullMethodName, StaffRole.STAFF_ROLE_COORDINATOR);
  }
}
