package org.bdx.node.client;

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
 * who can reach the port.
 */
public final class ClientCredentialCheck implements ServerInterceptor {
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String SCHEME = "Bearer ";

  private final byte[] expected;

  public ClientCredentialCheck(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("empty client credential");
    }
    this.expected = (SCHEME + token).getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String presented = headers.get(AUTHORIZATION);
    byte[] got = presented == null ? new byte[0] : presented.getBytes(StandardCharsets.US_ASCII);
    // Constant time, so the credential cannot be guessed byte by byte.
    if (!MessageDigest.isEqual(expected, got)) {
      call.close(
          Status.UNAUTHENTICATED.withDescription("missing or wrong credential"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
