package org.bdx.node.tls;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that reads a base instant plus an offset the test can move at any time. */
final class TestClock extends Clock {
  private final Instant base;
  private volatile Duration offset = Duration.ZERO;

  TestClock(Instant base) {
    this.base = base;
  }

  void set(Duration offset) {
    this.offset = offset;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Instant instant() {
    return base.plus(offset);
  }
}
