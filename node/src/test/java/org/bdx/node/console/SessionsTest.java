package org.bdx.node.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.bdx.node.access.Principal;
import org.bdx.proto.v1.StaffRole;
import org.junit.jupiter.api.Test;

class SessionsTest {
  /** A clock the test moves by hand. */
  private static final class HandClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final HandClock clock = new HandClock();
  private final Sessions sessions = new Sessions(clock, Duration.ofMinutes(15));
  private final Principal robin = new Principal("robin", StaffRole.STAFF_ROLE_INTAKE);

  @Test
  void find_afterTheIdleTime_isGone() {
    Sessions.Session s = sessions.login(null, robin, "cred");
    clock.now = clock.now.plus(Duration.ofMinutes(15));
    assertThat(sessions.find(s.id)).isEmpty();
  }

  @Test
  void find_justBeforeTheIdleTime_keepsTheSessionAlive() {
    Sessions.Session s = sessions.login(null, robin, "cred");
    clock.now = clock.now.plus(Duration.ofMinutes(14));
    assertThat(sessions.find(s.id)).isPresent();
    // Use restarts the idle time.
    clock.now = clock.now.plus(Duration.ofMinutes(14));
    assertThat(sessions.find(s.id)).isPresent();
  }

  @Test
  void login_replacesTheSessionSeenBeforeLogin() {
    Sessions.Session before = sessions.anonymous();
    Sessions.Session after = sessions.login(before, robin, "cred");
    assertThat(after.id).isNotEqualTo(before.id);
    assertThat(after.csrf).isNotEqualTo(before.csrf);
    assertThat(sessions.find(before.id)).isEmpty();
    assertThat(sessions.find(after.id)).get().extracting(x -> x.who).isEqualTo(robin);
  }

  @Test
  void csrfMatches_onlyTheSessionsOwnToken() {
    Sessions.Session s = sessions.anonymous();
    assertThat(s.csrfMatches(s.csrf)).isTrue();
    assertThat(s.csrfMatches(s.csrf + "x")).isFalse();
    assertThat(s.csrfMatches(null)).isFalse();
    assertThat(s.csrfMatches("")).isFalse();
  }
}
