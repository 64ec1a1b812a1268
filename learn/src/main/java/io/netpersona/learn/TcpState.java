package io.netpersona.learn;

/**
 * What a flow remembers of TCP: flags, the highest sequence number each side has sent (a segment at or
 * below it is a retransmission), the handshake's times, and the timestamp echoes for passive RTT.
 */
final class TcpState {
    final int[] flags = new int[2];
    final long[] retransmissions = new long[2];
    private final int[] highestSeq = new int[2];
    private final boolean[] seqKnown = new boolean[2];
    private final boolean[] fin = new boolean[2];
    private boolean reset;

    /** Side that sent the SYN, and the handshake's times (-1 until seen). */
    private int synSide = -1;
    private long synTime = -1, synAckTime = -1, ackTime = -1;

    private final int[] tsVal = new int[2];
    private final long[] tsValTime = new long[2];
    private final boolean[] tsPending = new boolean[2], tsSeen = new boolean[2];
    final long[] rttSamples = new long[2], rttMin = new long[2], rttMax = new long[2], rttSum = new long[2];

    void update(Packet p, int side, int segmentLength) {
        int f = p.tcpFlags;
        long t = p.timestampNanos;
        flags[side] |= f;
        sequence(p.seq, side, segmentLength + ((f & Packet.SYN) != 0 ? 1 : 0) + ((f & Packet.FIN) != 0 ? 1 : 0),
                segmentLength > 0);
        handshake(f, side, t);
        if ((f & Packet.FIN) != 0) {
            fin[side] = true;
        }
        if ((f & Packet.RST) != 0) {
            reset = true;
        }
        if (p.hasTcpTimestamps) {
            echo(p.tsVal, p.tsEcr, side, t, segmentLength > 0 || (f & (Packet.SYN | Packet.FIN)) != 0);
        }
    }

    private void sequence(int seq, int side, int length, boolean data) {
        if (length == 0) {
            return;
        }
        int end = seq + length;
        if (!seqKnown[side]) {
            seqKnown[side] = true;
            highestSeq[side] = end;
            return;
        }
        int high = highestSeq[side];
        // sequence numbers wrap: compare by signed difference
        if (data && seq - high < 0) {
            retransmissions[side]++;
        }
        if (end - high > 0) {
            highestSeq[side] = end;
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
        int other = 1 - side;
        if (tsPending[other] && ecr == tsVal[other]) {
            long sample = Math.max(0, t - tsValTime[other]);
            long n = ++rttSamples[other];
            rttSum[other] += sample;
            if (n == 1 || sample < rttMin[other]) {
                rttMin[other] = sample;
            }
            if (sample > rttMax[other]) {
                rttMax[other] = sample;
            }
            tsPending[other] = false;
        }
        if (answered && (!tsSeen[side] || val != tsVal[side])) {
            tsSeen[side] = true;
            tsVal[side] = val;
            tsValTime[side] = t;
            tsPending[side] = true;
        }
    }

    boolean closed() {
        return reset || finished();
    }

    /** FIN from both sides: a SYN after it starts a new connection (after an RST, it is the same one retried). */
    boolean finished() {
        return fin[0] && fin[1];
    }

    Flow.Handshake handshake() {
        if (synTime < 0 || synAckTime < 0 || ackTime < 0) {
            return Flow.Handshake.NONE;
        }
        return new Flow.Handshake(synAckTime - synTime, ackTime - synAckTime);
    }

    Rtt rtt(int side) {
        long n = rttSamples[side];
        return n == 0 ? Rtt.NONE : new Rtt(n, rttMin[side], rttSum[side] / n, rttMax[side]);
    }
}
