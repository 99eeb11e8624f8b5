package org.bdx.node.agreement;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bdx.node.identity.NodeId;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.PartnerRecord;
import org.bdx.node.store.PartnerStore;

/**
 * How the node's log names a partner: the local name a coordinator registered it under, then its
 * fingerprint (spec ID-3), as in {@code north-peers (csi4-nmps-7q2k-aa3f-x9db)}; the fingerprint
 * alone for a node that is not registered (a refused caller, a partner since removed). Operators
 * know partners by name; coordinators of two nodes compare fingerprints.
 *
 * <p>Names are sealed at rest (spec AR-8), so each is read once through {@link PartnerStore} and
 * kept in memory by node id. {@link Partners} drops a node's entry in the transaction that adds or
 * removes it; a change of name must call {@link #forget} the same way. Reads and drops both run
 * under the database's transaction lock, so a name read before a change is never kept after it.
 *
 * <p>Never throws: a log line must not fail the work it describes, so a name that cannot be read
 * gives the fingerprint alone.
 */
public final class PartnerLabels {
  private final NodeDatabase db;
  private final PartnerStore store;
  private final Map<NodeId, String> names = new ConcurrentHashMap<>();

  PartnerLabels(NodeDatabase db, PartnerStore store) {
    this.db = Objects.requireNonNull(db, "db");
    this.store = Objects.requireNonNull(store, "store");
  }

  /** {@code name (fingerprint)}: the one form every log line names a partner in. */
  public static String label(String name, NodeId nodeId) {
    return name + " (" + nodeId.fingerprint() + ")";
  }

  /** The label of {@code nodeId}: name and fingerprint if registered, else the fingerprint. */
  public String of(NodeId nodeId) {
    if (nodeId == null) {
      return "(no node id)";
    }
    String name = names.get(nodeId);
    if (name == null) {
      try {
        name = db.atomically(() -> read(nodeId)).orElse(null);
      } catch (RuntimeException e) {
        name = null; // closed or unreadable database: the fingerprint still says who
      }
    }
    return name == null ? nodeId.fingerprint() : label(name, nodeId);
  }

  /**
   * Forgets what is held for {@code nodeId}: call it when the partner is added, removed, renamed.
   */
  public void forget(NodeId nodeId) {
    if (nodeId != null) {
      names.remove(nodeId);
    }
  }

  /** Forgets every name (the registry was changed by another instance). */
  public void clear() {
    names.clear();
  }

  /** Inside the transaction: read, and keep only what is registered. */
  private Optional<String> read(NodeId nodeId) {
    Optional<String> name = store.get(nodeId).map(PartnerRecord::name);
    name.ifPresent(n -> names.put(nodeId, n));
    return name;
  }
}
