package org.bdx.node.admin;

import org.bdx.node.identity.NodeId;
import org.bdx.node.keys.KeyLog;
import org.bdx.node.keys.KeyLogException;
import org.bdx.node.store.KeyLogStore;
import org.bdx.proto.v1.GetStatusResponse;

/** The node's own key in {@code bdx status} and {@code bdx key show} (spec KEY-10). */
final class OwnKeyStatus {
  private OwnKeyStatus() {}

  /** Sets the own-key fields from the stored log; leaves them empty if there is none. */
  static void fill(GetStatusResponse.Builder r, NodeId self, KeyLogStore store) {
    var held = store.load();
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
}
