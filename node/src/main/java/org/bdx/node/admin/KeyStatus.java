package org.bdx.node.admin;

import java.util.Objects;
import org.bdx.node.identity.NodeId;
import org.bdx.node.keys.KeyLog;
import org.bdx.node.keys.KeyLogException;
import org.bdx.node.store.AlertStore;
import org.bdx.node.store.KeyLogStore;
import org.bdx.node.sync.PartnerKeyLogs;
import org.bdx.proto.v1.GetStatusResponse;
import org.bdx.proto.v1.PartnerStatus;

/**
 * Keys in {@code bdx status} and {@code bdx key show}: the node's own (spec KEY-10) and what it
 * holds of each partner's key log (KEY-17). Public keys, times and counts only.
 */
public final class KeyStatus {
  private final NodeId self;
  private final KeyLogStore own;
  private final PartnerKeyLogs partners;
  private final AlertStore alerts;

  public KeyStatus(NodeId self, KeyLogStore own, PartnerKeyLogs partners, AlertStore alerts) {
    this.self = Objects.requireNonNull(self, "self");
    this.own = Objects.requireNonNull(own, "own");
    this.partners = Objects.requireNonNull(partners, "partners");
    this.alerts = Objects.requireNonNull(alerts, "alerts");
  }

  /** Sets the own-key fields from the stored log; leaves them empty if there is none. */
  void fillOwn(GetStatusResponse.Builder r) {
    var held = own.load();
    if (held.isEmpty()) {
      return;
    }
    KeyLog log;
    try {
      log = KeyLog.verify(self, held);
    } catch (KeyLogException e) {
      // Checked when the node started; a log that fails now was altered since: show nothing.
      return;
    }
    r.setOwnKey(com.google.protobuf.ByteString.copyFrom(log.latestKey()))
        .setOwnKeyValidFrom(log.lastValidFrom())
        .setOwnKeyLogLength(log.size());
  }

  /** Sets the key-log fields of {@code partner}'s status (0 and false while none is held). */
  void fillPartner(PartnerStatus.Builder s, NodeId partner) {
    PartnerKeyLogs.View k = partners.view(partner);
    s.setKeyLogLength(k.length())
        .setKeyLogKey(k.latestKey())
        .setKeyValidFrom(k.keyValidFrom())
        .setKeyRotationPending(k.rotationPending())
        .setKeyLogForks((int) Math.min(Integer.MAX_VALUE, k.forks()))
        .setKeyCompromisedSince(k.compromisedSince());
    if (k.compromisedSince() > 0) {
      s.setAlertsFlagged(
          alerts.receivedSince(partner, k.compromisedSince()).stream()
              .filter(a -> partners.signedByCompromisedKey(partner, a.envelope()))
              .count());
    }
  }
}
