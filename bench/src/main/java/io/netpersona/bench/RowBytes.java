package io.netpersona.bench;

import io.netpersona.learn.InstantText;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * CSV rows written as bytes straight into one buffer, numbers digit by digit: no text is built first and
 * encoded after (a floor must pay only for the row's bytes). Threads share the stream; each writes whole rows.
 */
final class RowBytes {
    private static final long NANOS = 1_000_000_000L, DAY = 86_400;
    /** 9999-12-31T23:59:59Z: past it (and before 1970) a year is not four digits; InstantText writes those whole. */
    private static final long LAST_FOUR_DIGIT_SECOND = 253_402_300_799L;
    private static final byte[][] OCTETS = new byte[256][];
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    static {
        for (int i = 0; i < 256; i++) {
            OCTETS[i] = Integer.toString(i).getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private final OutputStream out;
    private final byte[] buf;
    private final int flushAt;
    private int pos;
    /** The day whose date (as InstantText writes it, up to the 'T') {@link #date} holds. */
    private long day = Long.MIN_VALUE;
    private final byte[] date = new byte[11];
    private final StringBuilder text = new StringBuilder(64);

    /** @param longestRow an upper bound of one row's bytes */
    RowBytes(OutputStream out, int longestRow) {
        this.out = out;
        this.flushAt = 1 << 16;
        this.buf = new byte[flushAt + longestRow];
    }

    /** Called after each row: writes the buffer when it is full enough. */
    void rowDone() throws IOException {
        if (pos >= flushAt) {
            flush();
        }
    }

    void flush() throws IOException {
        synchronized (out) {
            out.write(buf, 0, pos);
        }
        pos = 0;
    }

    RowBytes bytes(byte[] b) {
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
        return this;
    }

    RowBytes ascii(CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            buf[pos++] = (byte) s.charAt(i);
        }
        return this;
    }

    RowBytes comma() {
        buf[pos++] = ',';
        return this;
    }

    RowBytes ch(char c) {
        buf[pos++] = (byte) c;
        return this;
    }

    /** {@code v} (not negative) in decimal. */
    RowBytes number(long v) {
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        int at = pos + digits;
        pos = at;
        do {
            buf[--at] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        return this;
    }

    /** {@code v} (not negative) with leading zeros to {@code width} digits (at least as many as it has). */
    private void padded(long v, int width) {
        for (int at = pos + width; at > pos; v /= 10) {
            buf[--at] = (byte) ('0' + v % 10);
        }
        pos += width;
    }

    /** An IPv4 address held in the low 32 bits, dotted. */
    RowBytes ipv4(long a) {
        bytes(OCTETS[(int) (a >>> 24 & 0xff)]).ch('.').bytes(OCTETS[(int) (a >>> 16 & 0xff)]).ch('.');
        return bytes(OCTETS[(int) (a >>> 8 & 0xff)]).ch('.').bytes(OCTETS[(int) (a & 0xff)]);
    }

    /**
     * An IPv6 address (its high and low 64 bits) in its shortest form as persona's IpText writes it (RFC 5952:
     * lower-case hex groups without leading zeros, the longest run of two or more zero groups, the first on a
     * tie, as "::"), without the JDK's address object.
     */
    RowBytes ipv6(long hi, long lo) {
        int runStart = -1, runLength = 1;
        for (int i = 0; i < 8; ) {
            if (group(hi, lo, i) != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && group(hi, lo, j) == 0) {
                j++;
            }
            if (j - i > runLength) {
                runStart = i;
                runLength = j - i;
            }
            i = j;
        }
        for (int i = 0; i < 8; i++) {
            if (i == runStart) {
                ch(':').ch(':');
                i += runLength - 1;
                continue;
            }
            if (i > 0 && buf[pos - 1] != ':') {
                ch(':');
            }
            int g = group(hi, lo, i);
            for (int shift = g == 0 ? 0 : (31 - Integer.numberOfLeadingZeros(g)) / 4 * 4; shift >= 0; shift -= 4) {
                buf[pos++] = (byte) HEX[g >>> shift & 0xf];
            }
        }
        return this;
    }

    private static int group(long hi, long lo, int i) {
        return (int) ((i < 4 ? hi : lo) >>> (48 - 16 * (i & 3))) & 0xffff;
    }

    /**
     * A time as {@link java.time.Instant#toString()} writes it: the date from persona's {@link InstantText}
     * once a day (flows' first times come in runs of the same day), the time of day and its fraction here.
     */
    RowBytes instant(long epochNanos) {
        long seconds = Math.floorDiv(epochNanos, NANOS);
        int nano = (int) Math.floorMod(epochNanos, NANOS);
        if (seconds < 0 || seconds > LAST_FOUR_DIGIT_SECOND) {
            text.setLength(0);
            return ascii(InstantText.append(text, epochNanos));
        }
        if (seconds / DAY != day) {
            day = seconds / DAY;
            text.setLength(0);
            InstantText.append(text, day * DAY * NANOS);
            for (int i = 0; i < date.length; i++) {
                date[i] = (byte) text.charAt(i);
            }
        }
        bytes(date);
        int second = (int) (seconds % DAY);
        padded(second / 3600, 2);
        ch(':');
        padded(second / 60 % 60, 2);
        ch(':');
        padded(second % 60, 2);
        if (nano != 0) {
            ch('.');
            if (nano % 1_000_000 == 0) {
                padded(nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                padded(nano / 1000, 6);
            } else {
                padded(nano, 9);
            }
        }
        return ch('Z');
    }

    /** Nanoseconds as milliseconds rounded to the microsecond, three decimals (nothing when negative). */
    RowBytes millis(long nanos) {
        if (nanos < 0) {
            return this;
        }
        long micros = (nanos + 500) / 1000;
        number(micros / 1000).ch('.');
        padded(micros % 1000, 3);
        return this;
    }
}
