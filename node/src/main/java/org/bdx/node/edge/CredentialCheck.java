package org.bdx.node.edge;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Requires the node's client credential on every call ({@code authorization: Bearer TOKEN}),
 * because the search answers "is this person a known aggressor?" and must not be probed by anyone
 * who can reach the port. A check may accept several credentials: the client API accepts the client
 * and the admin credential (spec ADM-1, CONF-2), the admin API only the admin credential.
 */
public final class CredentialCheck implements ServerInterceptor {
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String SCHEME = "Bearer ";

  private final byte[][] expected;

  /** Accepts any one of {@code tokens}; at least one, none empty. */
  public CredentialCheck(String... tokens) {
    if (tokens.length == 0) {
      throw new IllegalArgumentException("no credential");
    }
    this.expected = new byte[tokens.length][];
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] == null || tokens[i].isBlank()) {
        throw new IllegalArgumentException("empty client credential");
      }
      expected[i] = (SCHEME + tokens[i]).getBytes(StandardCharsets.US_ASCII);
    }
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String presented = headers.get(AUTHORIZATION);
    byte[] got = presented == null ? new byte[0] : presented.getBytes(StandardCharsets.US_ASCII);
    // Constant time, so the credential cannot be guessed byte by byte; every token is compared,
    // so the time does not tell which one matched.
    boolean ok = false;
    for (byte[] e : expected) {
      ok |= MessageDigest.isEqual(e, got);
    }
    if (!ok) {
      call.close(
          Status.UNAUTHENTICATED.withDescription("missing or wrong credential"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
