package io.netpersona.cli;

import io.netpersona.learn.EndedFlow;
import io.netpersona.learn.Flow;
import io.netpersona.learn.InstantText;
import io.netpersona.learn.IpText;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The rows of {@code persona flows -o csv}, written into a buffer of chars straight from each ended flow: no
 * strings for numbers or addresses, no {@link Flow} per flow, and the buffer handed to the writer as it is (a
 * {@link StringBuilder} was copied into a string and then widened into chars before the writer encoded it).
 */
final class CsvRows {
    private static final int FLUSH_AT = 1 << 16;
    /** Room that a row's fixed part never exceeds: numbers, addresses, a time, separators (names are checked). */
    private static final int ROW_ROOM = 1024;
    private static final String[] END_NAMES = java.util.Arrays.stream(Flow.End.values())
            .map(e -> e.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);

    private final PrintWriter out;
    private char[] c = new char[FLUSH_AT + 2 * ROW_ROOM];
    private int n;
    private final StringBuilder time = new StringBuilder(40);
    /** The last capture's name and its field: every flow of a file has the same. */
    private String capture, captureField;

    CsvRows(PrintWriter out) {
        this.out = out;
    }

    void text(String s) {
        int length = s.length();
        room(length);
        s.getChars(0, length, c, n);
        n += length;
    }

    private void room(int more) {
        if (n + more > c.length) {
            c = java.util.Arrays.copyOf(c, Math.max(2 * c.length, n + more + ROW_ROOM));
        }
    }

    void row(EndedFlow f) {
        room(ROW_ROOM);
        String name = f.capture();
        if (!name.equals(capture)) {
            capture = name;
            captureField = FlowWriter.Csv.field(name);
        }
        text(captureField);
        put(',');
        text(f.protocolName());
        room(ROW_ROOM);
        put(',');
        n = f.address(true, c, n);
        put(',');
        number(f.srcPort());
        put(',');
        n = f.address(false, c, n);
        put(',');
        number(f.dstPort());
        put(',');
        if (f.vlan() >= 0) {
            number(f.vlan());
        }
        put(',');
        long forwardPackets = f.packets(true), backwardPackets = f.packets(false);
        long forwardBytes = f.bytes(true), backwardBytes = f.bytes(false);
        number(forwardPackets + backwardPackets);
        put(',');
        number(forwardBytes + backwardBytes);
        put(',');
        number(forwardPackets);
        put(',');
        number(forwardBytes);
        put(',');
        number(backwardPackets);
        put(',');
        number(backwardBytes);
        put(',');
        time.setLength(0);
        InstantText.append(time, f.firstNanos());
        room(time.length() + ROW_ROOM);
        time.getChars(0, time.length(), c, n);
        n += time.length();
        put(',');
        millis(f.lastNanos() - f.firstNanos());
        put(',');
        millis(f.handshakeRttNanos());
        put(',');
        millis(f.rttNanos());
        put(',');
        number(f.retransmissions(true));
        put(',');
        number(f.retransmissions(false));
        put(',');
        name(f.serverName());
        put(',');
        name(f.tlsServerName());
        put(',');
        name(f.httpHost());
        put(',');
        name(f.dnsName());
        put(',');
        name(f.dnsQuery());
        put(',');
        text(END_NAMES[f.end().ordinal()]);
        put('\n');
        if (n >= FLUSH_AT) {
            flush();
        }
    }

    private void name(String s) {
        text(s.isEmpty() ? s : FlowWriter.Csv.field(s));
        room(ROW_ROOM);
    }

    private void put(char ch) {
        c[n++] = ch;
    }

    /** {@link FlowWriter#millis}, written here. */
    private void millis(long nanos) {
        if (nanos < 0) {
            return;
        }
        long scaled = (nanos + 500) / 1000;
        if (scaled < 0) {
            // past the sum's range: the text as the formatter of the other outputs writes it
            text(FlowWriter.millis(nanos));
            return;
        }
        number(scaled / 1000);
        int fraction = (int) (scaled % 1000);
        put('.');
        put((char) ('0' + fraction / 100));
        put((char) ('0' + fraction / 10 % 10));
        put((char) ('0' + fraction % 10));
    }

    /** {@code v} in decimal, as {@link Long#toString(long)} writes it. */
    private void number(long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                text(Long.toString(v));
                return;
            }
            put('-');
            v = -v;
        }
        int digits = 1;
        for (long limit = 10; digits < 19 && v >= limit; limit *= 10) {
            digits++;
        }
        for (int i = n + digits - 1; i >= n; i--) {
            c[i] = (char) ('0' + v % 10);
            v /= 10;
        }
        n += digits;
    }

    void flush() {
        if (n > 0) {
            out.write(c, 0, n);
            n = 0;
        }
    }
}
