package org.bdx.node.edge;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.bdx.node.access.Principal;
import org.bdx.node.home.ScreeningSettings;
import org.bdx.proto.v1.ClientServiceGrpc;

/**
 * A rate limit per staff account on the calls that answer "is this person listed?" (searches and
 * alert views, spec API-9), so a stolen credential cannot become an aggressor's oracle. A token
 * bucket per account ({@link ScreeningSettings}); over the limit a call ends with {@code
 * RESOURCE_EXHAUSTED}, a description saying when to try again, and a {@code google.rpc.RetryInfo}
 * detail. Runs after {@link CredentialCheck}, which names the account.
 */
public final class ScreeningLimit implements ServerInterceptor {
  /** The calls that are limited. */
  static final Set<String> LIMITED =
      Set.of(
          ClientServiceGrpc.getSearchAlertsMethod().getFullMethodName(),
          ClientServiceGrpc.getGetAlertMethod().getFullMethodName());

  private final ScreeningSettings settings;
  private final Clock clock;
  private final Consumer<Refusal> refused;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** A refused call, for the audit log. */
  public record Refusal(String account, String method, long retryAfterSeconds) {}

  /**
   * @param refused told of every refusal (the audit records it)
   */
  public ScreeningLimit(ScreeningSettings settings, Clock clock, Consumer<Refusal> refused) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.refused = Objects.requireNonNull(refused, "refused");
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Optional<Principal> who = Principal.current();
    if (!LIMITED.contains(method) || who.isEmpty()) {
      return next.startCall(call, headers);
    }
    String account = who.get().name().toLowerCase(java.util.Locale.ROOT);
    long waitMillis =
        buckets.computeIfAbsent(account, a -> new Bucket()).take(clock.millis(), settings);
    if (waitMillis == 0) {
      return next.startCall(call, headers);
    }
    long seconds = Math.max(1, (waitMillis + 999) / 1000);
    refused.accept(new Refusal(who.get().name(), method, seconds));
    StatusRuntimeException e =
        StatusProto.toStatusRuntimeException(
            com.google.rpc.Status.newBuilder()
                .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
                .setMessage(
                    "too many searches and alert views from staff account "
                        + who.get().name()
                        + "; try again in "
                        + seconds
                        + " s")
                .addDetails(
                    Any.pack(
                        RetryInfo.newBuilder()
                            .setRetryDelay(Duration.newBuilder().setSeconds(seconds))
                            .build()))
                .build());
    call.close(e.getStatus(), e.getTrailers() == null ? new Metadata() : e.getTrailers());
    return new ServerCall.Listener<>() {};
  }

  /** One account's tokens; refilled continuously at the per-minute rate. */
  private static final class Bucket {
    private double tokens = -1; // full on first use
    private long lastMillis;

    /** Takes one token: 0, or how many milliseconds until one is there (nothing taken). */
    synchronized long take(long nowMillis, ScreeningSettings s) {
      double perMilli = s.perMinute() / 60_000.0;
      if (tokens < 0) {
        tokens = s.burst();
      } else {
        long elapsed = Math.max(0, nowMillis - lastMillis);
        tokens = Math.min(s.burst(), tokens + elapsed * perMilli);
      }
      lastMillis = nowMillis;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return (long) Math.ceil((1 - tokens) / perMilli);
    }
  }
}
