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

    /** The most characters {@link #write} writes: a date, a time with nine decimals, and the Z. */
    public static final int MAX_CHARS = 30;

    public static StringBuilder append(StringBuilder b, long epochNanos) {
        char[] text = new char[MAX_CHARS];
        int n = write(epochNanos, text, 0);
        if (n < 0) {
            return b.append(Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
                    Math.floorMod(epochNanos, 1_000_000_000L)));
        }
        return b.append(text, 0, n);
    }

    /**
     * Writes the time into {@code out} at {@code at} (room for {@link #MAX_CHARS}) and returns the position after it;
     * -1, writing nothing, for a time before 1970 or after 9999, whose text {@link #append} leaves to the JDK.
     * Plain arithmetic into an array: a row writer's compiled code stays small.
     */
    public static int write(long epochNanos, char[] out, int at) {
        long seconds = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nano = (int) Math.floorMod(epochNanos, 1_000_000_000L);
        if (seconds < 0 || seconds > LAST_FOUR_DIGIT_SECOND) {
            return -1;
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
        int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
        at = digits(out, at, year, 4);
        out[at++] = '-';
        at = digits(out, at, month, 2);
        out[at++] = '-';
        at = digits(out, at, day, 2);
        out[at++] = 'T';
        at = digits(out, at, second / 3600, 2);
        out[at++] = ':';
        at = digits(out, at, second / 60 % 60, 2);
        out[at++] = ':';
        at = digits(out, at, second % 60, 2);
        if (nano != 0) {
            out[at++] = '.';
            if (nano % 1_000_000 == 0) {
                at = digits(out, at, nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                at = digits(out, at, nano / 1000, 6);
            } else {
                at = digits(out, at, nano, 9);
            }
        }
        out[at++] = 'Z';
        return at;
    }

    /** {@code v} (not negative, at most {@code width} digits) with leading zeros to {@code width} digits. */
    private static int digits(char[] out, int at, int v, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + v % 10);
            v /= 10;
        }
        return at + width;
    }
}
