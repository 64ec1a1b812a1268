package io.netpersona.learn;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/** The mutable state of one flow while it is in the {@link FlowTable}; side 0 is the first sender. */
final class FlowState {
    private static final int SIZE = 0, GAP = 1;

    // the key: side a sent the first packet
    final long hash;
    final int protocol, vlan, ipVersion;
    final long aHi, aLo, bHi, bLo;
    final int aPort, bPort;
    final boolean tunnelled;

    long first, last;
    /** The flows made before and after this one that are still in the {@link FlowTable}. */
    FlowState older, newer;
    /**
     * The frame (counted from 1) that made the flow; with {@link #first} it orders flows that end together, the
     * same way whichever shard's meter ends them.
     */
    long created;
    /** When the flow ended: the frame ({@link Long#MAX_VALUE} at the capture's end) and the step within it. */
    long endFrame;
    int endStep;
    /**
     * Per side, at side * stride: packets, bytes, payload bytes, last timestamp, then the size and gap histograms
     * when the distributions are kept ({@link #stride} is {@link #SIDE} then, else {@link #HISTOGRAMS}: a flow
     * of a brief listing makes no room for what it does not keep).
     */
    private final long[] n;
    private final int stride;
    /** Per side and kind (size, gap): min, max, sum, sum of squares. */
    private final double[] moments;
    private static final int PACKETS = 0, BYTES = 1, PAYLOAD = 2, LAST_SEEN = 3, HISTOGRAMS = 4,
            SIDE = HISTOGRAMS + 2 * Distribution.BUCKETS;

    /** TCP only. */
    TcpState tcp;
    /**
     * {@link TcpState#closed()}, set by the meter after each segment: a scan reads it for every flow, without
     * going to the TCP state (once closed, a connection stays so).
     */
    boolean closed;

    String tlsServerName = "", httpHost = "", dnsName = "", dnsQuery = "";
    /** Payload packets looked at for names (both sides); only the first few are, and none once a name is found. */
    int nameLooks;
    /** A ClientHello cut at a segment's end, waiting for the next segment. */
    HelloBuffer hello;
    int helloSide;
    /** A QUIC client's Initial packets being read for their ClientHello. */
    QuicInitial quic;
    int quicSide;
    /**
     * When another thread opens the Initial packets ({@link FlowNames#openQuicElsewhere}): the client's datagrams
     * handed to it so far, -1 before the first Initial (the meter's); whether the hello was read or given up on
     * (the opening thread's, as is {@link #quic} then).
     */
    int quicHandedOn = -1;
    boolean quicDone;

    /**
     * The first payload bytes of side 0, then of side 1; made at the first payload, so that the many flows
     * without any (scans, lone SYNs) cost nothing. A side's length is -1 until it sent payload.
     */
    private byte[] heads;
    private byte headLength0 = -1, headLength1 = -1;

    /** Whether the sizes' and gaps' distributions are kept (histograms and moments). */
    private final boolean distributions;
    private final int[] firstBytes, firstPayload;
    private final long[] firstOffset;
    private int firstCount;

    private static final int[] NO_INTS = {};
    private static final long[] NO_LONGS = {};

    FlowState(Packet p, long hash, int firstPackets, boolean distributions) {
        this.hash = hash;
        this.distributions = distributions;
        this.protocol = p.protocol;
        this.vlan = p.vlan;
        this.ipVersion = p.ipVersion;
        this.aHi = p.srcHi;
        this.aLo = p.srcLo;
        this.bHi = p.dstHi;
        this.bLo = p.dstLo;
        this.aPort = p.srcPort;
        this.bPort = p.dstPort;
        this.tunnelled = p.tunnelled;
        this.first = p.timestampNanos;
        this.last = p.timestampNanos;
        stride = distributions ? SIDE : HISTOGRAMS;
        n = new long[2 * stride];
        moments = distributions ? new double[16] : null;
        firstBytes = firstPackets == 0 ? NO_INTS : new int[firstPackets];
        firstPayload = firstPackets == 0 ? NO_INTS : new int[firstPackets];
        firstOffset = firstPackets == 0 ? NO_LONGS : new long[firstPackets];
        if (protocol == Packet.TCP) {
            tcp = new TcpState();
        }
    }

    /** Orders ended flows as one meter ends them: by frame, step, first packet, then the frame that made them. */
    static int endOrder(FlowState x, FlowState y) {
        int c = Long.compare(x.endFrame, y.endFrame);
        if (c == 0) {
            c = Integer.compare(x.endStep, y.endStep);
        }
        if (c == 0) {
            c = Long.compare(x.first, y.first);
        }
        return c != 0 ? c : Long.compare(x.created, y.created);
    }

    /** 0 when the packet goes from a to b, 1 from b to a, -1 when it is not of this flow. */
    int side(Packet p) {
        if (protocol != p.protocol || vlan != p.vlan) {
            return -1;
        }
        if (aLo == p.srcLo && bLo == p.dstLo && aPort == p.srcPort && bPort == p.dstPort && aHi == p.srcHi && bHi == p.dstHi) {
            return 0;
        }
        if (aLo == p.dstLo && bLo == p.srcLo && aPort == p.dstPort && bPort == p.srcPort && aHi == p.dstHi && bHi == p.srcHi) {
            return 1;
        }
        return -1;
    }

    long packets(int side) {
        return n[side * stride + PACKETS];
    }

    long bytes(int side) {
        return n[side * stride + BYTES];
    }

    long payload(int side) {
        return n[side * stride + PAYLOAD];
    }

    /** @param wire whether sizes are the wire's (the IP header's) rather than what the capture kept */
    void count(Packet p, int side, boolean wire) {
        long t = p.timestampNanos;
        int size = wire ? p.originalLength : p.capturedLength;
        int payload = wire ? wirePayload(p) : p.payloadLength;
        int at = side * stride;
        long count = ++n[at + PACKETS];
        n[at + BYTES] += size;
        n[at + PAYLOAD] += payload;
        if (distributions) {
            histograms(at, side, size, count, t);
        }
        if ((side == 0 ? headLength0 : headLength1) < 0 && p.payloadLength > 0 && !p.fragment) {
            head(p, side);
        }
        n[at + LAST_SEEN] = t;
        if (t > last) {
            last = t;
        }
        if (firstCount < firstBytes.length) {
            // the complement keeps the side even for an empty frame
            firstBytes[firstCount] = side == 0 ? size : ~size;
            firstPayload[firstCount] = payload;
            firstOffset[firstCount] = Math.max(0, t - first);
            firstCount++;
        }
    }

    private void histograms(int at, int side, int size, long count, long t) {
        n[at + HISTOGRAMS + sizeBucket(size)]++;
        add(side, SIZE, size, count == 1);
        if (count > 1) {
            long gap = Math.max(0, t - n[at + LAST_SEEN]);
            n[at + HISTOGRAMS + Distribution.BUCKETS + gapBucket(gap)]++;
            add(side, GAP, gap, count == 2);
        }
    }

    /** The transport payload the IP header says the packet carried, captured or not. */
    private static int wirePayload(Packet p) {
        if (p.protocol == Packet.TCP && !p.fragment) {
            return Math.max(p.payloadLength, p.segmentLength);
        }
        return p.fragment || p.ipEnd <= p.payloadOffset ? p.payloadLength : Math.max(p.payloadLength, p.ipEnd - p.payloadOffset);
    }

    private void add(int side, int kind, double v, boolean firstValue) {
        int m = (side * 2 + kind) * 4;
        if (firstValue) {
            moments[m] = v;
            moments[m + 1] = v;
        } else {
            if (v < moments[m]) {
                moments[m] = v;
            }
            if (v > moments[m + 1]) {
                moments[m + 1] = v;
            }
        }
        moments[m + 2] += v;
        moments[m + 3] += v * v;
    }

    static int sizeBucket(int size) {
        if (size <= 256) {
            return size <= 64 ? 0 : size <= 128 ? 1 : 2;
        }
        return size <= 512 ? 3 : size <= 1024 ? 4 : size <= 1518 ? 5 : 6;
    }

    static int gapBucket(long gap) {
        if (gap <= 10_000_000L) {
            return gap <= 100_000L ? 0 : gap <= 1_000_000L ? 1 : 2;
        }
        return gap <= 100_000_000L ? 3 : gap <= 1_000_000_000L ? 4 : gap <= 10_000_000_000L ? 5 : 6;
    }

    Distribution distribution(int side, int kind) {
        long packets = packets(side);
        long count = kind == SIZE ? packets : Math.max(0, packets - 1);
        if (count == 0 || !distributions) {
            return Distribution.EMPTY;
        }
        int m = (side * 2 + kind) * 4;
        double mean = moments[m + 2] / count;
        double variance = Math.max(0, moments[m + 3] / count - mean * mean);
        Long[] buckets = new Long[Distribution.BUCKETS];
        int h = side * stride + HISTOGRAMS + kind * Distribution.BUCKETS;
        for (int i = 0; i < Distribution.BUCKETS; i++) {
            buckets[i] = n[h + i];
        }
        return new Distribution(count, moments[m], moments[m + 1], mean, Math.sqrt(variance), List.of(buckets));
    }

    Distribution sizes(int side) {
        return distribution(side, SIZE);
    }

    Distribution gaps(int side) {
        return distribution(side, GAP);
    }

    List<Flow.FirstPacket> firstPackets() {
        Flow.FirstPacket[] out = new Flow.FirstPacket[firstCount];
        for (int i = 0; i < firstCount; i++) {
            int b = firstBytes[i];
            out[i] = new Flow.FirstPacket(b >= 0, b >= 0 ? b : ~b, firstPayload[i], firstOffset[i]);
        }
        return Arrays.asList(out);
    }

    private void head(Packet p, int side) {
        int len = Math.min(Flow.Heads.BYTES, Math.min(p.payloadLength, p.buffer.limit() - p.payloadOffset));
        if (len <= 0) {
            return;
        }
        if (heads == null) {
            heads = new byte[2 * Flow.Heads.BYTES];
        }
        p.buffer.get(p.payloadOffset, heads, side * Flow.Heads.BYTES, len);
        if (side == 0) {
            headLength0 = (byte) len;
        } else {
            headLength1 = (byte) len;
        }
    }

    Flow.Heads heads() {
        if (heads == null) {
            return Flow.Heads.NONE;
        }
        return new Flow.Heads(Arrays.copyOfRange(heads, 0, Math.max(0, headLength0)),
                Arrays.copyOfRange(heads, Flow.Heads.BYTES, Flow.Heads.BYTES + Math.max(0, headLength1)));
    }

    /** Whether TCP has closed (FIN from both sides, or RST): a shorter idle timeout applies. */
    boolean closed() {
        return closed;
    }

    /** The flow this state ended as, named {@code capture}. */
    Flow toFlow(String capture, Flow.End end) {
        FlowState f = this;
        TcpState tcp = f.tcp;
        Flow.Side forward = new Flow.Side(f.packets(0), f.bytes(0), f.payload(0), f.sizes(0), f.gaps(0),
                tcp == null ? 0 : tcp.retransmissions(0), tcp == null ? 0 : tcp.flags(0), tcp == null ? Rtt.NONE : tcp.rtt(0));
        Flow.Side backward = new Flow.Side(f.packets(1), f.bytes(1), f.payload(1), f.sizes(1), f.gaps(1),
                tcp == null ? 0 : tcp.retransmissions(1), tcp == null ? 0 : tcp.flags(1), tcp == null ? Rtt.NONE : tcp.rtt(1));
        return new Flow(capture, f.ipVersion, f.protocol, address(f.aHi, f.aLo, f.ipVersion), f.aPort,
                address(f.bHi, f.bLo, f.ipVersion), f.bPort, f.vlan, f.tunnelled, f.first, f.last, forward, backward,
                tcp == null ? Flow.Handshake.NONE : tcp.handshake(),
                new Flow.Names(f.tlsServerName, f.httpHost, f.dnsName, f.dnsQuery), f.firstPackets(), end,
                f.heads());
    }

    static InetAddress address(long hi, long lo, int version) {
        byte[] a;
        if (version == 4) {
            a = new byte[] {(byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo};
        } else {
            a = new byte[16];
            for (int i = 0; i < 8; i++) {
                a[i] = (byte) (hi >>> (56 - 8 * i));
                a[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
        }
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + a.length + " bytes", e);
        }
    }
}
