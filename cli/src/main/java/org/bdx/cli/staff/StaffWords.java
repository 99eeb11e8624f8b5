package org.bdx.cli.staff;

import java.util.Locale;
import org.bdx.cli.command.CliException;
import org.bdx.proto.v1.StaffRole;

/** The words coordinators use for staff roles. */
final class StaffWords {
  private StaffWords() {}

  static StaffRole role(String word) {
    String w = word == null ? "" : word.strip().toLowerCase(Locale.ROOT);
    return switch (w) {
      case "viewer" -> StaffRole.STAFF_ROLE_VIEWER;
      case "intake" -> StaffRole.STAFF_ROLE_INTAKE;
      case "coordinator" -> StaffRole.STAFF_ROLE_COORDINATOR;
      default ->
          throw CliException.usage(
              "--role", "--role: unknown role '" + word + "'; one of: viewer, intake, coordinator");
    };
  }

  static String word(StaffRole r) {
    return switch (r) {
      case STAFF_ROLE_VIEWER -> "viewer";
      case STAFF_ROLE_INTAKE -> "intake";
      case STAFF_ROLE_COORDINATOR -> "coordinator";
      default -> "unknown";
    };
  }
}
