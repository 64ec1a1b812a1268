package io.netpersona.learn;

import java.util.Arrays;

/** pcapng timestamps to nanoseconds, per interface: resolution (if_tsresol) and offset (if_tsoffset). */
final class Timestamps {
    /** Multiplier to nanoseconds for decimal resolutions up to 10^-9; 0 when {@link #unitsPerSecond} is used. */
    private long[] multiplier = new long[4];
    private long[] unitsPerSecond = new long[4];
    private long[] offsetNanos = new long[4];

    /**
     * @param resolution the if_tsresol byte, or -1 when absent (microseconds). A resolution too fine to
     *     count in 64 bits falls back to microseconds rather than failing the file.
     */
    void define(int id, int resolution, long offsetSeconds) {
        if (id >= multiplier.length) {
            int n = Math.max(id + 1, multiplier.length * 2);
            multiplier = Arrays.copyOf(multiplier, n);
            unitsPerSecond = Arrays.copyOf(unitsPerSecond, n);
            offsetNanos = Arrays.copyOf(offsetNanos, n);
        }
        long mult = 1000;
        long units = 0;
        if (resolution >= 0) {
            int exponent = resolution & 0x7f;
            if ((resolution & 0x80) == 0) {
                if (exponent <= 9) {
                    mult = pow10(9 - exponent);
                } else if (exponent <= 18) {
                    mult = 0;
                    units = pow10(exponent);
                }
            } else if (exponent <= 62) {
                mult = 0;
                units = 1L << exponent;
            }
        }
        multiplier[id] = mult;
        unitsPerSecond[id] = units;
        offsetNanos[id] = offsetSeconds * 1_000_000_000L;
    }

    long nanos(int id, long ts) {
        long m = multiplier[id];
        if (m != 0) {
            return ts * m + offsetNanos[id];
        }
        long units = unitsPerSecond[id];
        long seconds = Long.divideUnsigned(ts, units);
        long rest = Long.remainderUnsigned(ts, units);
        return seconds * 1_000_000_000L + (long) (rest * 1e9 / units) + offsetNanos[id];
    }

    private static long pow10(int n) {
        long v = 1;
        for (int i = 0; i < n; i++) {
            v *= 10;
        }
        return v;
    }
}
