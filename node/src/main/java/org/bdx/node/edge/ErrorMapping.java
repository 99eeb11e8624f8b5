package org.bdx.node.edge;

import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bdx.node.error.BdxException;
import org.bdx.node.error.FieldViolation;

/**
 * Turns domain exceptions into gRPC statuses, in one place. Expected outcomes become the status a
 * client can act on; anything else is INTERNAL with no detail, and the log names only the exception
 * type and the call, never a message that might hold report content.
 */
public final class ErrorMapping implements ServerInterceptor {
  private static final Logger LOG = Logger.getLogger(ErrorMapping.class.getName());

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ServerCall.Listener<Q> delegate = next.startCall(call, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onMessage(Q message) {
        guard(call, () -> super.onMessage(message));
      }

      @Override
      public void onHalfClose() {
        guard(call, super::onHalfClose);
      }
    };
  }

  private static void guard(ServerCall<?, ?> call, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      StatusRuntimeException s = toStatus(e, call.getMethodDescriptor().getFullMethodName());
      call.close(s.getStatus(), s.getTrailers() == null ? new Metadata() : s.getTrailers());
    }
  }

  /**
   * The status a failed call ends with: a {@link BdxException} becomes the status of its kind, with
   * its message (written to be shown) and, for invalid fields, a {@code google.rpc.BadRequest}
   * detail naming each one. An {@link IllegalArgumentException} from parsing at the boundary (a
   * malformed node id, say) is the caller's fault. Anything else is INTERNAL with no detail.
   */
  public static StatusRuntimeException toStatus(RuntimeException e, String method) {
    if (e instanceof StatusRuntimeException sre) {
      return sre;
    }
    if (e instanceof BdxException b) {
      return toStatus(b);
    }
    if (e instanceof IllegalArgumentException) {
      return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }
    LOG.log(
        Level.SEVERE,
        "internal error in {0}: {1} at {2}",
        new Object[] {
          method, e.getClass().getName(), e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?"
        });
    return Status.INTERNAL
        .withDescription("internal error; the node log has the error type")
        .asRuntimeException();
  }

  /** The status of an expected outcome; see {@link #toStatus(RuntimeException, String)}. */
  public static StatusRuntimeException toStatus(BdxException e) {
    if (!e.violations().isEmpty()) {
      BadRequest.Builder br = BadRequest.newBuilder();
      for (FieldViolation v : e.violations()) {
        br.addFieldViolations(
            BadRequest.FieldViolation.newBuilder().setField(v.field()).setDescription(v.problem()));
      }
      com.google.rpc.Status status =
          com.google.rpc.Status.newBuilder()
              .setCode(Code.INVALID_ARGUMENT_VALUE)
              .setMessage("invalid report: " + e.getMessage())
              .addDetails(com.google.protobuf.Any.pack(br.build()))
              .build();
      return StatusProto.toStatusRuntimeException(status);
    }
    Status base =
        switch (e.kind()) {
          case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
          case NOT_FOUND -> Status.NOT_FOUND;
          case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
          case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
          case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
          case UNAVAILABLE -> Status.UNAVAILABLE;
          case ABORTED -> Status.ABORTED;
        };
    return base.withDescription(e.getMessage()).asRuntimeException();
  }
}
