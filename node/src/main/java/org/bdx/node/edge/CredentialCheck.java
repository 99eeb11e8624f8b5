package org.bdx.node.edge;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.bdx.node.access.Principal;
import org.bdx.node.access.StaffAccounts;
import org.bdx.proto.v1.StaffRole;

/**
 * Requires a staff account's credential on every call of the local APIs ({@code authorization:
 * Bearer CREDENTIAL}), because the search answers "is this person a known aggressor?" and must not
 * be probed by anyone who can reach the port; then requires that the account's role may make the
 * call ({@link Permissions}). The caller's {@link Principal} is put in the call's context.
 *
 * <p>A missing, unknown or revoked credential ends the call with {@code UNAUTHENTICATED} before any
 * byte of the request is decoded; a known account whose role may not make the call, with {@code
 * PERMISSION_DENIED} naming the role needed (spec API-1, ADM-1).
 */
public final class CredentialCheck implements ServerInterceptor {
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String SCHEME = "Bearer ";

  private final Function<String, Optional<Principal>> accounts;

  /**
   * @param accounts finds the active account of a credential ({@link StaffAccounts#authenticate})
   */
  public CredentialCheck(Function<String, Optional<Principal>> accounts) {
    this.accounts = Objects.requireNonNull(accounts, "accounts");
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String presented = headers.get(AUTHORIZATION);
    Optional<Principal> who =
        presented != null && presented.startsWith(SCHEME)
            ? accounts.apply(presented.substring(SCHEME.length()))
            : Optional.empty();
    if (who.isEmpty()) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription("missing or wrong credential"));
    }
    StaffRole needed = Permissions.needed(call.getMethodDescriptor().getFullMethodName());
    if (!who.get().mayAct(needed)) {
      return refuse(
          call,
          Status.PERMISSION_DENIED.withDescription(
              "the staff account "
                  + who.get().name()
                  + " is "
                  + StaffAccounts.word(who.get().role())
                  + "; this call needs "
                  + StaffAccounts.word(needed)));
    }
    Context context = Context.current().withValue(Principal.KEY, who.get());
    return Contexts.interceptCall(context, call, headers, next);
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
