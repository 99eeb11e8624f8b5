package org.bdx.node.signing;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bdx.proto.v1.Claim;
import org.bdx.proto.v1.Disclosure;
import org.bdx.proto.v1.SignedAlert;

/** Selective disclosure on an already signed envelope (spec SIG-8). */
public final class Disclosures {
  private Disclosures() {}

  /**
   * The same header and signature with only the disclosures whose claim path is in {@code
   * allowedPaths}; a disclosure whose claim does not parse is dropped (fail closed). This is what
   * per-partner redaction and relays use; the result still verifies under the origin's signature.
   */
  public static SignedAlert select(SignedAlert full, Set<String> allowedPaths) {
    Objects.requireNonNull(full, "full");
    Objects.requireNonNull(allowedPaths, "allowedPaths");
    SignedAlert.Builder out =
        SignedAlert.newBuilder().setHeader(full.getHeader()).setSignature(full.getSignature());
    for (Disclosure d : full.getDisclosuresList()) {
      Optional<String> path = pathOf(d);
      if (path.isPresent() && allowedPaths.contains(path.get())) {
        out.addDisclosures(d);
      }
    }
    return out.build();
  }

  /**
   * The claim paths {@code envelope} discloses, or empty if a claim does not parse. Reads only the
   * claims' paths; nothing is verified.
   */
  public static Optional<Set<String>> paths(SignedAlert envelope) {
    Objects.requireNonNull(envelope, "envelope");
    Set<String> out = new HashSet<>();
    for (Disclosure d : envelope.getDisclosuresList()) {
      Optional<String> path = pathOf(d);
      if (path.isEmpty()) {
        return Optional.empty();
      }
      out.add(path.get());
    }
    return Optional.of(Set.copyOf(out));
  }

  /** Every claim path (AlertFields field name) in field-number order (spec ALR-2). */
  public static List<String> claimPaths() {
    return ClaimPaths.NAMES;
  }

  /** The path of a disclosure's claim, or empty if the claim does not parse. */
  static Optional<String> pathOf(Disclosure d) {
    try {
      byte[] claim = d.getClaim().toByteArray();
      if (!WireCheck.wellFormed(claim, Claim.getDescriptor())) {
        return Optional.empty(); // PB-1
      }
      return Optional.of(Claim.parseFrom(claim).getPath());
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty();
    }
  }
}
