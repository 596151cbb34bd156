package io.peyvand.broker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that stands still until a test moves it (UTC, millisecond steps). */
public final class ManualClock extends Clock {
  private final AtomicLong nowMs;

  public ManualClock(Instant start) {
    this.nowMs = new AtomicLong(start.toEpochMilli());
  }

  public void advance(Duration by) {
    nowMs.addAndGet(by.toMillis());
  }

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
    return Instant.ofEpochMilli(nowMs.get());
  }
}
