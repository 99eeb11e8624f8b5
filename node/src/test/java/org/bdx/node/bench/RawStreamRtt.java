package org.bdx.node.bench;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.tls.FederationTls;

/**
 * The raw limit: a bidirectional gRPC stream that echoes byte messages, between a Netty server and
 * a Netty client in this JVM on loopback, over the same mutual TLS 1.3 (JDK engine, Ed25519 node
 * certificates) the federation endpoint uses. One message in flight at a time.
 */
final class RawStreamRtt {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private static final MethodDescriptor<byte[], byte[]> ECHO =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .setFullMethodName(MethodDescriptor.generateFullMethodName("bench.Echo", "Stream"))
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();

  private RawStreamRtt() {}

  /** Round-trip times in nanoseconds of {@code rounds} messages of {@code size} bytes. */
  static long[] measure(int size, int warmup, int rounds) throws Exception {
    SecureRandom rng = new SecureRandom();
    NodeKeys serverKeys = NodeKeys.generate(rng);
    NodeKeys clientKeys = NodeKeys.generate(rng);
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("bench.Echo")
            .addMethod(
                ECHO,
                ServerCalls.asyncBidiStreamingCall(
                    (StreamObserver<byte[]> out) ->
                        new StreamObserver<byte[]>() {
                          @Override
                          public void onNext(byte[] value) {
                            out.onNext(value);
                          }

                          @Override
                          public void onError(Throwable t) {}

                          @Override
                          public void onCompleted() {
                            out.onCompleted();
                          }
                        }))
            .build();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .sslContext(
                FederationTls.serverContext(serverKeys, id -> id.equals(clientKeys.nodeId())))
            .addService(service)
            .build()
            .start();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
            .sslContext(FederationTls.clientContext(clientKeys, serverKeys.nodeId()))
            .build();
    try {
      BlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();
      StreamObserver<byte[]> requests =
          ClientCalls.asyncBidiStreamingCall(
              channel.newCall(ECHO, CallOptions.DEFAULT),
              new StreamObserver<byte[]>() {
                @Override
                public void onNext(byte[] value) {
                  replies.add(value);
                }

                @Override
                public void onError(Throwable t) {
                  replies.add(new byte[0]);
                }

                @Override
                public void onCompleted() {}
              });
      byte[] payload = new byte[size];
      rng.nextBytes(payload);
      long[] rtt = new long[rounds];
      for (int i = 0; i < warmup + rounds; i++) {
        long t0 = System.nanoTime();
        requests.onNext(payload);
        byte[] back = replies.poll(10, TimeUnit.SECONDS);
        long t1 = System.nanoTime();
        if (back == null || back.length != size) {
          throw new IllegalStateException("echo failed at round " + i);
        }
        if (i >= warmup) {
          rtt[i - warmup] = t1 - t0;
        }
      }
      requests.onCompleted();
      return rtt;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
