package org.bdx.node.tls;

import java.security.cert.CertificateException;
import java.util.Objects;
import java.util.Optional;
import org.bdx.node.identity.NodeId;

/**
 * The node that answered at a partner's endpoint is a different node from the one pinned for it:
 * the endpoint is up, but the node id given for the partner is wrong (or the endpoint is). Kept
 * apart from other handshake failures so the coordinator is told this, not "not reachable".
 */
public final class WrongNodeException extends CertificateException {
  private static final long serialVersionUID = 1L;

  private final transient NodeId expected;
  private final transient NodeId presented;

  public WrongNodeException(NodeId expected, NodeId presented) {
    super(
        "the node at this address is a different node: it has fingerprint "
            + presented.fingerprint()
            + ", the partner was added with fingerprint "
            + expected.fingerprint());
    this.expected = Objects.requireNonNull(expected, "expected");
    this.presented = Objects.requireNonNull(presented, "presented");
  }

  public NodeId expected() {
    return expected;
  }

  public NodeId presented() {
    return presented;
  }

  /** The wrong-node refusal somewhere in {@code t}'s causes (gRPC wraps the handshake's). */
  public static Optional<WrongNodeException> in(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof WrongNodeException w) {
        return Optional.of(w);
      }
    }
    return Optional.empty();
  }
}
