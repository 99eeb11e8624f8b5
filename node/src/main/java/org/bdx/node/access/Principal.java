package org.bdx.node.access;

import io.grpc.Context;
import java.util.Objects;
import org.bdx.proto.v1.StaffRole;

/**
 * Who is calling the local APIs: the staff account whose credential the call carried. The edge puts
 * it in the call's {@link Context} under {@link #KEY}, so rooms that record who did what (the
 * audit, rate limits) read it from there.
 *
 * @param name the account's name
 * @param role what the account may do
 */
public record Principal(String name, StaffRole role) {
  public static final Context.Key<Principal> KEY = Context.key("bdx-staff-principal");

  public Principal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
  }

  /** Whether this account may do what needs {@code needed}: each role includes those below it. */
  public boolean mayAct(StaffRole needed) {
    return role.getNumber() >= needed.getNumber();
  }

  /** The caller of the current call, if the edge authenticated one. */
  public static java.util.Optional<Principal> current() {
    return java.util.Optional.ofNullable(KEY.get());
  }
}
