package org.bdx.node.backup;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Properties;
import org.bdx.node.identity.NodeId;

/**
 * The first entry of a backup: which node it is and when it was taken, as {@code key=value} lines
 * (spec AR-9.2). A restore checks it against the node key the backup holds.
 *
 * @param nodeId the node backed up
 * @param takenAt when the snapshot was taken, Unix seconds
 * @param software the bdx version that made it
 */
public record BackupManifest(NodeId nodeId, long takenAt, String software) {
  /** A manifest longer than this is damage. */
  static final int MAX_BYTES = 4096;

  public BackupManifest {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(software, "software");
    if (takenAt < 0) {
      throw new IllegalArgumentException("taken_at is not negative");
    }
    if (!software.matches("[A-Za-z0-9._+-]{1,64}")) {
      throw new IllegalArgumentException("software: 1 to 64 letters, digits and ._+-");
    }
  }

  byte[] toBytes() {
    return ("node_id=" + nodeId.value() + "\ntaken_at=" + takenAt + "\nsoftware=" + software + "\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The manifest in {@code bytes}.
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static BackupManifest parse(byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException("manifest too long");
    }
    Properties p = new Properties();
    try {
      p.load(new StringReader(new String(bytes, StandardCharsets.US_ASCII)));
      return new BackupManifest(
          NodeId.parse(p.getProperty("node_id", "")),
          Long.parseLong(p.getProperty("taken_at", "").strip()),
          p.getProperty("software", "").strip());
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a backup manifest");
    }
  }
}
