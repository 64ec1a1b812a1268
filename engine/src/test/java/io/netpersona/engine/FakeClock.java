package io.netpersona.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A clock that moves only when the test moves it. */
final class FakeClock implements InstantSource {
    private volatile long millis;

    FakeClock(long startMillis) {
        this.millis = startMillis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public long millis() {
        return millis;
    }

    void set(long m) {
        millis = m;
    }

    void advance(Duration d) {
        millis += d.toMillis();
    }
}
