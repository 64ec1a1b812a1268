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
    /** A row's numbers and names of one kind, reused. */
    private final long[] values = new long[7];
    private final String[] names = new String[5];
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

    /**
     * One row. The numbers, times and names of a kind go through one loop each, not a call apiece: the optimizing
     * compiler, which this per-flow method reaches on a large capture, then compiles one copy of each writer instead
     * of a dozen (its compilation had cost a third of a second of CPU on a 2 GB capture).
     */
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
        for (int side = 0; side < 2; side++) {
            n = f.address(side == 0, c, n);
            put(',');
            number(side == 0 ? f.srcPort() : f.dstPort());
            put(',');
        }
        long[] v = values;
        long forwardPackets = f.packets(true), backwardPackets = f.packets(false);
        long forwardBytes = f.bytes(true), backwardBytes = f.bytes(false);
        v[0] = f.vlan();
        v[1] = forwardPackets + backwardPackets;
        v[2] = forwardBytes + backwardBytes;
        v[3] = forwardPackets;
        v[4] = forwardBytes;
        v[5] = backwardPackets;
        v[6] = backwardBytes;
        for (int i = 0; i < 7; i++) {
            // the VLAN is left empty when the flow had none
            if (i > 0 || v[0] >= 0) {
                number(v[i]);
            }
            put(',');
        }
        int after = InstantText.write(f.firstNanos(), c, n);
        if (after >= 0) {
            n = after;
        } else {
            // a time the JDK writes (before 1970, after 9999)
            text(InstantText.append(new StringBuilder(), f.firstNanos()).toString());
            room(ROW_ROOM);
        }
        put(',');
        v[0] = f.lastNanos() - f.firstNanos();
        v[1] = f.handshakeRttNanos();
        v[2] = f.rttNanos();
        for (int i = 0; i < 3; i++) {
            millis(v[i]);
            put(',');
        }
        for (int side = 0; side < 2; side++) {
            number(f.retransmissions(side == 0));
            put(',');
        }
        String[] names = this.names;
        names[0] = f.serverName();
        names[1] = f.tlsServerName();
        names[2] = f.httpHost();
        names[3] = f.dnsName();
        names[4] = f.dnsQuery();
        for (String s : names) {
            name(s);
            put(',');
        }
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
