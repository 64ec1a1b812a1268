package io.netpersona.learn;

/**
 * Round-trip samples in nanoseconds: {@code samples} of them, with their min, mean and max; all 0 when
 * there were none.
 */
public record Rtt(long samples, long minNanos, long meanNanos, long maxNanos) {
    public static final Rtt NONE = new Rtt(0, 0, 0, 0);

    public boolean measured() {
        return samples > 0;
    }
}
