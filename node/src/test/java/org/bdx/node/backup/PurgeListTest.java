package org.bdx.node.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.bdx.node.store.Ids;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The home's list of purged reports (spec AR-9.5). */
class PurgeListTest {
  private static final SecureRandom RNG = new SecureRandom();
  @TempDir Path home;

  @Test
  void record_appendsEachId_ownerOnly_andReadsThemBackInOrder() throws IOException {
    PurgeList list = new PurgeList(home);
    assertThat(list.ids()).isEmpty();
    String a = Ids.newId(RNG);
    String b = Ids.newId(RNG);
    list.record(a);
    list.record(b);
    list.record(a);
    assertThat(list.ids()).containsExactly(a, b);
    assertThat(Files.getPosixFilePermissions(list.file()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void read_ignoresALineAnAppendDidNotFinish_andTheNextRecordStartsAFreshLine() throws IOException {
    PurgeList list = new PurgeList(home);
    String a = Ids.newId(RNG);
    list.record(a);
    Files.writeString(list.file(), "abc", StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
    assertThat(list.ids()).containsExactly(a);
    String b = Ids.newId(RNG);
    list.record(b);
    assertThat(list.ids()).containsExactly(a, b);
  }

  @Test
  void read_notAList_throwsNamingTheFile() throws IOException {
    Path notes = home.resolve("notes.txt");
    Files.writeString(notes, "shopping\n");
    assertThatThrownBy(() -> PurgeList.read(notes))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("notes.txt is not a list of purged reports");
    Path bad = home.resolve("bad");
    Files.writeString(bad, PurgeList.HEADER + "\nnot-an-id\n");
    assertThatThrownBy(() -> PurgeList.read(bad)).hasMessageContaining("line 2 is not a report id");
  }
}
