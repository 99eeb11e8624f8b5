package org.bdx.cli.key;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.io.PrintWriter;
import java.time.Instant;
import org.bdx.cli.command.Printing;
import org.bdx.node.server.Node;

/** What {@code bdx key rotate} and {@code bdx key revoke} print when they are done. */
final class KeyReplacing {
  private KeyReplacing() {}

  /** The result as one JSON object, for {@code --json}. */
  static String json(Node.KeyReplaced r) {
    Struct.Builder b =
        Struct.newBuilder()
            .putFields("node_id", text(r.nodeId().value()))
            .putFields("former_key_fingerprint", text(r.formerKeyFingerprint()))
            .putFields("key_fingerprint", text(r.newKeyFingerprint()))
            .putFields("key_event", number(r.sequence()))
            .putFields(
                "finished_interrupted",
                Value.newBuilder().setBoolValue(r.finishedInterrupted()).build())
            .putFields("reissued_alerts", number(r.reissued()))
            .putFields("recovery_file", text(r.recoveryFile().toString()));
    if (r.compromisedSince().isPresent()) {
      b.putFields("compromised_since", number(r.compromisedSince().getAsLong()));
    }
    return Printing.json(b);
  }

  private static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  private static Value number(long n) {
    return Value.newBuilder().setNumberValue(n).build();
  }

  static void print(PrintWriter out, Node.KeyReplaced r) {
    if (r.finishedInterrupted()) {
      out.println("Finished the key change an earlier run began (it was interrupted).");
    }
    out.println(
        "Node "
            + r.nodeId().fingerprint()
            + " now signs with key "
            + r.newKeyFingerprint()
            + " (key event "
            + r.sequence()
            + "); its former key "
            + r.formerKeyFingerprint()
            + (r.compromisedSince().isPresent()
                ? " is revoked: partners refuse anything new it signs, and flag what it signed"
                    + " since "
                    + Instant.ofEpochSecond(r.compromisedSince().getAsLong())
                    + "."
                : " stays only to check what it signed before."));
    if (r.compromisedSince().isPresent()) {
      out.println(
          "  "
              + r.reissued()
              + " of this node's alerts signed with the former key since then were issued again"
              + " under the new key; partners receive them once the node serves.");
    }
    out.println(
        "  Partners learn the new key the next time this node and they connect: start it with"
            + " bdx serve. The node id stays the same; nothing needs doing at the partners.");
    out.println(
        "  The recovery file for the key after this one is "
            + r.recoveryFile()
            + ": move it off this machine now with bdx key export-recovery --out FILE. The"
            + " recovery file you used is spent; destroy it.");
  }
}
