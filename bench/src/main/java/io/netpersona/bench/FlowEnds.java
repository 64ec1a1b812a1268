package io.netpersona.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@link FlowEndsFloor}'s flow table: {@link FlowKeys}' open addressing over one array of longs (no object per
 * flow), with the ends {@code persona flows} gives a flow (FlowMeter's rules: idle longer than the idle timeout,
 * or the closed timeout once TCP saw FIN from both sides or an RST; a SYN without ACK on a finished connection
 * starts a new flow) and one CSV row per ended flow in persona flows' columns, written as bytes. Idle scans
 * look only at flows that can be due ({@link Deadlines}), not at the whole table. A floor: the RTT,
 * retransmission and name columns stay empty (0 for retransmissions), because the least work for those rows is
 * what is measured.
 */
final class FlowEnds {
    static final int STRIDE = 12;
    // FlowKeys' words (its slot finds ours), and the flow's TCP state after them
    private static final int A_HI = FlowKeys.A_HI, A_LO = FlowKeys.A_LO, B_HI = FlowKeys.B_HI, B_LO = FlowKeys.B_LO,
            META = FlowKeys.META, PACKETS = FlowKeys.PACKETS, BYTES = FlowKeys.BYTES, FIRST = FlowKeys.FIRST,
            LAST = FlowKeys.LAST, STATE = LAST + 1;
    /** STATE bits: the b side sent first; FIN from a, from b; RST seen; the flow is TCP. Above them its serial. */
    static final long B_FIRST = 1, FIN_A = 2, FIN_B = 4, RST = 8, TCP = 16;
    private static final int SERIAL_SHIFT = 8;
    static final long USED = 1L << 30, V6 = 1L << 29;
    static final int SYN = 0x02, ACK = 0x10, FIN = 0x01, RESET = 0x04, ARP = 0x0806;
    static final String HEADER = "capture,l4,src_ip,src_port,dst_ip,dst_port,vlan,packets,bytes,src_packets,src_bytes,"
            + "dst_packets,dst_bytes,first,duration_ms,handshake_rtt_ms,rtt_ms,src_retransmissions,dst_retransmissions,"
            + "server_name,tls_sni,http_host,dns_name,dns_query,end";
    private static final byte[][] L4 = new byte[256][];
    private static final byte[] ARP_NAME = bytes("ARP"), EMPTY_COLUMNS = bytes(",,,0,0,,,,,,");
    static final byte[] IDLE = bytes("idle"), NEW_CONNECTION = bytes("new_connection"), CAPTURE_END = bytes("capture_end");

    static {
        for (int i = 0; i < 256; i++) {
            L4[i] = bytes(Integer.toString(i));
        }
        // learn's names (Protocols, package-private there), as the CSV's l4 column prints them
        String[] named = {"1", "ICMP", "6", "TCP", "17", "UDP", "58", "ICMPV6", "132", "SCTP", "2", "IGMP", "47", "GRE", "50",
            "ESP", "51", "AH", "89", "OSPF", "103", "PIM", "112", "VRRP", "113", "PGM"};
        for (int i = 0; i < named.length; i += 2) {
            L4[Integer.parseInt(named[i])] = bytes(named[i + 1]);
        }
    }

    private final long idleNanos, closedNanos;
    private final byte[] capture;
    private final RowBytes rows;
    private long[] slots = new long[1024 * STRIDE];
    private int mask = 1023, size;
    private long serial;
    /** Per flow, its last time plus the idle timeout when it began; per closed flow, plus the closed timeout. */
    private final Deadlines idle = new Deadlines(), closed = new Deadlines();
    private final long[] entry = new long[Deadlines.WORDS];
    long ended, scans;

    FlowEnds(String capture, long idleNanos, long closedNanos, OutputStream out) {
        this.capture = bytes(capture);
        this.idleNanos = idleNanos;
        this.closedNanos = closedNanos;
        // the capture's name, and at most 24 other columns of at most 39 bytes (an IPv6 address) each
        this.rows = new RowBytes(out, this.capture.length + 24 * 40);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private int slot(long[] s, long aHi, long aLo, long bHi, long bLo, long meta) {
        return FlowKeys.slot(s, mask, STRIDE, aHi, aLo, bHi, bLo, meta);
    }

    /**
     * Counts a packet of {@code side} (0: sent by the key's a side); {@code tcpFlags} is -1 unless the packet is
     * TCP with its header (not a fragment). Ends the key's flow first when it timed out or a new connection
     * reuses it.
     */
    void add(long aHi, long aLo, long bHi, long bLo, long key, int side, long bytes, long time, int tcpFlags, boolean tcp)
            throws IOException {
        long meta = key | USED;
        long[] s = slots;
        int at = slot(s, aHi, aLo, bHi, bLo, meta);
        if (s[at + META] != 0) {
            long st = s[at + STATE];
            boolean finished = (st & (FIN_A | FIN_B)) == (FIN_A | FIN_B);
            boolean closed = finished || (st & RST) != 0;
            if (time - s[at + LAST] > (closed ? closedNanos : idleNanos)) {
                row(s, at, IDLE);
            } else if (finished && tcpFlags >= 0 && (tcpFlags & (SYN | ACK)) == SYN) {
                row(s, at, NEW_CONNECTION);
            } else {
                count(s, at, side, bytes, time, tcpFlags);
                return;
            }
            size--;
        } else if ((size + 1) * 2 > mask + 1) {
            grow();
            s = slots;
            at = slot(s, aHi, aLo, bHi, bLo, meta);
        }
        FlowKeys.key(s, at, aHi, aLo, bHi, bLo, meta);
        s[at + PACKETS] = s[at + PACKETS + 1] = s[at + BYTES] = s[at + BYTES + 1] = 0;
        s[at + FIRST] = s[at + LAST] = time;
        long n = ++serial;
        s[at + STATE] = n << SERIAL_SHIFT | (side == 1 ? B_FIRST : 0) | (tcp ? TCP : 0);
        size++;
        idle.add(time + idleNanos, aHi, aLo, bHi, bLo, meta, n);
        count(s, at, side, bytes, time, tcpFlags);
    }

    private void count(long[] s, int at, int side, long bytes, long time, int tcpFlags) {
        s[at + PACKETS + side]++;
        s[at + BYTES + side] += bytes;
        if (time > s[at + LAST]) {
            s[at + LAST] = time;
        }
        if (tcpFlags > 0 && (tcpFlags & (FIN | RESET)) != 0 && (s[at + STATE] & TCP) != 0) {
            long was = s[at + STATE];
            long st = was | ((tcpFlags & FIN) != 0 ? (side == 0 ? FIN_A : FIN_B) : 0) | ((tcpFlags & RESET) != 0 ? RST : 0);
            s[at + STATE] = st;
            if (isClosed(st) && !isClosed(was)) {
                closed.add(s[at + LAST] + closedNanos, s[at + A_HI], s[at + A_LO], s[at + B_HI], s[at + B_LO], s[at + META],
                        st >>> SERIAL_SHIFT);
            }
        }
    }

    private static boolean isClosed(long state) {
        return (state & (FIN_A | FIN_B)) == (FIN_A | FIN_B) || (state & RST) != 0;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        mask = (mask << 1) | 1;
        for (int at = 0; at < old.length; at += STRIDE) {
            if (old[at + META] != 0) {
                int to = slot(slots, old[at + A_HI], old[at + A_LO], old[at + B_HI], old[at + B_LO], old[at + META]);
                System.arraycopy(old, at, slots, to, STRIDE);
            }
        }
    }

    /** FlowMeter's idle scan at {@code now}: ends every flow idle longer than its timeout. */
    void scan(long now) throws IOException {
        if (Math.min(idle.least(), closed.least()) >= now) {
            return;
        }
        scans++;
        due(idle, now);
        due(closed, now);
    }

    /**
     * Takes the entries of {@code q} due before {@code now}; ends their flows that are due, and adds a later
     * entry for those that are not (seen since), unless they are closed and so in {@link #closed} already.
     */
    private void due(Deadlines q, long now) throws IOException {
        long[] e = entry;
        while (q.least() < now) {
            q.take(e);
            long[] s = slots;
            int at = slot(s, e[Deadlines.KEY], e[Deadlines.KEY + 1], e[Deadlines.KEY + 2], e[Deadlines.KEY + 3],
                    e[Deadlines.KEY + 4]);
            long st = s[at + STATE];
            if (s[at + META] == 0 || st >>> SERIAL_SHIFT != e[Deadlines.SERIAL]) {
                continue;
            }
            boolean isClosed = isClosed(st);
            long due = s[at + LAST] + (isClosed ? closedNanos : idleNanos);
            if (due < now) {
                row(s, at, IDLE);
                remove(at / STRIDE);
            } else if (isClosed == (q == closed)) {
                q.add(due, e[Deadlines.KEY], e[Deadlines.KEY + 1], e[Deadlines.KEY + 2], e[Deadlines.KEY + 3],
                        e[Deadlines.KEY + 4], e[Deadlines.SERIAL]);
            }
        }
    }

    /** Ends every flow the table holds with {@code end}, and empties it. */
    void endAll(byte[] end) throws IOException {
        long[] s = slots;
        for (int at = 0; at < s.length; at += STRIDE) {
            if (s[at + META] != 0) {
                row(s, at, end);
            }
        }
        slots = new long[1024 * STRIDE];
        mask = 1023;
        size = 0;
        idle.clear();
        closed.clear();
    }

    private void remove(int i) {
        long[] s = slots;
        size--;
        for (int j = (i + 1) & mask; ; j = (j + 1) & mask) {
            int bt = j * STRIDE;
            if (s[bt + META] == 0) {
                break;
            }
            int home = (int) FlowKeys.hash(s[bt + A_HI], s[bt + A_LO], s[bt + B_HI], s[bt + B_LO], s[bt + META]) & mask;
            // j's entry may fill the hole at i unless its home lies cyclically in (i, j]
            boolean stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!stays) {
                System.arraycopy(s, bt, s, i * STRIDE, STRIDE);
                i = j;
            }
        }
        s[i * STRIDE + META] = 0;
    }

    private void row(long[] s, int at, byte[] end) throws IOException {
        ended++;
        long meta = s[at + META];
        boolean v6 = (meta & V6) != 0, bFirst = (s[at + STATE] & B_FIRST) != 0;
        int src = bFirst ? 1 : 0, dst = 1 - src;
        int aPort = (int) (meta >>> 48), bPort = (int) (meta >>> 32) & 0xffff, proto = (int) meta & 0xffff;
        int vlan = (int) (meta >>> 16 & 0x1fff) - 1;
        RowBytes b = rows;
        b.bytes(capture).comma().bytes(proto == ARP ? ARP_NAME : proto < 256 ? L4[proto] : bytes(Integer.toString(proto)))
                .comma();
        address(b, v6, s[at + A_HI + 2 * src], s[at + A_LO + 2 * src]).comma().number(src == 0 ? aPort : bPort).comma();
        address(b, v6, s[at + A_HI + 2 * dst], s[at + A_LO + 2 * dst]).comma().number(src == 0 ? bPort : aPort).comma();
        if (vlan >= 0) {
            b.number(vlan);
        }
        b.comma().number(s[at + PACKETS] + s[at + PACKETS + 1]).comma().number(s[at + BYTES] + s[at + BYTES + 1]).comma()
                .number(s[at + PACKETS + src]).comma().number(s[at + BYTES + src]).comma()
                .number(s[at + PACKETS + dst]).comma().number(s[at + BYTES + dst]).comma()
                .instant(s[at + FIRST]).comma().millis(s[at + LAST] - s[at + FIRST]).bytes(EMPTY_COLUMNS).bytes(end).ch('\n');
        b.rowDone();
    }

    private static RowBytes address(RowBytes b, boolean v6, long hi, long lo) {
        return v6 ? b.ipv6(hi, lo) : b.ipv4(lo);
    }

    /** Writes the rows made so far. */
    void flush() throws IOException {
        rows.flush();
    }

    int size() {
        return size;
    }
}
