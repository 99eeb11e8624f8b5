package org.bdx.node.edge;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.security.cert.CertificateException;
import java.util.Objects;
import java.util.function.Predicate;
import javax.net.ssl.SSLSession;
import org.bdx.node.identity.NodeId;
import org.bdx.node.sync.RefusedMessages;
import org.bdx.node.tls.PartnerTrustManager;
import org.bdx.node.tls.PeerKeys;

/**
 * Counts a partner's federation calls that this node ended with a refusal ({@link
 * RefusedMessages#isRefusal}) in {@link RefusedMessages}.
 *
 * <p>A stream tracer rather than an interceptor: grpc-java ends a call whose request is over the
 * size limit in the transport, before any interceptor sees a message; the tracer still learns the
 * final status. The caller's node id is derived from its TLS certificate only when a call ends
 * refused, so honest calls cost nothing but a status check.
 */
public final class RefusedCallCounter extends ServerStreamTracer.Factory {
  private final PartnerTrustManager trust;
  private final RefusedMessages refused;

  public RefusedCallCounter(Predicate<NodeId> isPartner, RefusedMessages refused) {
    this(isPartner, refused, PeerKeys.FIRST_KEYS);
  }

  /** Identifying callers with the key logs {@code peerKeys} holds (spec KEY-19). */
  public RefusedCallCounter(
      Predicate<NodeId> isPartner, RefusedMessages refused, PeerKeys peerKeys) {
    this.trust =
        PartnerTrustManager.forPartners(Objects.requireNonNull(isPartner, "isPartner"))
            .withPeerKeys(peerKeys);
    this.refused = Objects.requireNonNull(refused, "refused");
  }

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    return new ServerStreamTracer() {
      // The transport may close the stream (an oversized request) before the call has started
      // on the executor, so either event may come first; the second one counts.
      private SSLSession session;
      private Status closed;
      private boolean started;

      @Override
      public void serverCallStarted(ServerCallInfo<?, ?> callInfo) {
        Status s;
        synchronized (this) {
          started = true;
          session = callInfo.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
          s = closed;
        }
        if (s != null) {
          count(session, s);
        }
      }

      @Override
      public void streamClosed(Status status) {
        SSLSession s;
        synchronized (this) {
          closed = status;
          if (!started) {
            return;
          }
          s = session;
        }
        count(s, status);
      }
    };
  }

  private void count(SSLSession session, Status status) {
    if (session == null || !RefusedMessages.isRefusal(status.getCode())) {
      return;
    }
    try {
      refused.record(trust.checkSession(session));
    } catch (CertificateException e) {
      // Not a partner (or no longer one): nobody to count it against.
    }
  }
}
