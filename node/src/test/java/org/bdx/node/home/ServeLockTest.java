package org.bdx.node.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeLockTest {
  @TempDir Path dir;

  @Test
  void acquire_whileHeld_throwsNamingTheHolder() throws Exception {
    NodeHome home = new NodeHome(dir);
    try (ServeLock first = ServeLock.acquire(home)) {
      first.describe("client API on 127.0.0.1:7400");
      assertThatThrownBy(() -> ServeLock.acquire(home))
          .isInstanceOf(ServeLock.HomeInUse.class)
          .hasMessageContaining("another bdx serve is already running on " + dir)
          .hasMessageContaining("pid " + ProcessHandle.current().pid())
          .hasMessageContaining("client API on 127.0.0.1:7400");
    }
  }

  @Test
  void acquire_afterRelease_succeeds() throws Exception {
    NodeHome home = new NodeHome(dir);
    ServeLock.acquire(home).close();
    try (ServeLock again = ServeLock.acquire(home)) {
      assertThat(again.file()).exists();
    }
  }

  @Test
  void lockFile_isOwnerOnly() throws Exception {
    try (ServeLock lock = ServeLock.acquire(new NodeHome(dir))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lock.file())))
          .isEqualTo("rw-------");
    }
  }
}
