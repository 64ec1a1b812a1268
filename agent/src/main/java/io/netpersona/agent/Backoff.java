package io.netpersona.agent;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Waits between reconnects: doubling from {@code initial} up to {@code max}, each wait drawn between half
 * and all of the current step, so that agents cut off together do not come back together.
 */
final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final RandomGenerator random;
    private Duration step;

    Backoff(Duration initial, Duration max, RandomGenerator random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff: " + initial + " up to " + max
                    + " (expected: an initial wait above 0 and a cap at least as long)");
        }
        this.initial = initial;
        this.max = max;
        this.random = random;
        this.step = initial;
    }

    /** The next wait; each call doubles the step until the cap. */
    Duration next() {
        long ms = step.toMillis();
        long wait = ms / 2 + random.nextLong(ms - ms / 2 + 1);
        Duration doubled = step.multipliedBy(2);
        step = doubled.compareTo(max) > 0 ? max : doubled;
        return Duration.ofMillis(wait);
    }

    /** A connection that worked starts the next round of waits from the beginning. */
    void reset() {
        step = initial;
    }
}
