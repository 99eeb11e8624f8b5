package org.bdx.node.edge;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.CertificateException;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bdx.node.identity.NodeId;
import org.bdx.node.tls.PartnerTrustManager;
import org.bdx.node.tls.PeerKeys;

/**
 * Identifies the calling node from its TLS certificate and puts its id under {@link
 * PeerIdentity#KEY} for the call (spec FED-TLS-7, FED-TLS-9). Every call is checked again against
 * the partner predicate, not only the handshake: a resumed TLS session skips the trust manager, and
 * a partner removed while its connection stays open must lose access at its next call.
 *
 * <p>A call without TLS, without a client certificate, or from a node that is not (or no longer) a
 * partner is closed with {@code UNAUTHENTICATED} and a fixed description that says nothing about
 * this node's partners.
 */
public final class PeerIdentityInterceptor implements ServerInterceptor {
  private static final Logger LOG = Logger.getLogger(PeerIdentityInterceptor.class.getName());

  /** The only thing a refused caller learns. */
  public static final String REFUSAL = "this node does not accept calls from the caller";

  private final PartnerTrustManager trust;

  public PeerIdentityInterceptor(Predicate<NodeId> isPartner) {
    this(isPartner, PeerKeys.FIRST_KEYS);
  }

  /** Identifying callers with the key logs {@code peerKeys} holds (spec KEY-19). */
  public PeerIdentityInterceptor(Predicate<NodeId> isPartner, PeerKeys peerKeys) {
    this.trust =
        PartnerTrustManager.forPartners(Objects.requireNonNull(isPartner, "isPartner"))
            .withPeerKeys(peerKeys);
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    NodeId peer;
    try {
      peer = trust.checkSession(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    } catch (CertificateException e) {
      LOG.log(Level.INFO, "refused a federation call: {0}", e.getMessage());
      call.close(Status.UNAUTHENTICATED.withDescription(REFUSAL), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Context context = Context.current().withValue(PeerIdentity.KEY, peer);
    return Contexts.interceptCall(context, call, headers, next);
  }
}
