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
  void anonymous_pastTheBound_dropsTheLeastRecentlyUsed_neverALoggedInSession() {
    Sessions.Session staff = sessions.login(null, robin, "cred");
    Sessions.Session first = sessions.anonymous();
    clock.now = clock.now.plusMillis(1);
    Sessions.Session second = sessions.anonymous();
    clock.now = clock.now.plusMillis(1);
    for (int i = 0; i < Sessions.MAX_ANONYMOUS + 50; i++) {
      clock.now = clock.now.plusMillis(1);
      sessions.anonymous();
      // A browser still using its login page keeps its session: the least recently used goes.
      assertThat(sessions.find(first.id)).isPresent();
    }
    assertThat(sessions.size()).isEqualTo(Sessions.MAX_ANONYMOUS + 1);
    assertThat(sessions.find(staff.id)).isPresent();
    assertThat(sessions.find(second.id)).isEmpty();
    Sessions.Session newest = sessions.anonymous();
    assertThat(sessions.find(newest.id)).isPresent();
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

  @Test
  void keepDraft_isShownAgain_withoutTheCsrfToken() {
    Sessions.Session s = sessions.login(null, robin, "cred");
    assertThat(s.draft()).isEmpty();
    assertThat(s.keepDraft(Form.parse("csrf=tok&area=Eastside&harms=robbery"))).isTrue();
    assertThat(s.draft()).get().extracting(f -> f.get("area")).isEqualTo("Eastside");
    assertThat(s.draft().orElseThrow().get("csrf")).isEmpty();
  }

  @Test
  void keepDraft_overTheBound_keepsNothingNew() {
    Sessions.Session s = sessions.login(null, robin, "cred");
    s.keepDraft(Form.parse("area=Eastside"));
    String huge = "narrative=" + "x".repeat(Sessions.MAX_DRAFT_CHARS);
    assertThat(s.keepDraft(Form.parse(huge))).isFalse();
    assertThat(s.draft().orElseThrow().get("area")).isEqualTo("Eastside");
    // Twin: just under the bound is kept.
    String fits = "narrative=" + "x".repeat(Sessions.MAX_DRAFT_CHARS - "narrative".length());
    assertThat(s.keepDraft(Form.parse(fits))).isTrue();
  }

  @Test
  void draft_isDroppedWhenTheSessionEnds_byLogoutOrIdle() {
    Sessions.Session out = sessions.login(null, robin, "cred");
    out.keepDraft(Form.parse("area=Eastside"));
    sessions.end(out);
    assertThat(out.draft()).isEmpty();

    Sessions.Session idle = sessions.login(null, robin, "cred");
    idle.keepDraft(Form.parse("area=Eastside"));
    clock.now = clock.now.plus(Duration.ofMinutes(15));
    assertThat(sessions.find(idle.id)).isEmpty();
    assertThat(idle.draft()).isEmpty();
  }

  @Test
  void dropDraft_forgetsIt() {
    Sessions.Session s = sessions.login(null, robin, "cred");
    s.keepDraft(Form.parse("area=Eastside"));
    s.dropDraft();
    assertThat(s.draft()).isEmpty();
  }
}
