package io.netpersona.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** When a certificate is valid: from {@code notBefore} to {@code notAfter}, both included. */
public record Validity(Instant notBefore, Instant notAfter) {
    public Validity {
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
        if (!notAfter.isAfter(notBefore)) {
            throw new IdentityException("validity: " + notBefore + " .. " + notAfter + " (expected: an end after the start)");
        }
    }

    /**
     * {@code days} days from now; it starts an hour back so that a host whose clock is a little behind
     * accepts a certificate issued a moment ago.
     */
    public static Validity days(Clock clock, int days) {
        if (days < 1 || days > 36500) {
            throw new IdentityException("days: " + days + " (expected: 1..36500)");
        }
        Instant now = clock.instant();
        return new Validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(days)));
    }
}
