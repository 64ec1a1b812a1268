package io.netpersona.bench;

import io.netpersona.learn.InstantText;
import io.netpersona.learn.IpText;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * {@link FlowEndsFloor}'s flow table: {@link FlowKeys}' open addressing over one array of longs, with the ends
 * {@code persona flows} gives a flow (FlowMeter's rules: idle longer than the idle timeout, or the closed timeout
 * once TCP saw FIN from both sides or an RST; a SYN without ACK on a finished connection starts a new flow) and
 * one CSV row per ended flow in persona flows' columns. A floor: the RTT, retransmission and name columns stay
 * empty (0 for retransmissions), because the least work for those rows is what is measured.
 */
final class FlowEnds {
    static final int STRIDE = 12;
    // FlowKeys' words (its slot finds ours), and the flow's TCP state after them
    private static final int A_HI = FlowKeys.A_HI, A_LO = FlowKeys.A_LO, B_HI = FlowKeys.B_HI, B_LO = FlowKeys.B_LO,
            META = FlowKeys.META, PACKETS = FlowKeys.PACKETS, BYTES = FlowKeys.BYTES, FIRST = FlowKeys.FIRST,
            LAST = FlowKeys.LAST, STATE = LAST + 1;
    /** STATE bits: the b side sent first; FIN from a, from b; RST seen; the flow is TCP. */
    static final long B_FIRST = 1, FIN_A = 2, FIN_B = 4, RST = 8, TCP = 16;
    static final long USED = 1L << 30, V6 = 1L << 29;
    static final int SYN = 0x02, ACK = 0x10, FIN = 0x01, RESET = 0x04, ARP = 0x0806;
    static final String HEADER = "capture,l4,src_ip,src_port,dst_ip,dst_port,vlan,packets,bytes,src_packets,src_bytes,"
            + "dst_packets,dst_bytes,first,duration_ms,handshake_rtt_ms,rtt_ms,src_retransmissions,dst_retransmissions,"
            + "server_name,tls_sni,http_host,dns_name,dns_query,end";
    private static final String[] L4 = new String[256];

    static {
        for (int i = 0; i < 256; i++) {
            L4[i] = Integer.toString(i);
        }
        // learn's names (Protocols, package-private there), as the CSV's l4 column prints them
        String[] named = {"1", "ICMP", "6", "TCP", "17", "UDP", "58", "ICMPV6", "132", "SCTP", "2", "IGMP", "47", "GRE", "50",
            "ESP", "51", "AH", "89", "OSPF", "103", "PIM", "112", "VRRP", "113", "PGM"};
        for (int i = 0; i < named.length; i += 2) {
            L4[Integer.parseInt(named[i])] = named[i + 1];
        }
    }

    private final long idleNanos, closedNanos;
    private final String capture;
    private final OutputStream out;
    private final StringBuilder rows = new StringBuilder(1 << 17);
    private long[] slots = new long[1024 * STRIDE];
    private int mask = 1023, size;
    /**
     * No flow can time out before this time (the least last time plus timeout over the flows): a scan before it
     * would end nothing, so it is skipped. Skipping changes no row, but persona's meter scans regardless.
     */
    private long due = Long.MAX_VALUE;
    long ended, scans;

    FlowEnds(String capture, long idleNanos, long closedNanos, OutputStream out) {
        this.capture = capture;
        this.idleNanos = idleNanos;
        this.closedNanos = closedNanos;
        this.out = out;
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
                row(s, at, "idle");
            } else if (finished && tcpFlags >= 0 && (tcpFlags & (SYN | ACK)) == SYN) {
                row(s, at, "new_connection");
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
        s[at + A_HI] = aHi;
        s[at + A_LO] = aLo;
        s[at + B_HI] = bHi;
        s[at + B_LO] = bLo;
        s[at + META] = meta;
        s[at + PACKETS] = s[at + PACKETS + 1] = s[at + BYTES] = s[at + BYTES + 1] = 0;
        s[at + FIRST] = s[at + LAST] = time;
        s[at + STATE] = (side == 1 ? B_FIRST : 0) | (tcp ? TCP : 0);
        size++;
        due = Math.min(due, time + idleNanos);
        count(s, at, side, bytes, time, tcpFlags);
    }

    private void count(long[] s, int at, int side, long bytes, long time, int tcpFlags) {
        s[at + PACKETS + side]++;
        s[at + BYTES + side] += bytes;
        if (time > s[at + LAST]) {
            s[at + LAST] = time;
        }
        if (tcpFlags > 0 && (tcpFlags & (FIN | RESET)) != 0 && (s[at + STATE] & TCP) != 0) {
            long st = s[at + STATE] | ((tcpFlags & FIN) != 0 ? (side == 0 ? FIN_A : FIN_B) : 0)
                    | ((tcpFlags & RESET) != 0 ? RST : 0);
            s[at + STATE] = st;
            if ((st & (FIN_A | FIN_B)) == (FIN_A | FIN_B) || (st & RST) != 0) {
                due = Math.min(due, s[at + LAST] + closedNanos);
            }
        }
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

    /**
     * Ends every flow idle at {@code now} (FlowMeter's scan), or every flow when {@code end} is not "idle";
     * removal shifts the probe chain back, so the slot is looked at again.
     */
    void scan(long now, String end) throws IOException {
        boolean all = !end.equals("idle");
        if (!all && now <= due) {
            return;
        }
        scans++;
        long[] s = slots;
        long next = Long.MAX_VALUE;
        for (int i = 0; i <= mask; ) {
            int at = i * STRIDE;
            long st = s[at + STATE];
            boolean closed = (st & (FIN_A | FIN_B)) == (FIN_A | FIN_B) || (st & RST) != 0;
            long timeout = closed ? closedNanos : idleNanos;
            if (s[at + META] != 0 && (all || now - s[at + LAST] > timeout)) {
                row(s, at, end);
                remove(i);
            } else {
                if (s[at + META] != 0) {
                    next = Math.min(next, s[at + LAST] + timeout);
                }
                i++;
            }
        }
        due = next;
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

    private void row(long[] s, int at, String end) throws IOException {
        ended++;
        long meta = s[at + META];
        boolean v6 = (meta & V6) != 0, bFirst = (s[at + STATE] & B_FIRST) != 0;
        int src = bFirst ? 1 : 0, dst = 1 - src;
        int aPort = (int) (meta >>> 48), bPort = (int) (meta >>> 32) & 0xffff, proto = (int) meta & 0xffff;
        int vlan = (int) (meta >>> 16 & 0x1fff) - 1;
        StringBuilder b = rows;
        b.append(capture).append(',').append(proto == ARP ? "ARP" : proto < 256 ? L4[proto] : Integer.toString(proto))
                .append(',');
        address(b, v6, s[at + A_HI + 2 * src], s[at + A_LO + 2 * src]).append(',').append(src == 0 ? aPort : bPort)
                .append(',');
        address(b, v6, s[at + A_HI + 2 * dst], s[at + A_LO + 2 * dst]).append(',').append(src == 0 ? bPort : aPort)
                .append(',');
        if (vlan >= 0) {
            b.append(vlan);
        }
        b.append(',').append(s[at + PACKETS] + s[at + PACKETS + 1]).append(',').append(s[at + BYTES] + s[at + BYTES + 1])
                .append(',').append(s[at + PACKETS + src]).append(',').append(s[at + BYTES + src]).append(',')
                .append(s[at + PACKETS + dst]).append(',').append(s[at + BYTES + dst]).append(',');
        InstantText.append(b, s[at + FIRST]).append(',');
        RowTime.millis(b, s[at + LAST] - s[at + FIRST]).append(",,,0,0,,,,,,").append(end).append('\n');
        if (b.length() >= 1 << 16) {
            flush();
        }
    }

    private static StringBuilder address(StringBuilder b, boolean v6, long hi, long lo) {
        if (!v6) {
            return b.append(lo >>> 24 & 0xff).append('.').append(lo >>> 16 & 0xff).append('.').append(lo >>> 8 & 0xff)
                    .append('.').append(lo & 0xff);
        }
        byte[] a = new byte[16];
        for (int i = 0; i < 8; i++) {
            a[i] = (byte) (hi >>> (56 - 8 * i));
            a[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        try {
            return b.append(IpText.of(InetAddress.getByAddress(a)));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    /** Writes the rows made so far; threads share the stream, each writes whole rows at once. */
    void flush() throws IOException {
        byte[] bytes = rows.toString().getBytes(StandardCharsets.ISO_8859_1);
        rows.setLength(0);
        synchronized (out) {
            out.write(bytes);
        }
    }

    int size() {
        return size;
    }
}
