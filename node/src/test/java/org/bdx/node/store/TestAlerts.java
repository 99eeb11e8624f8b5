package org.bdx.node.store;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.bdx.node.identity.NodeId;
import org.bdx.node.search.AlertQuery;
import org.bdx.node.search.AlertSearch;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.SignedAlert;

/** Builders for stored alerts in store and search tests. */
public final class TestAlerts {

  public static final NodeId ORIGIN = NodeId.fromPublicKey(filled(1));
  public static final NodeId OTHER_ORIGIN = NodeId.fromPublicKey(filled(2));
  private static final SecureRandom RANDOM = new SecureRandom();

  private TestAlerts() {}

  private static byte[] filled(int b) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) b);
    return key;
  }

  public static String newId() {
    return Ids.newId(RANDOM);
  }

  public static AlertFields.Builder fields(String date) {
    return AlertFields.newBuilder()
        .setIncidentDate(date)
        .setArea("Downtown Eastside")
        .addHarms(HarmCategory.HARM_CATEGORY_ROBBERY);
  }

  public static StoredAlert alert(NodeId origin, String alertId, long version, AlertFields fields) {
    return alert(origin, alertId, version, AlertStatus.ALERT_STATUS_ACTIVE, fields);
  }

  public static StoredAlert alert(
      NodeId origin, String alertId, long version, AlertStatus status, AlertFields fields) {
    SignedAlert envelope =
        SignedAlert.newBuilder()
            .setHeader(ByteString.copyFromUtf8("header " + alertId + " v" + version))
            .setSignature(ByteString.copyFrom(new byte[64]))
            .build();
    return new StoredAlert(
        origin,
        alertId,
        version,
        status,
        1_700_000_000L + version,
        4_000_000_000L, // far ahead: search hides expired alerts
        Audience.AUDIENCE_PEER,
        fields,
        List.of("area", "harms", "incident_date"),
        envelope,
        origin.equals(ORIGIN),
        1_700_000_100L);
  }

  public static NodeDatabase open(Path dir) {
    return NodeDatabase.open(dir.resolve("node.db"), TestCiphers.CIPHER);
  }

  /** The ids of the alerts the first page of a text search (with any of {@code harms}) finds. */
  public static List<String> foundByText(
      NodeDatabase db, String text, java.util.Set<HarmCategory> harms) {
    return found(db, new AlertQuery(null, null, text, null, harms, null, null, 0, null));
  }

  /** The ids of the alerts the first page of a search by a full phone number finds. */
  public static List<String> foundByPhone(NodeDatabase db, String phone) {
    return found(db, new AlertQuery(phone, null, null, null, null, null, null, 0, null));
  }

  private static List<String> found(NodeDatabase db, AlertQuery q) {
    return new AlertSearch(new SearchIndex(db))
        .search(q).items().stream().map(StoredAlert::alertId).toList();
  }
}
