package io.netpersona.bench;

/**
 * Durations as persona flows' CSV writes them (milliseconds with three decimals), appended digit by digit: a
 * floor must not pay a formatter per row where persona flows does not. Times go through persona's own
 * {@link io.netpersona.learn.InstantText}.
 */
final class RowTime {
    private RowTime() {
    }

    /** Nanoseconds as milliseconds rounded to the microsecond, three decimals. */
    static StringBuilder millis(StringBuilder b, long nanos) {
        if (nanos < 0) {
            return b;
        }
        long micros = (nanos + 500) / 1000;
        return pad(b.append(micros / 1000).append('.'), micros % 1000, 3);
    }

    private static StringBuilder pad(StringBuilder b, long v, int width) {
        for (long limit = 10, i = 1; i < width; i++, limit *= 10) {
            if (v < limit) {
                b.append('0');
            }
        }
        return b.append(v);
    }
}
