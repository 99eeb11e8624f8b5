package org.bdx.node.edge;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.InputStream;

/**
 * Decodes each request message inside the call, so that bytes which are not the method's request
 * message end the call with {@code INVALID_ARGUMENT} (spec HOST-2). Without this, grpc-java decodes
 * outside the application's reach and ends such a call with {@code UNKNOWN}, after logging the
 * parse error as an application failure.
 *
 * <p>Wrap a service definition with {@link #strict}; interceptors added around the result see the
 * raw {@link InputStream} messages, and the service itself sees its typed messages as before.
 */
public final class RequestDecoding {
  private RequestDecoding() {}

  /** {@code service} with every method decoding its requests itself. */
  public static ServerServiceDefinition strict(ServerServiceDefinition service) {
    ServerServiceDefinition.Builder b =
        ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
    for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
      add(b, m);
    }
    return b.build();
  }

  private static <Q, R> void add(
      ServerServiceDefinition.Builder b, ServerMethodDefinition<Q, R> m) {
    MethodDescriptor<Q, R> typed = m.getMethodDescriptor();
    MethodDescriptor<InputStream, R> raw =
        typed.toBuilder(RawStream.INSTANCE, typed.getResponseMarshaller()).build();
    ServerCallHandler<Q, R> inner = m.getServerCallHandler();
    b.addMethod(
        raw,
        (call, headers) -> {
          TypedCall<Q, R> t = new TypedCall<>(call, typed);
          return new Decoding<>(t, inner.startCall(t, headers));
        });
  }

  /** Hands the transport's stream through undecoded. */
  private enum RawStream implements MethodDescriptor.Marshaller<InputStream> {
    INSTANCE;

    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      return stream;
    }
  }

  /** Decodes each message; on failure ends the call and tells the service it was cancelled. */
  private static final class Decoding<Q, R> extends ServerCall.Listener<InputStream> {
    private final TypedCall<Q, R> call;
    private final ServerCall.Listener<Q> delegate;
    private boolean refused;

    Decoding(TypedCall<Q, R> call, ServerCall.Listener<Q> delegate) {
      this.call = call;
      this.delegate = delegate;
    }

    @Override
    public void onMessage(InputStream message) {
      if (refused) {
        return;
      }
      Q request;
      try {
        request = call.typed.parseRequest(message);
      } catch (RuntimeException e) {
        refused = true;
        // The description names the method only: never the bytes, which may hold content.
        call.closeIfOpen(
            Status.INVALID_ARGUMENT.withDescription(
                "the request is not a valid "
                    + call.typed.getBareMethodName()
                    + " request message"));
        delegate.onCancel(); // the service releases what it holds for the call
        return;
      }
      delegate.onMessage(request);
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        delegate.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      if (!refused) {
        delegate.onCancel();
      }
    }

    @Override
    public void onComplete() {
      if (!refused) {
        delegate.onComplete();
      }
    }

    @Override
    public void onReady() {
      if (!refused) {
        delegate.onReady();
      }
    }
  }

  /** The raw call as the service's typed call; closes at most once, sends nothing after. */
  private static final class TypedCall<Q, R> extends ServerCall<Q, R> {
    private final ServerCall<InputStream, R> raw;
    final MethodDescriptor<Q, R> typed;
    private boolean closed;

    TypedCall(ServerCall<InputStream, R> raw, MethodDescriptor<Q, R> typed) {
      this.raw = raw;
      this.typed = typed;
    }

    synchronized void closeIfOpen(Status status) {
      if (!closed) {
        closed = true;
        raw.close(status, new Metadata());
      }
    }

    @Override
    public void request(int numMessages) {
      raw.request(numMessages);
    }

    @Override
    public synchronized void sendHeaders(Metadata headers) {
      if (!closed) {
        raw.sendHeaders(headers);
      }
    }

    @Override
    public synchronized void sendMessage(R message) {
      if (!closed) {
        raw.sendMessage(message);
      }
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
      if (!closed) {
        closed = true;
        raw.close(status, trailers);
      }
    }

    @Override
    public boolean isReady() {
      return raw.isReady();
    }

    @Override
    public boolean isCancelled() {
      return raw.isCancelled();
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      raw.setMessageCompression(enabled);
    }

    @Override
    public void setCompression(String compressor) {
      raw.setCompression(compressor);
    }

    @Override
    public void setOnReadyThreshold(int numBytes) {
      raw.setOnReadyThreshold(numBytes);
    }

    @Override
    public SecurityLevel getSecurityLevel() {
      return raw.getSecurityLevel();
    }

    @Override
    public Attributes getAttributes() {
      return raw.getAttributes();
    }

    @Override
    public String getAuthority() {
      return raw.getAuthority();
    }

    @Override
    public MethodDescriptor<Q, R> getMethodDescriptor() {
      return typed;
    }
  }
}
