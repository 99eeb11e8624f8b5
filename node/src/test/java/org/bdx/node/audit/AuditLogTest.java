package org.bdx.node.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bdx.node.store.AuditRecord;
import org.bdx.node.store.AuditStore;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.StoreException;
import org.bdx.node.store.TestCiphers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log's chain (spec ADM-12): what an entry's hash covers, and what {@link
 * AuditLog#verify} names after the database file of a closed node was changed with SQL, as someone
 * holding the disk would change it. Each tampering test first shows the same log verified intact.
 */
class AuditLogTest {
  static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

  @TempDir Path dir;
  Path file;
  NodeDatabase db;
  AuditLog log;

  @BeforeEach
  void open() {
    file = dir.resolve("node.db");
    reopen();
  }

  @AfterEach
  void close() {
    db.close();
  }

  private void reopen() {
    db = NodeDatabase.open(file, TestCiphers.CIPHER);
    log = new AuditLog(db, Clock.fixed(T0, ZoneOffset.UTC));
  }

  /** Five entries, by robin, alert ids a1..a5. */
  private void fiveEntries() {
    AuditLog.as(
        "robin",
        () -> {
          for (int i = 1; i <= 5; i++) {
            log.record(AuditAction.ALERT_VIEW, AuditDetail.of().add("alert", "a" + i));
          }
        });
  }

  /** Closes the node's database, runs {@code sql} on the file directly, opens it again. */
  private void tamper(String... sql) throws SQLException {
    db.close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      // The append-only triggers stop a bug, not someone with the file: they drop them first.
      for (String t :
          List.of(
              "audit_log_append_only_update",
              "audit_log_append_only_delete",
              "audit_log_after_head",
              "audit_head_forward")) {
        s.execute("DROP TRIGGER IF EXISTS " + t);
      }
      for (String q : sql) {
        s.execute(q);
      }
    }
    reopen();
  }

  /**
   * Closes the node's database, replaces {@code column} of entry {@code seq} with what {@code edit}
   * makes of its stored bytes, opens it again.
   */
  private void edit(long seq, String column, UnaryOperator<byte[]> edit) throws SQLException {
    db.close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      c.createStatement().execute("DROP TRIGGER IF EXISTS audit_log_append_only_update");
      byte[] stored;
      try (PreparedStatement ps =
          c.prepareStatement("SELECT " + column + " FROM audit_log WHERE seq = ?")) {
        ps.setLong(1, seq);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          stored = rs.getBytes(1);
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement("UPDATE audit_log SET " + column + " = ? WHERE seq = ?")) {
        ps.setBytes(1, edit.apply(stored));
        ps.setLong(2, seq);
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
    }
    reopen();
  }

  @Test
  void entries_chainFromZero_andTheHeadIsTheLast() {
    fiveEntries();
    List<AuditRecord> all = log.list(0, 0, 500);
    assertThat(all).extracting(AuditRecord::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(all.get(0).prevHash()).isEqualTo(new byte[32]);
    for (int i = 1; i < all.size(); i++) {
      assertThat(all.get(i).prevHash()).isEqualTo(all.get(i - 1).hash());
    }
    assertThat(all).allSatisfy(r -> assertThat(r.actor()).isEqualTo("robin"));
    assertThat(all.get(2).action()).isEqualTo("alert.view");
    assertThat(all.get(2).detail()).isEqualTo("alert=a3");
    assertThat(log.head()).isEqualTo(new AuditRecord.Head(5, all.get(4).hash()));
    AuditVerification v = log.verify();
    assertThat(v.intact()).isTrue();
    assertThat(v.entries()).isEqualTo(5);
    assertThat(v.headSeq()).isEqualTo(5);
    assertThat(v.headHash()).isEqualTo(all.get(4).hash());
  }

  @Test
  void anEmptyLog_isIntact_withAZeroHead() {
    AuditVerification v = log.verify();
    assertThat(v.intact()).isTrue();
    assertThat(v.entries()).isZero();
    assertThat(v.headSeq()).isZero();
    assertThat(v.headHash()).isEqualTo(new byte[32]);
  }

  /** The hash, computed here from the spec's words (ADM-12.3), not with the node's helper. */
  @Test
  void theHash_isSha256OfTheLengthPrefixedDomainSeparatedFields() throws Exception {
    fiveEntries();
    AuditRecord second = log.list(0, 0, 500).get(1);
    List<byte[]> parts = new ArrayList<>();
    parts.add("bdx/v1/audit-entry".getBytes(StandardCharsets.US_ASCII));
    parts.add(ByteBuffer.allocate(8).putLong(2).array());
    parts.add(ByteBuffer.allocate(8).putLong(T0.getEpochSecond()).array());
    parts.add("robin".getBytes(StandardCharsets.UTF_8));
    parts.add("alert.view".getBytes(StandardCharsets.UTF_8));
    parts.add("alert=a2".getBytes(StandardCharsets.UTF_8));
    parts.add(second.prevHash());
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (byte[] p : parts) {
      md.update(ByteBuffer.allocate(8).putLong(p.length).array());
      md.update(p);
    }
    assertThat(HexFormat.of().formatHex(second.hash()))
        .isEqualTo(HexFormat.of().formatHex(md.digest()));
  }

  @Test
  void theActor_isTheScopes_elseTheNode_andComesBackAfterANestedScope() {
    log.record(AuditAction.STAFF_ADD, AuditDetail.of().add("account", "admin"));
    AuditLog.as(
        "robin",
        () -> {
          AuditLog.as(
              AuditLog.partner("north"),
              () -> log.record(AuditAction.AGREEMENT_ACCEPT, AuditDetail.of()));
          log.record(AuditAction.SEARCH, AuditDetail.of().add("criteria", "none"));
        });
    log.record(AuditAction.DISCLOSURE, AuditDetail.of());
    assertThat(log.list(0, 0, 500))
        .extracting(AuditRecord::actor)
        .containsExactly("node", "partner north", "robin", "node");
  }

  @Test
  void fieldsAreBounded_andValuesCannotCarrySpacesOrLines() {
    String longName = "x".repeat(200);
    AuditLog.as(
        longName + "\nforged",
        () ->
            log.record(
                AuditAction.SEARCH,
                AuditDetail.of()
                    .add("criteria", "phone 604 555\nresults=9")
                    .add("n", "y".repeat(5000))));
    AuditRecord r = log.list(0, 0, 500).get(0);
    assertThat(r.actor()).hasSize(AuditLog.MAX_ACTOR).endsWith("...").doesNotContain("\n");
    assertThat(r.detail()).startsWith("criteria=phone?604?555?results?9 n=yyy");
    assertThat(r.detail().length()).isLessThanOrEqualTo(AuditLog.MAX_DETAIL);
    assertThat(log.verify().intact()).isTrue();
  }

  @Test
  void listing_isPagedBySequence_andFiltersByTime() {
    fiveEntries();
    Clock later = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);
    new AuditLog(db, later).record(AuditAction.SEARCH, AuditDetail.of());
    assertThat(log.list(0, 2, 2)).extracting(AuditRecord::seq).containsExactly(3L, 4L);
    assertThat(log.list(T0.getEpochSecond() + 1, 0, 500))
        .extracting(AuditRecord::seq)
        .containsExactly(6L);
    assertThatThrownBy(() -> log.list(0, 0, 501)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDatabaseRefusesToChangeOrDeleteAnEntry_orToSkipTheHead() throws Exception {
    fiveEntries();
    db.close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute("UPDATE audit_log SET detail = 'x' WHERE seq = 2"))
          .hasMessageContaining("the audit log is append-only");
      assertThatThrownBy(() -> s.execute("DELETE FROM audit_log WHERE seq = 5"))
          .hasMessageContaining("the audit log is append-only");
      assertThatThrownBy(
              () ->
                  s.execute(
                      "INSERT INTO audit_log VALUES (9, 0, 'a', 'b', '', zeroblob(32),"
                          + " zeroblob(32))"))
          .hasMessageContaining("an audit entry must follow the head");
      assertThatThrownBy(() -> s.execute("UPDATE audit_head SET seq = 3"))
          .hasMessageContaining("the audit head moves one entry forward");
    }
    reopen();
    assertThat(log.verify().intact()).isTrue();
  }

  /** Someone with the file but not the keys flips a byte of an entry's sealed detail. */
  @Test
  void anEditedByte_namesThatEntry() throws Exception {
    fiveEntries();
    assertThat(log.verify().intact()).isTrue(); // the twin: the same log before the edit
    edit(
        3,
        "detail",
        stored -> {
          byte[] b = stored.clone();
          b[b.length / 2] ^= 1;
          return b;
        });
    assertThat(log.list(0, 2, 1).get(0).detail()).isEqualTo(AuditStore.UNREADABLE);
    AuditVerification v = log.verify();
    assertThat(v.intact()).isFalse();
    assertThat(v.badSeq()).isEqualTo(3);
    assertThat(v.problem()).isEqualTo(AuditVerification.Problem.EDITED);
    assertThat(v.description())
        .isEqualTo("entry 3 was edited: its hash does not match its content");
  }

  /** Someone with the keys (or the node's own code) seals another detail into an entry. */
  @Test
  void anEntryEditedWithTheNodesKeys_namesThatEntry() throws Exception {
    fiveEntries();
    assertThat(log.verify().intact()).isTrue();
    edit(3, "detail", stored -> TestCiphers.CIPHER.sealText("audit_log.detail", "alert=b3"));
    assertThat(log.list(0, 2, 1).get(0).detail()).isEqualTo("alert=b3");
    AuditVerification v = log.verify();
    assertThat(v.badSeq()).isEqualTo(3);
    assertThat(v.problem()).isEqualTo(AuditVerification.Problem.EDITED);
    assertThat(v.description())
        .isEqualTo("entry 3 was edited: its hash does not match its content");
  }

  /**
   * Spec AR-8: the actor, the detail and both hashes of an entry, and the head's hash, are not in
   * the file; the action, sequence and time are.
   */
  @Test
  void theActorDetailAndHashes_areSealed() throws Exception {
    AuditLog.as(
        "Qxrobin", () -> log.record(AuditAction.ALERT_VIEW, AuditDetail.of().add("alert", "qxa1")));
    AuditRecord r = log.list(0, 0, 1).get(0);
    db.checkpoint();
    String raw = new String(java.nio.file.Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    String lower = raw.toLowerCase(java.util.Locale.ROOT);
    assertThat(lower).doesNotContain("qxrobin").doesNotContain("qxa1");
    assertThat(raw).doesNotContain(new String(r.hash(), StandardCharsets.ISO_8859_1));
    // Twin: the action is there in clear, and the keys open the rest.
    assertThat(lower).contains("alert.view");
    assertThat(org.bdx.node.store.Unsealed.text(db)).contains("qxrobin alert=qxa1");
  }

  @Test
  void aDeletedEntry_isNamedByTheGap() throws Exception {
    fiveEntries();
    assertThat(log.verify().intact()).isTrue();
    tamper("DELETE FROM audit_log WHERE seq = 3");
    AuditVerification v = log.verify();
    assertThat(v.badSeq()).isEqualTo(3);
    assertThat(v.problem()).isEqualTo(AuditVerification.Problem.REMOVED);
    assertThat(v.description())
        .isEqualTo("entry 3 is missing: the log goes from entry 2 to entry 4");
  }

  @Test
  void twoSwappedEntries_nameTheFirstAsReordered() throws Exception {
    fiveEntries();
    assertThat(log.verify().intact()).isTrue();
    tamper(
        "UPDATE audit_log SET seq = 100 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = 4",
        "UPDATE audit_log SET seq = 4 WHERE seq = 100");
    assertThat(log.list(0, 0, 500).get(2).detail()).isEqualTo("alert=a4");
    AuditVerification v = log.verify();
    assertThat(v.badSeq()).isEqualTo(3);
    assertThat(v.problem()).isEqualTo(AuditVerification.Problem.REORDERED);
    assertThat(v.description()).isEqualTo("entry 3 was written as entry 4: entries were reordered");
  }

  @Test
  void aDeletedLastEntry_isCaughtByTheHead() throws Exception {
    fiveEntries();
    assertThat(log.verify().intact()).isTrue();
    tamper("DELETE FROM audit_log WHERE seq = 5");
    AuditVerification v = log.verify();
    assertThat(v.badSeq()).isEqualTo(5);
    assertThat(v.problem()).isEqualTo(AuditVerification.Problem.TRUNCATED);
    assertThat(v.description())
        .isEqualTo("the log ends at entry 4 but its head is entry 5: entry 5 was removed");
    assertThat(v.headSeq()).isEqualTo(5);
  }

  @Test
  void aDeletedEntry_withTheRestRenumbered_isNamedAsRemoved() throws Exception {
    fiveEntries();
    tamper(
        "DELETE FROM audit_log WHERE seq = 2",
        "UPDATE audit_log SET seq = seq - 1 WHERE seq > 2",
        "UPDATE audit_head SET seq = 4");
    AuditVerification v = log.verify();
    assertThat(v.badSeq()).isEqualTo(2);
    assertThat(v.problem()).isEqualTo(AuditVerification.Problem.REMOVED);
    assertThat(v.description())
        .isEqualTo(
            "entry 2 is missing: the entries after it were renumbered (entry 2 now holds what"
                + " was written as entry 3)");
  }

  /**
   * Someone who knows the (public) hash rehashes an edited entry: the next one no longer follows.
   */
  @Test
  void anEditedEntry_withItsHashRecomputed_breaksTheLinkToTheNext() throws Exception {
    fiveEntries();
    AuditRecord third = log.list(0, 0, 500).get(2);
    byte[] forged =
        AuditHash.of(3, third.at(), third.actor(), third.action(), "alert=b3", third.prevHash());
    // Sealed as the node seals them: whoever forges the hash has the keys too (spec AR-8).
    edit(3, "detail", stored -> TestCiphers.CIPHER.sealText("audit_log.detail", "alert=b3"));
    edit(3, "hash", stored -> TestCiphers.CIPHER.seal("audit_log.hash", forged));
    AuditVerification v = log.verify();
    assertThat(v.badSeq()).isEqualTo(4);
    assertThat(v.problem()).isEqualTo(AuditVerification.Problem.REMOVED);
    assertThat(v.description())
        .startsWith("entry 4 does not follow entry 3")
        .contains("or entry 3 was rewritten with a new hash");
  }

  /**
   * What the chain cannot do alone (spec ADM-12.5): a whole log rewritten from the first entry
   * verifies. The head a coordinator noted down before shows it: the entry at that sequence now has
   * another hash.
   */
  @Test
  void aWholeRewrittenLog_verifies_butNotAgainstAHeadNotedBefore() throws Exception {
    fiveEntries();
    AuditRecord.Head noted = log.head();
    db.close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      for (String t :
          List.of(
              "audit_log_append_only_update",
              "audit_log_append_only_delete",
              "audit_head_forward",
              "audit_head_kept")) {
        s.execute("DROP TRIGGER " + t);
      }
      s.execute("DELETE FROM audit_log");
      s.execute("DELETE FROM audit_head");
    }
    reopen();
    AuditLog.as(
        "robin",
        () -> {
          for (int i = 1; i <= 5; i++) {
            log.record(
                AuditAction.ALERT_VIEW, AuditDetail.of().add("alert", i == 3 ? "b3" : "a" + i));
          }
        });
    AuditVerification v = log.verify();
    assertThat(v.intact()).isTrue();
    assertThat(v.headSeq()).isEqualTo(noted.seq());
    assertThat(v.headHash()).isNotEqualTo(noted.hash());
    assertThat(log.list(0, noted.seq() - 1, 1).get(0).hash()).isNotEqualTo(noted.hash());
  }

  @Test
  void anEntry_cannotBeAppendedOutOfTurn() {
    fiveEntries();
    assertThatThrownBy(
            () ->
                new org.bdx.node.store.AuditStore(db)
                    .append(new AuditRecord(9, 0, "a", "b", "", new byte[32], new byte[32])))
        .isInstanceOf(StoreException.class);
    assertThat(log.verify().intact()).isTrue();
  }
}
