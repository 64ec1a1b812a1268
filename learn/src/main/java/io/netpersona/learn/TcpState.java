package io.netpersona.learn;

/**
 * What a flow remembers of TCP: flags, the highest sequence number each side has sent (a segment at or
 * below it is a retransmission), the handshake's times, and the timestamp echoes for passive RTT. Each
 * side's numbers lie together in one array, so that a packet touches few cache lines.
 */
final class TcpState {
    // per side, at side * SIDE + ...
    private static final int FLAGS = 0, RETRANSMISSIONS = 1, HIGHEST_SEQ = 2, SEQ_KNOWN = 3, FIN = 4, TS_VAL = 5,
            TS_TIME = 6, TS_PENDING = 7, TS_SEEN = 8, RTT_SAMPLES = 9, RTT_MIN = 10, RTT_MAX = 11, RTT_SUM = 12, SIDE = 13;
    private final long[] s = new long[2 * SIDE];
    private boolean reset;

    /** Side that sent the SYN, and the handshake's times (-1 until seen). */
    private int synSide = -1;
    private long synTime = -1, synAckTime = -1, ackTime = -1;

    void update(Packet p, int side, int segmentLength) {
        int f = p.tcpFlags;
        long t = p.timestampNanos;
        int at = side * SIDE;
        s[at + FLAGS] |= f;
        sequence(p.seq, at, segmentLength + ((f & Packet.SYN) != 0 ? 1 : 0) + ((f & Packet.FIN) != 0 ? 1 : 0),
                segmentLength > 0);
        if ((f & (Packet.SYN | Packet.FIN | Packet.RST)) != 0 || ackTime < 0) {
            handshake(f, side, t);
            if ((f & Packet.FIN) != 0) {
                s[at + FIN] = 1;
            }
            if ((f & Packet.RST) != 0) {
                reset = true;
            }
        }
        if (p.hasTcpTimestamps) {
            echo(p.tsVal, p.tsEcr, side, t, segmentLength > 0 || (f & (Packet.SYN | Packet.FIN)) != 0);
        }
    }

    int flags(int side) {
        return (int) s[side * SIDE + FLAGS];
    }

    long retransmissions(int side) {
        return s[side * SIDE + RETRANSMISSIONS];
    }

    private void sequence(int seq, int at, int length, boolean data) {
        if (length == 0) {
            return;
        }
        int end = seq + length;
        if (s[at + SEQ_KNOWN] == 0) {
            s[at + SEQ_KNOWN] = 1;
            s[at + HIGHEST_SEQ] = end;
            return;
        }
        int high = (int) s[at + HIGHEST_SEQ];
        // sequence numbers wrap: compare by signed difference
        if (data && seq - high < 0) {
            s[at + RETRANSMISSIONS]++;
        }
        if (end - high > 0) {
            s[at + HIGHEST_SEQ] = end;
        }
    }

    private void handshake(int f, int side, long t) {
        boolean syn = (f & Packet.SYN) != 0, ack = (f & Packet.ACK) != 0;
        if (syn && !ack) {
            if (synAckTime < 0) {
                // Karn: the last SYN before the answer is the one answered
                synSide = side;
                synTime = t;
            }
        } else if (syn) {
            if (synSide == 1 - side && synAckTime < 0) {
                synAckTime = t;
            }
        } else if (ack && synSide == side && synAckTime >= 0 && ackTime < 0) {
            ackTime = t;
        }
    }

    /**
     * Times the first sighting of each new TSval against the first echo of it from the other side. Only
     * segments the other side must acknowledge start a timing: a pure ACK is not answered at once, and its
     * echo would measure the other side's silence instead of the path.
     */
    private void echo(int val, int ecr, int side, long t, boolean answered) {
        int at = side * SIDE, other = (1 - side) * SIDE;
        if (s[other + TS_PENDING] != 0 && ecr == (int) s[other + TS_VAL]) {
            long sample = Math.max(0, t - s[other + TS_TIME]);
            long n = ++s[other + RTT_SAMPLES];
            s[other + RTT_SUM] += sample;
            if (n == 1 || sample < s[other + RTT_MIN]) {
                s[other + RTT_MIN] = sample;
            }
            if (sample > s[other + RTT_MAX]) {
                s[other + RTT_MAX] = sample;
            }
            s[other + TS_PENDING] = 0;
        }
        if (answered && (s[at + TS_SEEN] == 0 || val != (int) s[at + TS_VAL])) {
            s[at + TS_SEEN] = 1;
            s[at + TS_VAL] = val;
            s[at + TS_TIME] = t;
            s[at + TS_PENDING] = 1;
        }
    }

    boolean closed() {
        return reset || finished();
    }

    /** FIN from both sides: a SYN after it starts a new connection (after an RST, it is the same one retried). */
    boolean finished() {
        return s[FIN] != 0 && s[SIDE + FIN] != 0;
    }

    Flow.Handshake handshake() {
        if (synTime < 0 || synAckTime < 0 || ackTime < 0) {
            return Flow.Handshake.NONE;
        }
        return new Flow.Handshake(synAckTime - synTime, ackTime - synAckTime);
    }

    /** {@link #handshake()}'s {@link Flow.Handshake#rttNanos()}, without making it. */
    long handshakeRttNanos() {
        if (synTime < 0 || synAckTime < 0 || ackTime < 0) {
            return -1;
        }
        long there = synAckTime - synTime, back = ackTime - synAckTime;
        return there >= 0 && back >= 0 ? there + back : -1;
    }

    /** {@link #rtt}'s {@link Rtt#measured()} and {@link Rtt#meanNanos()}, without making it. */
    boolean echoRttMeasured(int side) {
        return s[side * SIDE + RTT_SAMPLES] > 0;
    }

    long echoRttMeanNanos(int side) {
        int at = side * SIDE;
        return s[at + RTT_SUM] / s[at + RTT_SAMPLES];
    }

    Rtt rtt(int side) {
        int at = side * SIDE;
        long n = s[at + RTT_SAMPLES];
        return n == 0 ? Rtt.NONE : new Rtt(n, s[at + RTT_MIN], s[at + RTT_SUM] / n, s[at + RTT_MAX]);
    }
}
