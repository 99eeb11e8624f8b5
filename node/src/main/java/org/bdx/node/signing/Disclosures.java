package org.bdx.node.signing;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.bdx.proto.v1.AlertFields;
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
   * The envelope of one alert version with the disclosures of both copies: {@code a}'s header and
   * signature, each claim path once, sorted by path (SIG-5.4). Both copies must carry the same
   * header and signature (the same origin-signed version, spec FEED-9), so each disclosure still
   * verifies; a disclosure whose claim does not parse is dropped (fail closed).
   *
   * @throws IllegalArgumentException if the headers or signatures differ
   */
  public static SignedAlert union(SignedAlert a, SignedAlert b) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    if (!a.getHeader().equals(b.getHeader()) || !a.getSignature().equals(b.getSignature())) {
      throw new IllegalArgumentException("copies of different signed versions cannot be merged");
    }
    TreeMap<String, Disclosure> byPath = new TreeMap<>();
    for (SignedAlert e : List.of(a, b)) {
      for (Disclosure d : e.getDisclosuresList()) {
        pathOf(d).ifPresent(p -> byPath.putIfAbsent(p, d));
      }
    }
    return SignedAlert.newBuilder()
        .setHeader(a.getHeader())
        .setSignature(a.getSignature())
        .addAllDisclosures(byPath.values())
        .build();
  }

  /**
   * {@code fields} with only the fields named in {@code paths} kept (the others cleared), for a
   * copy that lost the claims of some paths.
   */
  public static AlertFields retain(AlertFields fields, Set<String> paths) {
    Objects.requireNonNull(fields, "fields");
    Objects.requireNonNull(paths, "paths");
    AlertFields.Builder b = fields.toBuilder();
    for (var e : ClaimPaths.BY_NAME.entrySet()) {
      if (!paths.contains(e.getKey())) {
        b.clearField(e.getValue());
      }
    }
    return b.build();
  }

  /**
   * {@code base} with every field of {@code more} whose path {@code base} does not hold added: the
   * fields of two copies of one version, each path taken whole from one copy.
   */
  public static AlertFields merge(
      AlertFields base, Set<String> basePaths, AlertFields more, Set<String> morePaths) {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(more, "more");
    AlertFields.Builder b = retain(base, basePaths).toBuilder();
    for (String p : morePaths) {
      var fd = ClaimPaths.BY_NAME.get(p);
      if (fd != null && !basePaths.contains(p)) {
        b.setField(fd, more.getField(fd));
      }
    }
    return b.build();
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
