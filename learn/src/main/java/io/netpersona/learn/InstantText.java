package io.netpersona.learn;

import java.time.Instant;

/**
 * A time as {@link Instant#toString()} writes it (ISO-8601 in UTC, the fraction in groups of three digits as
 * needed), appended without the formatter: every row of {@code persona flows} has one, and the formatter's
 * field-by-field printing cost more than the rest of the row (a large capture has hundreds of thousands of flows).
 */
public final class InstantText {
    /** 9999-12-31T23:59:59Z: past it (and before 1970) the year needs a sign or more digits; the JDK writes those. */
    private static final long LAST_FOUR_DIGIT_SECOND = 253_402_300_799L;

    private InstantText() {
    }

    public static StringBuilder append(StringBuilder b, long epochNanos) {
        long seconds = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nano = (int) Math.floorMod(epochNanos, 1_000_000_000L);
        if (seconds < 0 || seconds > LAST_FOUR_DIGIT_SECOND) {
            return b.append(Instant.ofEpochSecond(seconds, nano));
        }
        long days = seconds / 86_400;
        int second = (int) (seconds % 86_400);
        // the proleptic Gregorian date of a day count, from 0000-03-01 in eras of 400 years (146,097 days)
        long z = days + 719_468;
        long era = z / 146_097;
        int dayOfEra = (int) (z - era * 146_097);
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int shiftedMonth = (5 * dayOfYear + 2) / 153;
        int day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
        int month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        digits(b, year, 4).append('-');
        digits(b, month, 2).append('-');
        digits(b, day, 2).append('T');
        digits(b, second / 3600, 2).append(':');
        digits(b, second / 60 % 60, 2).append(':');
        digits(b, second % 60, 2);
        if (nano != 0) {
            b.append('.');
            if (nano % 1_000_000 == 0) {
                digits(b, nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                digits(b, nano / 1000, 6);
            } else {
                digits(b, nano, 9);
            }
        }
        return b.append('Z');
    }

    /** {@code v} (not negative) with leading zeros to {@code width} digits. */
    private static StringBuilder digits(StringBuilder b, long v, int width) {
        for (long limit = 10, i = 1; i < width; i++, limit *= 10) {
            if (v < limit) {
                b.append('0');
            }
        }
        return b.append(v);
    }
}
