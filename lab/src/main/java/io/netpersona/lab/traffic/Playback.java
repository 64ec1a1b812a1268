package io.netpersona.lab.traffic;

/**
 * A video player's buffer, as its viewer experiences it: playback starts when the first segment has arrived
 * (the startup delay), each segment adds its seconds of media, playing drains the buffer in real time, and an
 * empty buffer is a stall that lasts until the next segment arrives. Times are nanoseconds of one clock.
 */
final class Playback {
    private final long segmentNanos;
    private final long startNanos;
    private long startupNanos = -1;
    private long bufferedUntil;
    private long stalls, stalledNanos;

    Playback(long startNanos, long segmentNanos) {
        if (segmentNanos <= 0) {
            throw new IllegalArgumentException("segment duration " + segmentNanos + " ns (expected: > 0)");
        }
        this.startNanos = startNanos;
        this.segmentNanos = segmentNanos;
    }

    void segmentArrived(long nanos) {
        if (startupNanos < 0) {
            startupNanos = nanos - startNanos;
            bufferedUntil = nanos + segmentNanos;
            return;
        }
        if (nanos > bufferedUntil) {
            stalls++;
            stalledNanos += nanos - bufferedUntil;
            bufferedUntil = nanos;
        }
        bufferedUntil += segmentNanos;
    }

    /** Media buffered ahead of the playhead at {@code nanos} (0 while stalled or before the start). */
    long bufferedNanos(long nanos) {
        return startupNanos < 0 ? 0 : Math.max(0, bufferedUntil - nanos);
    }

    /** -1 before the first segment. */
    long startupNanos() {
        return startupNanos;
    }

    long stalls() {
        return stalls;
    }

    /**
     * Time spent stalled up to {@code nanos}, including a stall still going on then (a viewer waiting at the
     * end of the run waited all the same).
     */
    long stalledNanos(long nanos) {
        long open = startupNanos >= 0 && nanos > bufferedUntil ? nanos - bufferedUntil : 0;
        return stalledNanos + open;
    }

    /** Stalls up to {@code nanos}, counting one still going on. */
    long stalls(long nanos) {
        return stalls + (startupNanos >= 0 && nanos > bufferedUntil ? 1 : 0);
    }
}
