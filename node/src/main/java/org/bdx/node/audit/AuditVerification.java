package org.bdx.node.audit;

import java.util.Objects;

/**
 * What {@link AuditLog#verify} found (spec ADM-12.4).
 *
 * @param entries how many entries were read
 * @param headSeq the head as recorded: the last entry's sequence (0 for an empty log)
 * @param headHash the head as recorded: the last entry's hash (zeros for an empty log)
 * @param badSeq the first bad entry's sequence; 0 when intact
 * @param problem what is wrong with it; {@link Problem#NONE} when intact
 * @param description a sentence saying so; empty when intact
 */
public record AuditVerification(
    long entries, long headSeq, byte[] headHash, long badSeq, Problem problem, String description) {
  /** What is wrong with the first bad entry. */
  public enum Problem {
    /** Nothing: the log is intact. */
    NONE,
    /** The entry's hash does not match its content. */
    EDITED,
    /** The entry is missing: a gap, entries renumbered after it, or a broken link to the next. */
    REMOVED,
    /** The entry at this sequence was written at another sequence. */
    REORDERED,
    /** The head is not the last entry: entries at the end were removed (or added without it). */
    TRUNCATED
  }

  public AuditVerification {
    headHash = Objects.requireNonNull(headHash, "headHash").clone();
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(description, "description");
  }

  /** Whether every entry chains to the one before and the head is the last entry. */
  public boolean intact() {
    return problem == Problem.NONE;
  }

  @Override
  public byte[] headHash() {
    return headHash.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AuditVerification v
        && entries == v.entries
        && headSeq == v.headSeq
        && java.util.Arrays.equals(headHash, v.headHash)
        && badSeq == v.badSeq
        && problem == v.problem
        && description.equals(v.description);
  }

  @Override
  public int hashCode() {
    return Objects.hash(entries, headSeq, badSeq, problem, description);
  }

  @Override
  public String toString() {
    return intact()
        ? "intact: " + entries + " entries, head " + headSeq
        : "bad entry " + badSeq + " (" + problem + "): " + description;
  }
}
