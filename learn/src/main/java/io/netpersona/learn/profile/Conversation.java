package io.netpersona.learn.profile;

import io.netpersona.learn.Flow;
import io.netpersona.learn.classify.Verdict;
import io.netpersona.model.TrafficClass;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything the flows between one client address and one server endpoint (protocol, address, port) had
 * in common, in bounded memory: counts, the time in use, RTT samples, the server's name, the classifier's
 * votes, connections opened per second (the busiest {@link #MAX_SECONDS} seconds) and the spans of up to
 * {@link #MAX_SPANS} flows for how many were open at once.
 */
final class Conversation {
    static final int MAX_RTT_SAMPLES = 64, MAX_SECONDS = 256, MAX_SPANS = 256;

    /** The key: a null client stands for the clients past the table's limit. */
    record Key(int protocol, InetAddress server, int port, InetAddress client) {
    }

    final Key key;
    long flows, packetsIn, packetsOut, bytesIn, bytesOut;
    long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
    final Intervals inUse = new Intervals();
    private final long[] rtt = new long[MAX_RTT_SAMPLES];
    private long rttSeen;
    String name = "";
    /** Weight-times-confidence per class, then the weight of every flow. */
    final double[] votes = new double[TrafficClass.values().length];
    double voteWeight;
    final Map<Long, Integer> opened = new HashMap<>();
    private final long[] spanStart = new long[MAX_SPANS], spanEnd = new long[MAX_SPANS];
    private int spans;

    Conversation(Key key) {
        this.key = key;
    }

    /** @param dstIsServer whether the flow's dst is this conversation's server (in = to the server) */
    void add(Flow f, boolean dstIsServer, Verdict v) {
        flows++;
        Flow.Side toServer = dstIsServer ? f.forward() : f.backward(), toClient = dstIsServer ? f.backward() : f.forward();
        packetsIn += toServer.packets();
        packetsOut += toClient.packets();
        bytesIn += toServer.bytes();
        bytesOut += toClient.bytes();
        first = Math.min(first, f.firstNanos());
        last = Math.max(last, f.lastNanos());
        inUse.add(f.firstNanos(), f.lastNanos());
        long r = rttOf(f, dstIsServer);
        if (r >= 0) {
            // deterministic thinning once full: every sample has a fair chance, and runs repeat
            int at = rttSeen < MAX_RTT_SAMPLES ? (int) rttSeen : (int) Math.floorMod(rttSeen * 0x9E3779B97F4A7C15L, rttSeen + 1);
            if (at < MAX_RTT_SAMPLES) {
                rtt[at] = r;
            }
            rttSeen++;
        }
        if (name.isEmpty()) {
            name = f.names().serverName();
        }
        double weight = Math.sqrt(f.packets());
        voteWeight += weight;
        if (v.known()) {
            votes[v.trafficClass().ordinal()] += weight * v.confidence();
        }
        countOpened(Math.floorDiv(f.firstNanos(), 1_000_000_000L));
        if (spans < MAX_SPANS) {
            spanStart[spans] = f.firstNanos();
            spanEnd[spans++] = f.lastNanos();
        }
    }

    /**
     * The round trip from the capture point: TCP's (timestamps, else handshake); for other protocols, from
     * the client's first packet to the server's first answer among the flow's first packets.
     */
    static long rttOf(Flow f, boolean dstIsServer) {
        long r = f.rttNanos();
        if (r >= 0 || f.protocol() == 6 || f.firstPackets().isEmpty()) {
            return r;
        }
        var fp = f.firstPackets();
        if (fp.getFirst().forward() != dstIsServer) {
            return -1;
        }
        for (Flow.FirstPacket p : fp) {
            if (p.forward() != dstIsServer) {
                return p.offsetNanos();
            }
        }
        return -1;
    }

    private void countOpened(long second) {
        Integer n = opened.get(second);
        if (n != null || opened.size() < MAX_SECONDS) {
            opened.merge(second, 1, Integer::sum);
            return;
        }
        // full: the quietest second makes room, so the busiest ones (the peak) stay exact
        long quietest = 0;
        int fewest = Integer.MAX_VALUE;
        for (var e : opened.entrySet()) {
            if (e.getValue() < fewest) {
                fewest = e.getValue();
                quietest = e.getKey();
            }
        }
        if (fewest <= 1) {
            opened.remove(quietest);
            opened.put(second, 1);
        }
    }

    long[] rttSamples() {
        return Arrays.copyOf(rtt, (int) Math.min(rttSeen, MAX_RTT_SAMPLES));
    }

    /** The most flows of this conversation open at the same moment (of its first {@link #MAX_SPANS}). */
    int mostOpenAtOnce() {
        long[] events = new long[spans * 2];
        for (int i = 0; i < spans; i++) {
            // an end sorts after a start at the same instant, so a flow of one packet is open for that instant
            events[2 * i] = spanStart[i] * 2;
            events[2 * i + 1] = spanEnd[i] * 2 + 1;
        }
        Arrays.sort(events);
        int open = 0, most = 0;
        for (long e : events) {
            open += (e & 1) == 0 ? 1 : -1;
            most = Math.max(most, open);
        }
        return most;
    }

    long bytes() {
        return bytesIn + bytesOut;
    }

    long packets() {
        return packetsIn + packetsOut;
    }
}
