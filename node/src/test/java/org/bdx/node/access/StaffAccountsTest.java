package org.bdx.node.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.stream.Stream;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.StaffStore;
import org.bdx.node.store.TestCiphers;
import org.bdx.node.store.Unsealed;
import org.bdx.proto.v1.StaffRole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaffAccountsTest {
  @TempDir Path dir;
  private NodeDatabase db;
  private StaffAccounts accounts;

  @BeforeEach
  void open() {
    db = NodeDatabase.open(dir.resolve("node.db"), TestCiphers.CIPHER);
    accounts =
        new StaffAccounts(
            db,
            new StaffStore(db),
            Clock.systemUTC(),
            new SecureRandom(),
            new AuditLog(db, Clock.systemUTC()));
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void credential_isShownOnce_andNeverStored() throws Exception {
    StaffAccounts.Created c = accounts.add("robin", StaffRole.STAFF_ROLE_INTAKE);

    assertThat(accounts.authenticate(c.credential()))
        .contains(new Principal("robin", StaffRole.STAFF_ROLE_INTAKE));
    assertThat(c.toString()).doesNotContain(c.credential());
    assertThat(filesContain(c.credential())).isFalse();
    // Nor is the account's name in the files (spec AR-8): only the row keys open it.
    assertThat(filesContain("robin")).isFalse();
    assertThat(Unsealed.text(db)).contains("robin");
    // Twin: the scan does find what is stored in clear, the audit entry's action.
    assertThat(filesContain("staff.add")).isTrue();
  }

  @Test
  void authenticate_unknownOrEmptyOrHuge_isEmpty() {
    accounts.add("robin", StaffRole.STAFF_ROLE_VIEWER);
    assertThat(accounts.authenticate("bdxs-unknown")).isEmpty();
    assertThat(accounts.authenticate("")).isEmpty();
    assertThat(accounts.authenticate(null)).isEmpty();
    assertThat(accounts.authenticate("x".repeat(10_000))).isEmpty();
  }

  @Test
  void adopt_keepsAnExistingCredential_andDoesNotReplaceATakenName() {
    accounts.adopt("admin", StaffRole.STAFF_ROLE_COORDINATOR, "old-admin-token");
    accounts.adopt("admin", StaffRole.STAFF_ROLE_VIEWER, "another-token");

    assertThat(accounts.authenticate("old-admin-token"))
        .contains(new Principal("admin", StaffRole.STAFF_ROLE_COORDINATOR));
    assertThat(accounts.authenticate("another-token")).isEmpty();
  }

  @Test
  void mayAct_eachRoleIncludesThoseBelow() {
    Principal intake = new Principal("i", StaffRole.STAFF_ROLE_INTAKE);
    assertThat(intake.mayAct(StaffRole.STAFF_ROLE_VIEWER)).isTrue();
    assertThat(intake.mayAct(StaffRole.STAFF_ROLE_INTAKE)).isTrue();
    assertThat(intake.mayAct(StaffRole.STAFF_ROLE_COORDINATOR)).isFalse();
  }

  private boolean filesContain(String text) throws Exception {
    db.checkpoint();
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        byte[] bytes = Files.readAllBytes(f);
        for (int i = 0; i + needle.length <= bytes.length; i++) {
          int j = 0;
          while (j < needle.length && bytes[i + j] == needle[j]) {
            j++;
          }
          if (j == needle.length) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
