package org.bdx.node;

import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import org.bdx.node.client.ClientApi;
import org.bdx.node.client.ClientCredentialCheck;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.home.NodeHome;
import org.bdx.node.identity.KeyFiles;
import org.bdx.node.identity.NodeId;
import org.bdx.node.identity.NodeKeys;
import org.bdx.node.intake.PhoneNumbers;
import org.bdx.node.intake.ReportIntake;
import org.bdx.node.intake.ReportValidator;
import org.bdx.node.search.AlertSearch;
import org.bdx.node.server.ErrorMapping;
import org.bdx.node.signing.AlertSigner;
import org.bdx.node.signing.AlertVerifier;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.ReportStore;
import org.bdx.proto.v1.GetNodeInfoResponse;

/**
 * One member organization's node, assembled from its home directory: keys, settings, database and
 * the services built on them. Closing it closes the database.
 */
public final class Node implements AutoCloseable {
  public static final String PROTOCOL_VERSION = "bdx.v1";

  private final NodeHome home;
  private final NodeConfig config;
  private final NodeId nodeId;
  private final NodeDatabase db;
  private final ClientApi clientApi;
  private final String clientToken;

  private Node(
      NodeHome home,
      NodeConfig config,
      NodeKeys keys,
      NodeDatabase db,
      String clientToken,
      Clock clock) {
    this.home = home;
    this.config = config;
    this.nodeId = keys.nodeId();
    this.db = db;
    this.clientToken = clientToken;
    SecureRandom rng = new SecureRandom();
    PhoneNumbers phones = new PhoneNumbers(config.phoneRegion());
    ReportStore reports = new ReportStore(db);
    AlertStore alerts = new AlertStore(db);
    ReportIntake intake =
        new ReportIntake(
            new ReportValidator(phones, clock),
            new AlertSigner(keys, rng),
            new AlertVerifier(),
            reports,
            config,
            clock,
            rng);
    GetNodeInfoResponse info =
        GetNodeInfoResponse.newBuilder()
            .setNodeId(nodeId.value())
            .setFingerprint(nodeId.fingerprint())
            .setOrganizationName(config.organizationName())
            .setPublicKey(com.google.protobuf.ByteString.copyFrom(keys.publicKey()))
            .addProtocolVersions(PROTOCOL_VERSION)
            .setSoftwareVersion(softwareVersion())
            .build();
    String ownId = nodeId.value();
    String ownName = config.organizationName();
    // Received alerts arrive with federation; until then every origin we know is ourselves.
    this.clientApi =
        new ClientApi(
            info,
            intake,
            reports,
            alerts,
            new AlertSearch(db),
            phones,
            origin -> origin.equals(ownId) ? ownName : "unknown organization");
  }

  /** What {@code bdx init} reports back. */
  public record Created(NodeId nodeId, NodeHome home) {}

  /** Creates a new node: home directory, keys, settings, client credential and database. */
  public static Created init(NodeHome home, NodeConfig config) throws IOException {
    home.createDirectory();
    SecureRandom rng = new SecureRandom();
    NodeKeys keys = KeyFiles.create(home.dir());
    config.store(home.configFile());
    home.createClientToken(rng);
    home.createAdminToken(rng);
    try (NodeDatabase db = NodeDatabase.open(home.databaseFile())) {
      // Opening applies the schema, so a fresh node starts with a ready database.
    }
    return new Created(keys.nodeId(), home);
  }

  public static Node open(NodeHome home, Clock clock) throws IOException {
    NodeConfig config = home.loadConfig();
    NodeKeys keys = KeyFiles.load(home.dir());
    String token = home.readClientToken();
    NodeDatabase db = NodeDatabase.open(home.databaseFile());
    return new Node(home, config, keys, db, token, clock);
  }

  /** The gRPC services this node serves to local clients, with their interceptors. */
  public List<ServerServiceDefinition> clientServices() {
    return List.of(
        ServerInterceptors.intercept(
            (BindableService) clientApi,
            new ErrorMapping(),
            new ClientCredentialCheck(clientToken)));
  }

  public NodeConfig config() {
    return config;
  }

  public NodeId nodeId() {
    return nodeId;
  }

  public NodeHome home() {
    return home;
  }

  public static String softwareVersion() {
    String v = Node.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public void close() {
    db.close();
  }
}
