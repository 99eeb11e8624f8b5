package org.bdx.node.tls;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.bdx.node.identity.NodeId;

/**
 * Learns a partner's public key from its federation endpoint. Coordinators pin partners by node id
 * (a hash of the key); signed agreements carry the key itself, so before the first proposal the
 * node connects once and reads the key from the certificate the handshake already checked against
 * the pinned id.
 */
public final class PartnerKeyProbe {
  private PartnerKeyProbe() {}

  /**
   * @throws io.grpc.StatusRuntimeException UNAVAILABLE if the partner cannot be reached or refused
   *     the handshake
   */
  public static byte[] publicKey(PartnerChannels channels, NodeId partner, String endpoint) {
    ManagedChannel ch = channels.open(partner, endpoint);
    AtomicReference<SSLSession> session = new AtomicReference<>();
    try {
      HealthGrpc.newBlockingStub(ch)
          .withInterceptors(new SessionCapture(session))
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance());
    } finally {
      ch.shutdownNow();
    }
    SSLSession s = session.get();
    if (s == null) {
      throw Status.UNAVAILABLE
          .withDescription("the partner's endpoint did not use TLS")
          .asRuntimeException();
    }
    try {
      Certificate[] chain = s.getPeerCertificates();
      X509Certificate cert = (X509Certificate) chain[0];
      byte[] key = NodeCertificate.ed25519PublicKey(cert);
      if (!partner.matches(key)) {
        // The trust manager already checked this; a mismatch here means a bug, so fail closed.
        throw Status.UNAUTHENTICATED
            .withDescription("the partner's certificate key does not match its node id")
            .asRuntimeException();
      }
      return key;
    } catch (SSLPeerUnverifiedException | CertificateException | ClassCastException e) {
      throw Status.UNAUTHENTICATED
          .withDescription("the partner presented no usable certificate")
          .asRuntimeException();
    }
  }

  private static final class SessionCapture implements ClientInterceptor {
    private final AtomicReference<SSLSession> session;

    SessionCapture(AtomicReference<SSLSession> session) {
      this.session = session;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          ClientCall<Q, R> call = this;
          super.start(
              new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                @Override
                public void onHeaders(Metadata h) {
                  session.set(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
                  super.onHeaders(h);
                }
              },
              headers);
        }
      };
    }
  }
}
