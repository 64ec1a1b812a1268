package io.netpersona.engine;

import io.netpersona.substrate.Metrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the engine judges an application by at one moment: the application's own measure when it reports
 * one, and what the substrate saw (socket RTTs, retransmissions, traffic rates, the growth and drops of
 * its queues, drops of its devices). Rates and growth compare two samples, so the first sample of a loop
 * has none (null or zero).
 *
 * <p>The accessors {@link #latencyP99Ms()}, {@link #lossPct()} and {@link #throughputMbps()} prefer the
 * application's own numbers and fall back on the substrate's, so a policy and the judge read one value.
 */
public record Signals(
        long atMillis,
        AppMeasure reported,
        Double socketRttP50Ms,
        Double socketRttMaxMs,
        Double retransmitPct,
        Double txMbps,
        Double rxMbps,
        List<PeerSignal> peers,
        List<QueueSignal> queues,
        List<DeviceSignal> devices,
        Long retransmitted,
        Long segments,
        long dropSegmentsBefore,
        Recovery recovery) {
    public Signals {
        peers = List.copyOf(peers);
        queues = List.copyOf(queues);
        devices = List.copyOf(devices);
        recovery = recovery == null ? Recovery.NONE : recovery;
    }

    /** Signals whose sockets' way of retransmitting is not known (a substrate that does not say, or a test). */
    public Signals(long atMillis, AppMeasure reported, Double socketRttP50Ms, Double socketRttMaxMs, Double retransmitPct,
            Double txMbps, Double rxMbps, List<PeerSignal> peers, List<QueueSignal> queues, List<DeviceSignal> devices,
            Long retransmitted, Long segments, long dropSegmentsBefore) {
        this(atMillis, reported, socketRttP50Ms, socketRttMaxMs, retransmitPct, txMbps, rxMbps, peers, queues, devices,
                retransmitted, segments, dropSegmentsBefore, Recovery.NONE);
    }

    /**
     * How the sockets retransmitted since the last sample: {@code duplicates}, retransmitted segments the peers
     * reported they had received already (D-SACK, RFC 2883: the original was not lost, the resend was needless: a
     * tail-loss probe of a segment that arrived, or a timeout that fired while the segments waited in a queue), and
     * {@code timeouts}, the retransmission timeouts that fired. Both 0 where the kernel does not count them.
     */
    public record Recovery(long duplicates, long timeouts) {
        public static final Recovery NONE = new Recovery(0, 0);
    }

    /** These signals with what the sockets' retransmissions were (see {@link Recovery}). */
    public Signals withRecovery(Recovery r) {
        return new Signals(atMillis, reported, socketRttP50Ms, socketRttMaxMs, retransmitPct, txMbps, rxMbps, peers, queues,
                devices, retransmitted, segments, dropSegmentsBefore, r);
    }

    /**
     * The retransmitted segments that may have been lost: all of them but those the peers reported as duplicates. Null
     * when the retransmissions are not counted.
     */
    public Long possiblyLost() {
        return retransmitted == null ? null : Math.max(0, retransmitted - recovery.duplicates());
    }

    /** Signals without a count of retransmitted segments (an application that reports its own loss, or a test). */
    public Signals(long atMillis, AppMeasure reported, Double socketRttP50Ms, Double socketRttMaxMs, Double retransmitPct,
            Double txMbps, Double rxMbps, List<PeerSignal> peers, List<QueueSignal> queues, List<DeviceSignal> devices) {
        this(atMillis, reported, socketRttP50Ms, socketRttMaxMs, retransmitPct, txMbps, rxMbps, peers, queues, devices, null);
    }

    /**
     * Signals with no count of the segments sent (a substrate that counts packets only, or a test), and no drops of the
     * application's own class queues known from the interval before this one.
     */
    public Signals(long atMillis, AppMeasure reported, Double socketRttP50Ms, Double socketRttMaxMs, Double retransmitPct,
            Double txMbps, Double rxMbps, List<PeerSignal> peers, List<QueueSignal> queues, List<DeviceSignal> devices,
            Long retransmitted) {
        this(atMillis, reported, socketRttP50Ms, socketRttMaxMs, retransmitPct, txMbps, rxMbps, peers, queues, devices,
                retransmitted, null, 0);
    }

    /**
     * These signals with the segments the application's own class queues dropped in the interval before (see
     * {@link #ownDropSegments()}): a drop's retransmission follows it by a round trip to a retransmission timeout,
     * which often falls into the next sample, where the queue may have dropped nothing.
     */
    public Signals withDropSegmentsBefore(long segments) {
        return new Signals(atMillis, reported, socketRttP50Ms, socketRttMaxMs, retransmitPct, txMbps, rxMbps, peers, queues,
                devices, retransmitted, this.segments, segments, recovery);
    }

    /**
     * The TCP segments the application's own class queues dropped in this interval, at most: a queue counts a drop per
     * packet, and a packet the leaf keeps whole is a GSO packet of several segments (the class leaf splits only those
     * larger than its burst), so each drop counts as many segments as the queue's packets hold on average.
     */
    public long ownDropSegments() {
        return queues.stream().mapToLong(q -> q.drops() * q.segmentsPerPacket()).sum();
    }

    /**
     * The own drops this interval leaves for the next one: each dropped segment explains one retransmitted segment, the
     * oldest drops first, so what this interval's retransmissions used up cannot hide loss on the path in the next. The
     * drops of earlier intervals not answered yet are carried on too: a segment dropped again on its retransmission
     * waits for a timeout that doubles each time (200 ms, 400, 800 ...), so a class that dropped heavily (a ceiling set
     * far below its demand, then reverted) is still repairing its drops seconds later, with its queue quiet; how long the
     * loop carries them is its business ({@link AppLoop}). Duplicates the peers reported are neither loss nor repair.
     */
    public long unexplainedDropSegments() {
        long re = possiblyLost() == null ? 0 : possiblyLost();
        return Math.max(0, ownDropSegments() + dropSegmentsBefore - re);
    }

    /** The TCP sockets to one peer ({@code address:port}): the worst smoothed RTT and the retransmissions since the last sample. */
    public record PeerSignal(String peer, double rttMs, long retransmits) {}

    /**
     * One of the application's queues: its backlog now, how much it grew since the last sample, its new drops, the
     * mean size of the packets it holds (0 when it holds none: unknown), the rate it sent at since the last sample,
     * counted as its class is shaped (every packet's length on the device; null when unknown), and how often since then
     * its class ran out of its ceiling's tokens and had to wait (HTB's overlimits of the class).
     */
    public record QueueSignal(String scope, String device, String handle, long backlogBytes, long growthBytes,
            long drops, long meanPacketBytes, Double rateMbps, long overlimits) {
        /**
         * The frame of a full-sized TCP segment on a 1500-byte MTU with its Ethernet header: the queue counts a GSO packet
         * with every segment's headers, so its length over this is its segments.
         */
        static final long FRAME_BYTES = 1514;

        public QueueSignal(String scope, String device, String handle, long backlogBytes, long growthBytes, long drops) {
            this(scope, device, handle, backlogBytes, growthBytes, drops, 0);
        }

        public QueueSignal(String scope, String device, String handle, long backlogBytes, long growthBytes, long drops,
                long meanPacketBytes) {
            this(scope, device, handle, backlogBytes, growthBytes, drops, meanPacketBytes, null, 0);
        }

        /**
         * Segments in a packet this queue drops: its mean packet in frames, rounded up, since what a full queue drops is
         * the arriving packets of the flow that overfills it, a slow start's larger GSO packets (seen in the lab: 24 drops
         * from a queue of 2238-byte packets on average, 48 segments retransmitted, 38 of them by the stream in its slow
         * start); 1 when its packets are single frames or unknown.
         */
        public long segmentsPerPacket() {
            return Math.max(1, (meanPacketBytes + FRAME_BYTES - 1) / FRAME_BYTES);
        }

        public String where() {
            return device + " " + handle + (scope.isEmpty() ? "" : " in " + scope);
        }
    }

    /** A device of the application with the packets it dropped since the last sample. */
    public record DeviceSignal(String scope, String name, long txDropped, long rxDropped) {}

    /** The signals of {@code now}, with rates against {@code previous} (null for the first sample). */
    public static Signals of(Metrics previous, Metrics now, AppMeasure reported, long atMillis) {
        List<Double> rtts = now.sockets().stream().map(Metrics.TcpSocket::rttMs).filter(r -> r > 0).sorted().toList();
        Double rttP50 = rtts.isEmpty() ? null : rtts.get(rtts.size() / 2);
        Double rttMax = rtts.isEmpty() ? null : rtts.getLast();
        Double tx = null, rx = null, retransmitPct = null;
        Long retransmitted = null, segmentsSent = null;
        Map<String, Metrics.TcpSocket> before = previous == null ? Map.of() : byAddresses(previous);
        if (previous != null && now.sampledAtMillis() > previous.sampledAtMillis()) {
            double seconds = (now.sampledAtMillis() - previous.sampledAtMillis()) / 1000.0;
            Metrics.Counters was = traffic(previous), is = traffic(now);
            tx = delta(was.txBytes(), is.txBytes()) * 8 / seconds / 1e6;
            rx = delta(was.rxBytes(), is.rxBytes()) * 8 / seconds / 1e6;
            retransmitted = sum(before, now, Metrics.TcpSocket::retransmits);
            // the data segments sent (0 when the substrate counts none)
            long segments = sum(before, now, Metrics.TcpSocket::dataSegmentsOut);
            long sent = delta(was.txPackets(), is.txPackets());
            if (segments > 0) {
                segmentsSent = segments;
                retransmitPct = 100.0 * Math.min(segments, retransmitted) / segments;
            } else if (sent > 0 && !now.sockets().isEmpty()) {
                // a substrate that does not count segments: packets stand in, and overstate loss under offload
                retransmitPct = 100.0 * Math.min(sent, retransmitted) / sent;
            }
        }
        Recovery recovery = previous == null ? Recovery.NONE
                : new Recovery(sum(before, now, Metrics.TcpSocket::dsackDups), sum(before, now, Metrics.TcpSocket::timeouts));
        return new Signals(atMillis, reported, rttP50, rttMax, retransmitPct, tx, rx, peers(previous, before, now),
                queues(previous, now), devices(previous, now), retransmitted, segmentsSent, 0, recovery);
    }

    /** The sockets of the last sample by their addresses. */
    private static Map<String, Metrics.TcpSocket> byAddresses(Metrics previous) {
        Map<String, Metrics.TcpSocket> before = new HashMap<>();
        previous.sockets().forEach(s -> before.put(s.local() + ">" + s.peer(), s));
        return before;
    }

    /** A socket counter's growth since the last sample over all sockets (a socket new since then counts from zero). */
    private static long sum(Map<String, Metrics.TcpSocket> before, Metrics now,
            java.util.function.ToLongFunction<Metrics.TcpSocket> counter) {
        long sum = 0;
        for (Metrics.TcpSocket s : now.sockets()) {
            Metrics.TcpSocket b = before.get(s.local() + ">" + s.peer());
            sum += delta(b == null ? 0 : counter.applyAsLong(b), counter.applyAsLong(s));
        }
        return sum;
    }

    /** The application's p99 latency, else the worst socket RTT; null when neither is known. */
    public Double latencyP99Ms() {
        if (reported != null && reported.latencyP99Ms() != null) {
            return reported.latencyP99Ms();
        }
        if (reported != null && reported.latencyP50Ms() != null) {
            return reported.latencyP50Ms();
        }
        return socketRttMaxMs;
    }

    public Double lossPct() {
        return reported != null && reported.lossPct() != null ? reported.lossPct() : retransmitPct;
    }

    public Double throughputMbps() {
        if (reported != null && reported.throughputMbps() != null) {
            return reported.throughputMbps();
        }
        return demandMbps();
    }

    /** What the application sends or receives now, whichever is larger (its class shapes both directions). */
    public Double demandMbps() {
        if (txMbps == null) {
            return null;
        }
        return Math.max(txMbps, rxMbps);
    }

    public boolean peerDegraded() {
        return reported != null && reported.peerDegraded();
    }

    /** Where the numbers came from, for the journal: {@code app} or {@code substrate}. */
    public String latencySource() {
        return reported != null && (reported.latencyP99Ms() != null || reported.latencyP50Ms() != null) ? "app"
                : "substrate";
    }

    /**
     * The application's traffic: its firewall's counters, else (a persona without a firewall has none) the
     * sum of its devices' counters, which in its own namespace are its traffic too.
     */
    static Metrics.Counters traffic(Metrics m) {
        Metrics.Counters c = m.traffic();
        if (c.txPackets() != 0 || c.rxPackets() != 0 || m.devices().isEmpty()) {
            return c;
        }
        long rxB = 0, rxP = 0, txB = 0, txP = 0;
        for (Metrics.Device d : m.devices()) {
            rxB += d.rxBytes();
            rxP += d.rxPackets();
            txB += d.txBytes();
            txP += d.txPackets();
        }
        return new Metrics.Counters(rxB, rxP, txB, txP);
    }

    private static long delta(long before, long after) {
        // counters restart when a class or device is made anew: count from zero then
        return after >= before ? after - before : after;
    }

    private static List<PeerSignal> peers(Metrics previous, Map<String, Metrics.TcpSocket> before, Metrics now) {
        Map<String, PeerSignal> byPeer = new TreeMap<>();
        for (Metrics.TcpSocket s : now.sockets()) {
            Metrics.TcpSocket was = before.get(s.local() + ">" + s.peer());
            long re = previous == null ? 0 : delta(was == null ? 0 : was.retransmits(), s.retransmits());
            byPeer.merge(s.peer(), new PeerSignal(s.peer(), s.rttMs(), re),
                    (a, b) -> new PeerSignal(a.peer(), Math.max(a.rttMs(), b.rttMs()), a.retransmits() + b.retransmits()));
        }
        return List.copyOf(byPeer.values());
    }

    private static List<QueueSignal> queues(Metrics previous, Metrics now) {
        Map<String, Metrics.Queue> before = new HashMap<>();
        if (previous != null) {
            previous.queues().forEach(q -> before.put(q.scope() + "/" + q.device() + "/" + q.handle(), q));
        }
        List<QueueSignal> out = new ArrayList<>();
        for (Metrics.Queue q : now.queues()) {
            Metrics.Queue b = before.get(q.scope() + "/" + q.device() + "/" + q.handle());
            long growth = b == null ? 0 : q.backlogBytes() - b.backlogBytes();
            long drops = b == null ? 0 : delta(b.drops(), q.drops());
            long mean = meanPacketBytes(b, q);
            long millis = b == null ? 0 : now.sampledAtMillis() - previous.sampledAtMillis();
            Double rate = millis <= 0 || q.sentBytes() <= 0 ? null : delta(b.sentBytes(), q.sentBytes()) * 8 / (millis / 1000.0) / 1e6;
            long over = b == null ? 0 : delta(b.overlimits(), q.overlimits());
            out.add(new QueueSignal(q.scope(), q.device(), q.handle(), q.backlogBytes(), growth, drops, mean, rate, over));
        }
        return out;
    }

    /**
     * The mean size of a queue's packets: of those it holds, else of those it sent since the last sample (a queue found
     * empty at the sample dropped packets of its bursts, the size it sends, rather than single frames; in the lab a
     * video class with nothing queued at the sample dropped 24 packets while its sockets retransmitted 48 segments);
     * 0 when neither is known.
     */
    private static long meanPacketBytes(Metrics.Queue before, Metrics.Queue now) {
        if (now.backlogPackets() > 0) {
            return now.backlogBytes() / now.backlogPackets();
        }
        if (before == null || now.sentPackets() <= 0) {
            return 0;
        }
        long packets = delta(before.sentPackets(), now.sentPackets()), bytes = delta(before.sentBytes(), now.sentBytes());
        return packets > 0 ? bytes / packets : 0;
    }

    private static List<DeviceSignal> devices(Metrics previous, Metrics now) {
        if (previous == null) {
            return List.of();
        }
        Map<String, Metrics.Device> before = new HashMap<>();
        previous.devices().forEach(d -> before.put(d.scope() + "/" + d.name(), d));
        List<DeviceSignal> out = new ArrayList<>();
        for (Metrics.Device d : now.devices()) {
            Metrics.Device b = before.get(d.scope() + "/" + d.name());
            if (b != null) {
                long tx = delta(b.txDropped(), d.txDropped());
                long rx = delta(b.rxDropped(), d.rxDropped());
                if (tx > 0 || rx > 0) {
                    out.add(new DeviceSignal(d.scope(), d.name(), tx, rx));
                }
            }
        }
        return out;
    }
}
