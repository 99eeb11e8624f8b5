package org.bdx.node.sync;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bdx.node.identity.NodeId;
import org.bdx.node.policy.Grant;
import org.bdx.node.search.AlertIndex;
import org.bdx.node.signing.AlertVerifier;
import org.bdx.node.store.AlertCopies;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.StoredAlert;
import org.bdx.node.store.SyncStateStore;
import org.bdx.node.store.TestCiphers;
import org.bdx.proto.v1.AlertHeader;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.DirectionTerms;
import org.bdx.proto.v1.FeedItem;

/**
 * Runs one case of spec/vectors/feed.json through the reference receiver: a real {@link
 * FeedReceiver} on a fresh database, with the case's clock, tolerated skew, node id and inbound
 * grants, and reports for each step what it did (the outcome) and what it then holds of the step's
 * alert. {@link FeedVectorGenerator} writes these reports into the file; {@code FeedVectorsTest}
 * runs the file's own items through it again. Nothing here knows what a step should do.
 */
final class FeedVectorRunner implements AutoCloseable {

  /** A partner with an ACTIVE agreement granting it to send to the receiver. */
  record Partner(String name, NodeId nodeId, String agreementId, DirectionTerms inbound) {}

  private final NodeDatabase db;
  private final AlertStore alerts;
  private final FeedReceiver receiver;
  private final Map<String, Partner> byName = new HashMap<>();
  private final Map<NodeId, String> names = new HashMap<>();

  /**
   * @param dir an empty directory for the receiver's database
   * @param self the receiver's node id (an item whose origin it is is ignored, RELAY-5)
   * @param now the receiver's clock, Unix seconds, fixed for the whole case
   * @param maxSkewSeconds how far ahead of {@code now} an item may be issued (TIME-1)
   */
  FeedVectorRunner(Path dir, NodeId self, long now, long maxSkewSeconds, List<Partner> partners) {
    db = NodeDatabase.open(dir.resolve("receiver.db"), TestCiphers.CIPHER);
    alerts = new AlertStore(db, new AlertIndex());
    SyncFixture.FakeGrants grants = new SyncFixture.FakeGrants();
    for (Partner p : partners) {
      grants.in.put(p.nodeId(), new Grant(p.nodeId(), p.agreementId(), p.inbound()));
      byName.put(p.name(), p);
      names.put(p.nodeId(), p.name());
    }
    Clock clock = Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC);
    FeedChecks checks =
        new FeedChecks(
            alerts, new AlertVerifier(), grants, clock, Duration.ofSeconds(maxSkewSeconds), self);
    receiver = new FeedReceiver(db, alerts, new SyncStateStore(db), checks);
  }

  /**
   * Delivers {@code item} from the partner named {@code from}, alone in its batch, and reports:
   * {@code outcome}; for a rejection its FEED-8 {@code reason} and, for VERIFICATION_FAILED, the
   * SIG-7 {@code verification_reason}; and {@code held}, the receiver's state of the item's alert
   * afterwards ({@link #held}).
   */
  JsonObject step(String from, FeedItem item) {
    Partner p = byName.get(from);
    if (p == null) {
      throw new IllegalArgumentException("no partner named " + from);
    }
    Optional<AlertKey> key = AlertKey.of(item);
    Optional<StoredAlert> before = key.flatMap(k -> alerts.get(k.origin(), k.alertId()));
    FeedChecks.Checked checked = receiver.check(p.nodeId(), item);
    FeedReceiver.Result r = receiver.store(p.nodeId(), List.of(checked));
    JsonObject out = new JsonObject();
    if (r.rejected() == 1) {
      out.addProperty("outcome", "rejected");
      FeedChecks.Rejection reason =
          checked.rejection() == null
              ? FeedChecks.Rejection.ITEM_MALFORMED // sequence 0: rejected when stored (FEED-7)
              : checked.rejection();
      out.addProperty("reason", reason.name());
      if (reason == FeedChecks.Rejection.VERIFICATION_FAILED) {
        out.addProperty("verification_reason", checked.detail());
      }
    } else if (r.expired() == 1) {
      out.addProperty("outcome", "expired");
    } else if (r.stale() == 1) {
      out.addProperty("outcome", "stale");
    } else if (r.ignored() == 1) {
      out.addProperty("outcome", "ignored");
    } else if (r.stored() == 1) {
      out.addProperty("outcome", storedKind(item, before));
    } else {
      throw new IllegalStateException("a one-item batch with no outcome: " + r);
    }
    out.add("held", key.map(this::held).orElse(JsonNull.INSTANCE));
    return out;
  }

  /**
   * Names what a stored item did (FEED-9, VER-6): a header-only item that is not a retraction
   * withdrew its sender's claims; an item with content of the version already held joined it;
   * anything else (a first copy, a newer version, a retraction) was stored as the held alert.
   */
  private static String storedKind(FeedItem item, Optional<StoredAlert> before) {
    AlertHeader h = header(item).orElseThrow();
    boolean headerOnly = item.getAlert().getDisclosuresCount() == 0;
    if (headerOnly && h.getStatus() != AlertStatus.ALERT_STATUS_RETRACTED) {
      return "withdrawn";
    }
    if (!headerOnly && before.isPresent() && before.get().version() == h.getVersion()) {
      return "merged";
    }
    return "stored";
  }

  /**
   * What the receiver holds of the alert: null if nothing; else its version, status, whether it is
   * a tombstone, the claim paths and values it holds (the union of every path's, FEED-9.4), and per
   * partner its copy record: the newest version that partner sent and the claim paths it gives.
   */
  private JsonElement held(AlertKey k) {
    Optional<StoredAlert> a = alerts.get(k.origin(), k.alertId());
    if (a.isEmpty()) {
      return JsonNull.INSTANCE;
    }
    StoredAlert h = a.get();
    JsonObject o = new JsonObject();
    o.addProperty("version", h.version());
    o.addProperty("status", h.status().name());
    o.addProperty("tombstone", h.tombstone());
    o.add("disclosed_paths", strings(h.disclosedPaths().stream().sorted().toList()));
    o.add("fields_json", protoJson(h.fields()));
    JsonObject copies = new JsonObject();
    for (AlertCopies.Copy c : alerts.copies(k.origin(), k.alertId())) {
      String name = names.get(c.sender());
      if (name == null) {
        throw new IllegalStateException("a copy record of a node that is no partner");
      }
      JsonObject r = new JsonObject();
      r.addProperty("version", c.version());
      r.add("disclosed_paths", strings(List.copyOf(c.paths())));
      copies.add(name, r);
    }
    o.add("copies", sortedByName(copies));
    return o;
  }

  /** The copy records in partner-name order, so the file does not depend on node id order. */
  private static JsonObject sortedByName(JsonObject o) {
    JsonObject out = new JsonObject();
    o.keySet().stream().sorted().forEach(k -> out.add(k, o.get(k)));
    return out;
  }

  static JsonArray strings(List<String> xs) {
    JsonArray a = new JsonArray();
    xs.forEach(a::add);
    return a;
  }

  static JsonElement protoJson(com.google.protobuf.MessageOrBuilder m) {
    try {
      return JsonParser.parseString(JsonFormat.printer().preservingProtoFieldNames().print(m));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  static Optional<AlertHeader> header(FeedItem item) {
    try {
      return Optional.of(AlertHeader.parseFrom(item.getAlert().getHeader()));
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty();
    }
  }

  /** The alert an item is about, by its (unverified) header. */
  record AlertKey(NodeId origin, String alertId) {
    static Optional<AlertKey> of(FeedItem item) {
      return header(item)
          .flatMap(
              h -> {
                try {
                  return Optional.of(
                      new AlertKey(NodeId.parse(h.getOriginNodeId()), h.getAlertId()));
                } catch (IllegalArgumentException e) {
                  return Optional.empty();
                }
              });
    }
  }

  @Override
  public void close() {
    db.close();
  }
}
