package org.bdx.node.edge;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Optional;
import org.bdx.node.access.Principal;
import org.bdx.node.audit.AuditLog;

/**
 * Makes the staff account that {@link CredentialCheck} named the actor of every audit entry the
 * call records ({@link AuditLog#as}), on whichever thread runs each step of the call. Runs inside
 * {@link CredentialCheck}. The scope is the thread's, not the gRPC context's, so work the call
 * starts elsewhere (a partner's feed opened after an agreement changed) is the node's own.
 */
public final class AuditActor implements ServerInterceptor {
  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Optional<Principal> who = Principal.current();
    if (who.isEmpty()) {
      return next.startCall(call, headers);
    }
    String actor = who.get().name();
    ServerCall.Listener<Q> started = AuditLog.as(actor, () -> next.startCall(call, headers));
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(started) {
      @Override
      public void onMessage(Q message) {
        AuditLog.as(actor, () -> delegate().onMessage(message));
      }

      @Override
      public void onHalfClose() {
        AuditLog.as(actor, () -> delegate().onHalfClose());
      }

      @Override
      public void onCancel() {
        AuditLog.as(actor, () -> delegate().onCancel());
      }

      @Override
      public void onComplete() {
        AuditLog.as(actor, () -> delegate().onComplete());
      }

      @Override
      public void onReady() {
        AuditLog.as(actor, () -> delegate().onReady());
      }
    };
  }
}
