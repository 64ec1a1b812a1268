package io.netpersona.bench;

import java.time.Instant;

/**
 * Times and durations as persona flows' CSV writes them ({@link Instant#toString()}'s form, milliseconds with three
 * decimals), appended digit by digit: a floor must not pay a formatter per row where persona flows does not.
 */
final class RowTime {
    private static final long LAST_FOUR_DIGIT_SECOND = 253_402_300_799L;

    private RowTime() {
    }

    static StringBuilder append(StringBuilder b, long epochNanos) {
        long seconds = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nano = (int) Math.floorMod(epochNanos, 1_000_000_000L);
        if (seconds < 0 || seconds > LAST_FOUR_DIGIT_SECOND) {
            return b.append(Instant.ofEpochSecond(seconds, nano));
        }
        // the civil date of a day count, in 400-year eras counted from 0000-03-01
        long z = seconds / 86_400 + 719_468;
        int second = (int) (seconds % 86_400);
        long era = z / 146_097;
        int doe = (int) (z - era * 146_097);
        int yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int mp = (5 * doy + 2) / 153;
        int day = doy - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        pad(b, year, 4).append('-');
        pad(b, month, 2).append('-');
        pad(b, day, 2).append('T');
        pad(b, second / 3600, 2).append(':');
        pad(b, second / 60 % 60, 2).append(':');
        pad(b, second % 60, 2);
        if (nano != 0) {
            b.append('.');
            if (nano % 1_000_000 == 0) {
                pad(b, nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                pad(b, nano / 1000, 6);
            } else {
                pad(b, nano, 9);
            }
        }
        return b.append('Z');
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
