package io.netpersona.bench;

import io.netpersona.learn.InstantText;
import io.netpersona.learn.IpText;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * CSV rows written as bytes straight into one buffer, numbers digit by digit: no text is built first and
 * encoded after (a floor must pay only for the row's bytes). Threads share the stream; each writes whole rows.
 */
final class RowBytes {
    private static final byte[][] OCTETS = new byte[256][];

    static {
        for (int i = 0; i < 256; i++) {
            OCTETS[i] = Integer.toString(i).getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private final OutputStream out;
    private final byte[] buf;
    private final int flushAt;
    private int pos;
    /** Where an address or a time is written as characters, then copied as bytes. */
    private final char[] scratch = new char[Math.max(IpText.MAX_CHARS, InstantText.MAX_CHARS)];
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

    /** An IPv6 address (its high and low 64 bits) as persona writes it ({@link IpText#write}). */
    RowBytes ipv6(long hi, long lo) {
        return chars(IpText.write(6, hi, lo, scratch, 0));
    }

    /** A time as {@link java.time.Instant#toString()} writes it, through persona's {@link InstantText}. */
    RowBytes instant(long epochNanos) {
        int n = InstantText.write(epochNanos, scratch, 0);
        if (n < 0) {
            text.setLength(0);
            return ascii(InstantText.append(text, epochNanos));
        }
        return chars(n);
    }

    /** The first {@code n} characters of the scratch array, all ASCII. */
    private RowBytes chars(int n) {
        for (int i = 0; i < n; i++) {
            buf[pos++] = (byte) scratch[i];
        }
        return this;
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
