package org.bdx.node.store;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One entry of the audit log (a row of table {@code audit_log}), as stored: nothing here checks the
 * chain, which is the audit room's job.
 *
 * @param seq 1, 2, 3, ...
 * @param at Unix seconds
 * @param actor who did it
 * @param action what was done
 * @param detail which records, never their values
 * @param prevHash the previous entry's hash (32 bytes; zeros for the first)
 * @param hash this entry's hash (32 bytes)
 */
public record AuditRecord(
    long seq, long at, String actor, String action, String detail, byte[] prevHash, byte[] hash) {
  public AuditRecord {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(detail, "detail");
    prevHash = Objects.requireNonNull(prevHash, "prevHash").clone();
    hash = Objects.requireNonNull(hash, "hash").clone();
  }

  @Override
  public byte[] prevHash() {
    return prevHash.clone();
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AuditRecord r
        && seq == r.seq
        && at == r.at
        && actor.equals(r.actor)
        && action.equals(r.action)
        && detail.equals(r.detail)
        && Arrays.equals(prevHash, r.prevHash)
        && Arrays.equals(hash, r.hash);
  }

  @Override
  public int hashCode() {
    return Objects.hash(seq, at, actor, action, detail, Arrays.hashCode(hash));
  }

  @Override
  public String toString() {
    return "AuditRecord["
        + seq
        + " "
        + at
        + " "
        + actor
        + " "
        + action
        + " "
        + detail
        + " "
        + HexFormat.of().formatHex(hash)
        + "]";
  }

  /** The head of the log (table {@code audit_head}): the last entry's sequence and hash. */
  public record Head(long seq, byte[] hash) {
    public Head {
      hash = Objects.requireNonNull(hash, "hash").clone();
    }

    @Override
    public byte[] hash() {
      return hash.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Head h && seq == h.seq && Arrays.equals(hash, h.hash);
    }

    @Override
    public int hashCode() {
      return Objects.hash(seq, Arrays.hashCode(hash));
    }

    @Override
    public String toString() {
      return "Head[" + seq + " " + HexFormat.of().formatHex(hash) + "]";
    }
  }
}
