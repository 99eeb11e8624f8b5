package org.bdx.node.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.bdx.node.error.BdxException;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.identity.NodeId;
import org.bdx.proto.v1.PartnerClass;

/**
 * A registered partner (a row of table {@code partners}). The checks are the record's own, so a
 * coordinator's input and a stored row are held to the same rules.
 *
 * @param nodeId the partner's node id (its pinned key)
 * @param name the coordinator's local name, 1..64 of {@code [A-Za-z0-9._-]}, unique ignoring case
 * @param endpoint the federation endpoint, HOST:PORT (normalized by {@link
 *     NodeConfig.HostPort#parse})
 * @param partnerClass how this node classifies the partner: what it may receive
 * @param addedAt Unix seconds
 * @throws BdxException INVALID_ARGUMENT naming every problem
 */
public record PartnerRecord(
    NodeId nodeId, String name, String endpoint, PartnerClass partnerClass, long addedAt) {
  /** Longest partner name. */
  public static final int MAX_NAME_LENGTH = 64;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_NAME_LENGTH + "}");

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

  /**
   * Whether {@code s} has the shape of a partner name: 1..64 of {@code [A-Za-z0-9._-]}. A node id
   * has that shape too but is no valid name.
   */
  public static boolean nameShaped(String s) {
    return s != null && NAME.matcher(s).matches();
  }

  private static void checkName(String name, List<String> problems) {
    if (name == null || name.isEmpty()) {
      problems.add("name is missing");
    } else if (!NAME.matcher(name).matches()) {
      problems.add(
          "name must be 1 to "
              + MAX_NAME_LENGTH
              + " characters of letters, digits, '.', '_' and '-'");
    } else if (isNodeId(name)) {
      problems.add("name must not be a node id");
    }
  }

  private static String checkEndpoint(String endpoint, List<String> problems) {
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

  private static void checkClass(PartnerClass partnerClass, List<String> problems) {
    if (partnerClass == null
        || partnerClass == PartnerClass.PARTNER_CLASS_UNSPECIFIED
        || partnerClass == PartnerClass.UNRECOGNIZED) {
      problems.add("partner class must be peer, support or police");
    }
  }

  /** A name must not be mistaken for a node id where either may be given (find by name or id). */
  private static boolean isNodeId(String s) {
    try {
      NodeId.parse(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
