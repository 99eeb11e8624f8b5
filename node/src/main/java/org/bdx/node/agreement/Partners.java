package org.bdx.node.agreement;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.bdx.node.error.BdxException;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.identity.NodeId;
import org.bdx.node.store.AgreementStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.StoreException;
import org.bdx.proto.v1.PartnerClass;

/**
 * The registered partner nodes (table {@code partners}), pinned by node id. Only a registered
 * partner may connect over federation TLS, offer an agreement or receive a feed.
 *
 * <p>{@link #isPartner} is answered from an in-memory set that every change made through this
 * object refreshes inside its transaction. The node MUST therefore use one {@code Partners} per
 * database for all changes (the node assembly shares one instance); a change made through another
 * instance is seen here only after {@link #reload()}.
 */
public final class Partners {
  /** Longest partner name. */
  public static final int MAX_NAME_LENGTH = 64;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_NAME_LENGTH + "}");

  /**
   * A registered partner.
   *
   * @param nodeId the partner's node id (its pinned key)
   * @param name the coordinator's local name, 1..64 of {@code [A-Za-z0-9._-]}, unique ignoring case
   * @param endpoint the federation endpoint, HOST:PORT (normalized by {@link
   *     NodeConfig.HostPort#parse})
   * @param partnerClass how this node classifies the partner: what it may receive
   * @param addedAt Unix seconds
   */
  public record PartnerRecord(
      NodeId nodeId, String name, String endpoint, PartnerClass partnerClass, long addedAt) {
    public PartnerRecord {
      Objects.requireNonNull(nodeId, "nodeId");
      List<String> problems = new ArrayList<>();
      checkName(name, problems);
      endpoint = checkEndpoint(endpoint, problems);
      checkClass(partnerClass, problems);
      if (addedAt < 0) {
        problems.add("added_at must not be negative");
      }
      if (!problems.isEmpty()) {
        throw BdxException.invalid("invalid partner: " + String.join("; ", problems));
      }
    }
  }

  private final NodeDatabase db;
  private final AgreementStore agreements;
  private final Clock clock;
  private volatile Set<NodeId> ids;

  public Partners(NodeDatabase db) {
    this(db, Clock.systemUTC());
  }

  public Partners(NodeDatabase db, Clock clock) {
    this.db = Objects.requireNonNull(db, "db");
    this.agreements = new AgreementStore(db);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Registers a partner.
   *
   * @throws BdxException INVALID_ARGUMENT naming every invalid input; ALREADY_EXISTS if the name
   *     (ignoring case) or the node id is taken
   */
  public PartnerRecord add(String name, NodeId nodeId, String endpoint, PartnerClass partnerClass) {
    if (nodeId == null) {
      throw BdxException.invalid("invalid partner: node id is missing");
    }
    PartnerRecord p =
        new PartnerRecord(nodeId, name, endpoint, partnerClass, clock.instant().getEpochSecond());
    return db.inTransaction(
        c -> {
          if (selectById(c, p.nodeId()).isPresent()) {
            throw BdxException.alreadyExists(
                "a partner with node id " + p.nodeId() + " is already registered");
          }
          if (selectByName(c, p.name()).isPresent()) {
            throw BdxException.alreadyExists(
                "the partner name \"" + p.name() + "\" is already taken");
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO partners (node_id, name, endpoint, class, added_at)"
                      + " VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, p.nodeId().value());
            ps.setString(2, p.name());
            ps.setString(3, p.endpoint());
            ps.setInt(4, p.partnerClass().getNumber());
            ps.setLong(5, p.addedAt());
            ps.executeUpdate();
          }
          ids = null;
          return p;
        });
  }

  /** Every partner, by name. */
  public List<PartnerRecord> list() {
    return db.inTransaction(
        c -> {
          List<PartnerRecord> out = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT node_id, name, endpoint, class, added_at FROM partners"
                          + " ORDER BY name COLLATE NOCASE");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(read(rs));
            }
          }
          return out;
        });
  }

  /**
   * The partner named {@code nameOrNodeId} (ignoring case), or whose node id it is (surrounding
   * white space and case ignored). Empty for anything else, including malformed input.
   */
  public Optional<PartnerRecord> find(String nameOrNodeId) {
    if (nameOrNodeId == null) {
      return Optional.empty();
    }
    String s = nameOrNodeId.strip();
    Optional<NodeId> id = parseNodeId(s);
    if (id.isPresent()) {
      return get(id.get());
    }
    if (!NAME.matcher(s).matches()) {
      return Optional.empty();
    }
    return db.inTransaction(c -> selectByName(c, s));
  }

  /** The partner with this node id. */
  public Optional<PartnerRecord> get(NodeId nodeId) {
    if (nodeId == null) {
      return Optional.empty();
    }
    return db.inTransaction(c -> selectById(c, nodeId));
  }

  /** Whether {@code nodeId} is a registered partner; answered from memory after the first call. */
  public boolean isPartner(NodeId nodeId) {
    if (nodeId == null) {
      return false;
    }
    Set<NodeId> snapshot = ids;
    if (snapshot == null) {
      snapshot =
          db.inTransaction(
              c -> {
                Set<NodeId> current = ids;
                if (current == null) {
                  current = loadIds(c);
                  ids = current;
                }
                return current;
              });
    }
    return snapshot.contains(nodeId);
  }

  /** Drops the in-memory set of partner ids; the next {@link #isPartner} reads the database. */
  public void reload() {
    db.inTransaction(
        c -> {
          ids = null;
          return null;
        });
  }

  /**
   * Removes a partner and the rows of its terminated agreements.
   *
   * @throws BdxException NOT_FOUND if unknown; FAILED_PRECONDITION while an agreement with it is
   *     not terminated
   */
  public void remove(String nameOrNodeId) {
    db.inTransaction(
        c -> {
          PartnerRecord p =
              find(nameOrNodeId).orElseThrow(() -> BdxException.notFound("no such partner"));
          if (agreements.hasLiveWith(p.nodeId())) {
            throw BdxException.failedPrecondition(
                "partner \""
                    + p.name()
                    + "\" still has an agreement that is not terminated; terminate it first");
          }
          agreements.deleteTerminatedWith(p.nodeId());
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM partners WHERE node_id = ?")) {
            ps.setString(1, p.nodeId().value());
            ps.executeUpdate();
          }
          ids = null;
          return null;
        });
  }

  // --- validation -----------------------------------------------------------------------------

  static void checkName(String name, List<String> problems) {
    if (name == null || name.isEmpty()) {
      problems.add("name is missing");
    } else if (!NAME.matcher(name).matches()) {
      problems.add(
          "name must be 1 to "
              + MAX_NAME_LENGTH
              + " characters of letters, digits, '.', '_' and '-'");
    } else if (parseNodeId(name).isPresent()) {
      problems.add("name must not be a node id");
    }
  }

  static String checkEndpoint(String endpoint, List<String> problems) {
    if (endpoint == null || endpoint.isBlank()) {
      problems.add("endpoint is missing");
      return endpoint;
    }
    try {
      NodeConfig.HostPort hp = NodeConfig.HostPort.parse(endpoint);
      if (hp.port() == 0) {
        problems.add("endpoint port must be between 1 and 65535");
      }
      if (hp.host().chars().anyMatch(ch -> ch <= ' ' || ch == 0x7f)) {
        problems.add("endpoint host must not contain spaces or control characters");
      }
      return hp.toString();
    } catch (IllegalArgumentException e) {
      problems.add("endpoint: " + e.getMessage());
      return endpoint;
    }
  }

  static void checkClass(PartnerClass partnerClass, List<String> problems) {
    if (partnerClass == null
        || partnerClass == PartnerClass.PARTNER_CLASS_UNSPECIFIED
        || partnerClass == PartnerClass.UNRECOGNIZED) {
      problems.add("partner class must be peer, support or police");
    }
  }

  private static Optional<NodeId> parseNodeId(String s) {
    try {
      return Optional.of(NodeId.parse(s));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  // --- rows -----------------------------------------------------------------------------------

  private static Optional<PartnerRecord> selectById(Connection c, NodeId id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT node_id, name, endpoint, class, added_at FROM partners WHERE node_id = ?")) {
      ps.setString(1, id.value());
      return one(ps);
    }
  }

  private static Optional<PartnerRecord> selectByName(Connection c, String name)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT node_id, name, endpoint, class, added_at FROM partners WHERE name = ?")) {
      ps.setString(1, name); // the column is COLLATE NOCASE
      return one(ps);
    }
  }

  private static Optional<PartnerRecord> one(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(read(rs)) : Optional.empty();
    }
  }

  private static Set<NodeId> loadIds(Connection c) throws SQLException {
    Set<NodeId> out = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT node_id FROM partners");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new NodeId(rs.getString(1)));
      }
    }
    return Set.copyOf(out);
  }

  private static PartnerRecord read(ResultSet rs) throws SQLException {
    try {
      return new PartnerRecord(
          new NodeId(rs.getString(1)),
          rs.getString(2),
          rs.getString(3),
          PartnerClass.forNumber(rs.getInt(4)),
          rs.getLong(5));
    } catch (IllegalArgumentException | BdxException e) {
      throw new StoreException("a stored partner row is malformed");
    }
  }
}
