package org.bdx.cli.command;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.bdx.node.home.ClientApiSettings;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.KeyFiles;
import org.bdx.node.tls.FederationTls;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.DistributionServiceGrpc;
import org.bdx.proto.v1.StatsServiceGrpc;

/** The CLI's connection to a running node's client API, with its errors made readable. */
public final class NodeConnection implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** A credential file larger than this is not a credential. */
  private static final int MAX_CREDENTIAL_BYTES = 1024;

  private final ManagedChannel channel;
  private final String target;
  private final NodeHome home;
  private final Path credentialFile;

  private NodeConnection(
      ManagedChannel channel, String target, NodeHome home, Path credentialFile) {
    this.channel = channel;
    this.target = target;
    this.home = home;
    this.credentialFile = credentialFile;
  }

  private static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata m = new Metadata();
        m.put(AUTHORIZATION, "Bearer " + token);
        applier.apply(m);
      }
    };
  }

  /** Connects with the coordinator's credential of {@code home} ({@code admin.token}). */
  public static NodeConnection open(NodeHome home) throws IOException {
    return open(home, null);
  }

  /**
   * Connects to the node of {@code home}, using the staff credential in {@code credentialFile}, or
   * the coordinator's credential of the home when it is null.
   */
  public static NodeConnection open(NodeHome home, Path credentialFile) throws IOException {
    NodeConfig config = home.loadConfig();
    NodeConfig.HostPort listen = config.listen();
    String host =
        switch (listen.host()) {
          // A node listening on every interface is reachable on loopback.
          case "0.0.0.0", "::", "0:0:0:0:0:0:0:0" -> "127.0.0.1";
          default -> listen.host();
        };
    if (listen.port() == 0) {
      throw new CliException(
          "the node's settings have port 0 (any free port), so the CLI cannot find it;"
              + " set client.listen in "
              + home.configFile()
              + " to a fixed port");
    }
    NettyChannelBuilder builder =
        NettyChannelBuilder.forAddress(host, listen.port()).maxInboundMessageSize(16 << 20);
    if (ClientApiSettings.load(home.configFile()).tls()) {
      // The node serves its own certificate; it is accepted by the node id in keys/node.pub.
      builder.sslContext(FederationTls.clientApiClientContext(KeyFiles.loadPublic(home.dir())));
    } else {
      builder.usePlaintext();
    }
    ManagedChannel ch = builder.build();
    return new NodeConnection(
        ch, new NodeConfig.HostPort(host, listen.port()).toString(), home, credentialFile);
  }

  /** Calls the client API; turns gRPC failures into one clear {@link CliException}. */
  public <T> T call(Function<ClientServiceGrpc.ClientServiceBlockingStub, T> rpc)
      throws IOException {
    var stub = ClientServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(credential()));
    try {
      return rpc.apply(stub.withDeadlineAfter(30, TimeUnit.SECONDS));
    } catch (StatusRuntimeException e) {
      throw failure(e, this);
    }
  }

  /** Calls the admin API (a coordinator's credential is needed). */
  public <T> T admin(Function<AdminServiceGrpc.AdminServiceBlockingStub, T> rpc)
      throws IOException {
    var stub = AdminServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(credential()));
    try {
      return rpc.apply(stub.withDeadlineAfter(30, TimeUnit.SECONDS));
    } catch (StatusRuntimeException e) {
      throw failure(e, this);
    }
  }

  /** Calls the stats API (counts for trends; any staff role, spec STAT-1). */
  public <T> T stats(Function<StatsServiceGrpc.StatsServiceBlockingStub, T> rpc)
      throws IOException {
    var stub = StatsServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(credential()));
    try {
      return rpc.apply(stub.withDeadlineAfter(60, TimeUnit.SECONDS));
    } catch (StatusRuntimeException e) {
      throw failure(e, this);
    }
  }

  /**
   * Calls the distribution API (subscribers and bulletins sent to them; a coordinator's credential
   * is needed).
   */
  public <T> T distribution(
      Function<DistributionServiceGrpc.DistributionServiceBlockingStub, T> rpc) throws IOException {
    var stub =
        DistributionServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(credential()));
    try {
      // Longer than the node's sending budget (15 seconds), so a slow SMTP server is reported by
      // the node rather than as a timeout here.
      return rpc.apply(stub.withDeadlineAfter(60, TimeUnit.SECONDS));
    } catch (StatusRuntimeException e) {
      throw failure(e, this);
    }
  }

  /**
   * The admin API for a long server stream ({@code CreateBackup}): no deadline, since a large node
   * takes as long as it takes. Failures surface while reading the stream; {@link #explain} words
   * them.
   */
  public AdminServiceGrpc.AdminServiceBlockingStub adminStream() throws IOException {
    return AdminServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(credential()));
  }

  /** {@link #failure(StatusRuntimeException, NodeConnection)} of a call on this connection. */
  public CliException failure(StatusRuntimeException e) {
    return failure(e, this);
  }

  /**
   * A failed call as the CLI reports it: {@link #explain}'s words, the exit code for its kind (3
   * when our node is not running or not reachable, 4 when it refused the credential or its role,
   * else 1) and the request field the node blamed, if any. A partner's failure that our node
   * reports is a failure (1) whatever its status: our node answered.
   */
  public static CliException failure(StatusRuntimeException e, NodeConnection conn) {
    Status s = e.getStatus();
    boolean partners = s.getDescription() != null && s.getDescription().startsWith("partner ");
    int code =
        partners
            ? CliException.FAILURE
            : switch (s.getCode()) {
              case UNAVAILABLE, DEADLINE_EXCEEDED -> CliException.UNREACHABLE;
              case UNAUTHENTICATED, PERMISSION_DENIED -> CliException.REFUSED;
              default -> CliException.FAILURE;
            };
    return new CliException(explain(e, conn), code, blamedField(e));
  }

  /** The first field a refused request was refused for, or null. */
  private static String blamedField(StatusRuntimeException e) {
    if (e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT) {
      return null;
    }
    BadRequest br = badRequest(e);
    return br == null || br.getFieldViolationsCount() == 0
        ? null
        : br.getFieldViolations(0).getField();
  }

  private static BadRequest badRequest(StatusRuntimeException e) {
    com.google.rpc.Status rich = StatusProto.fromThrowable(e);
    if (rich != null) {
      for (com.google.protobuf.Any any : rich.getDetailsList()) {
        if (any.is(BadRequest.class)) {
          try {
            return any.unpack(BadRequest.class);
          } catch (InvalidProtocolBufferException ignored) {
            // fall back to the plain description
          }
        }
      }
    }
    return null;
  }

  private String credential() throws IOException {
    if (credentialFile == null) {
      return home.readAdminToken();
    }
    byte[] bytes;
    try {
      if (Files.size(credentialFile) > MAX_CREDENTIAL_BYTES) {
        throw new CliException(credentialFile + " is too large to be a credential");
      }
      bytes = Files.readAllBytes(credentialFile);
    } catch (NoSuchFileException e) {
      throw new CliException("no such credential file: " + credentialFile);
    }
    String c = new String(bytes, StandardCharsets.UTF_8).strip();
    if (c.isEmpty() || c.chars().anyMatch(ch -> ch < 0x21 || ch > 0x7e)) {
      throw new CliException(credentialFile + " does not hold a credential");
    }
    return c;
  }

  /** What a failed call means, in the coordinator's words; {@code conn} may be null. */
  public static String explain(StatusRuntimeException e, NodeConnection conn) {
    Status s = e.getStatus();
    String where = conn == null ? "the node" : "the node at " + conn.target;
    if (s.getDescription() != null && s.getDescription().startsWith("partner ")) {
      // The node answered; it is a partner of the node that could not be reached or refused.
      return s.getDescription();
    }
    return switch (s.getCode()) {
      case UNAVAILABLE ->
          where
              + " is not running or not reachable."
              + (conn == null ? "" : " Start it with: bdx serve --home " + conn.home.dir());
      case DEADLINE_EXCEEDED -> where + " did not answer in time; is it overloaded?";
      case UNAUTHENTICATED ->
          where
              + " refused the credential (unknown or revoked): is --home the directory of the"
              + " node listening there, and --credential-file a current staff credential?";
      case INVALID_ARGUMENT -> invalid(e);
      case NOT_FOUND -> nullToDefault(s.getDescription(), "not found");
      case PERMISSION_DENIED ->
          nullToDefault(
              s.getDescription(),
              where + " refused: this credential's role may not do this; ask a coordinator");
      case ALREADY_EXISTS, FAILED_PRECONDITION, RESOURCE_EXHAUSTED ->
          nullToDefault(s.getDescription(), s.getCode().toString());
      default -> where + " answered " + s.getCode() + ": " + nullToDefault(s.getDescription(), "");
    };
  }

  private static String invalid(StatusRuntimeException e) {
    BadRequest br = badRequest(e);
    if (br != null) {
      StringBuilder sb = new StringBuilder("the node refused the request:");
      for (BadRequest.FieldViolation v : br.getFieldViolationsList()) {
        sb.append(System.lineSeparator())
            .append("  ")
            .append(v.getField())
            .append(": ")
            .append(v.getDescription());
      }
      return sb.toString();
    }
    return "the node refused the request: "
        + nullToDefault(e.getStatus().getDescription(), "invalid argument");
  }

  private static String nullToDefault(String s, String d) {
    return s == null || s.isEmpty() ? d : s;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
