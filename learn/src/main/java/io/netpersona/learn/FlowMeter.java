package io.netpersona.learn;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Turns frames into bidirectional {@link Flow}s, handed to a sink as each flow ends: when it has been idle
 * longer than {@link Options#idleTimeout()} (or {@link Options#closedTimeout()} after TCP closed), when its
 * shard of the table is full and it is among the shard's quietest quarter, or at {@link #finish()}. Memory is bounded by
 * {@link Options#maxFlows()} flows plus a bounded cache of DNS answers, whatever the length of the capture.
 *
 * <p>Idle flows are looked for at most every {@link Options#closedTimeout()} of capture time (and no more
 * often than once per {@link #SCAN_PACKETS} packets), so a flow can outlive its timeout by that much. Time is the
 * capture's: the latest timestamp of an IP packet seen, so frames slightly out of order do not move it back.
 *
 * <p>The table is {@link #SHARDS} shards by the flow key's hash, each holding a {@link #SHARDS}th of
 * {@link Options#maxFlows()}. A meter may keep only some shards' flows (see {@link FlowPipeline}): it still
 * sees every frame, so its clock, its idle scans and its DNS names are those of a meter that keeps them
 * all, and the shards' meters together end the same flows at the same frames as one meter does.
 *
 * <p>Not thread-safe: one meter per capture and thread. Per packet nothing is allocated; names (DNS, TLS
 * SNI, HTTP Host) are parsed only from DNS messages and the first few payload packets of a flow.
 */
public final class FlowMeter {
    /**
     * How flows are kept.
     *
     * @param idleTimeout a flow without packets for this long ends
     * @param closedTimeout the same, for TCP flows that saw FIN from both sides or an RST
     * @param maxFlows flows kept at once; when full, the quietest quarter ends ({@link Flow.End#EVICTED})
     * @param firstPackets how many first packets each flow records
     * @param tunnels whether tunnelled packets count as their inner flows (IP in IP, GRE, GTP-U, VXLAN, TZSP,
     *     CAPWAP), as nDPI counts them
     * @param wholePacketsOnly whether IP packets the capture cut short (snapshot length) are left out of flows,
     *     as nDPI leaves them out; by default they count with the bytes that were captured
     * @param wireLengths whether bytes and sizes are the packets' lengths on the wire rather than what the
     *     capture kept: for captures taken with a small snapshot length (a live capture keeps headers only)
     * @param arp whether ARP frames for IPv4 form flows (protocol {@link Packet#ARP}, from the sender's protocol
     *     address to the target's, ports 0), as the flow listings show them; a profile leaves them out
     * @param distributions whether flows carry the distributions of their packets' sizes and gaps; without,
     *     each is {@link Distribution#EMPTY} and costs nothing per packet (for a listing that prints none)
     */
    public record Options(Duration idleTimeout, Duration closedTimeout, int maxFlows, int firstPackets, boolean tunnels,
            boolean wholePacketsOnly, boolean wireLengths, boolean arp, boolean distributions) {
        /**
         * An idle timeout of a day, so that a capture's conversation stays one flow (as nDPI counts it) even
         * when the capture is not in time order (merged captures) or the conversation pauses for hours;
         * memory is bounded by the 262,144 flows kept at once (some 150 MB at most), not by the timeout.
         */
        public static final Options DEFAULTS = new Options(Duration.ofHours(24), Duration.ofMinutes(5), 1 << 18, 8,
                true, false, false, false, true);

        public Options {
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(closedTimeout, "closedTimeout");
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: positive)");
            }
            if (closedTimeout.isNegative() || closedTimeout.isZero()) {
                throw new IllegalArgumentException("closedTimeout: " + closedTimeout + " (expected: positive)");
            }
            if (maxFlows < 16 || maxFlows > 1 << 26) {
                throw new IllegalArgumentException("maxFlows: " + maxFlows + " (expected: 16..67108864)");
            }
            if (firstPackets < 0 || firstPackets > 64) {
                throw new IllegalArgumentException("firstPackets: " + firstPackets + " (expected: 0..64)");
            }
        }

        public Options withTimeouts(Duration idle, Duration closed) {
            return new Options(idle, closed, maxFlows, firstPackets, tunnels, wholePacketsOnly, wireLengths, arp,
                    distributions);
        }

        public Options withMaxFlows(int flows) {
            return new Options(idleTimeout, closedTimeout, flows, firstPackets, tunnels, wholePacketsOnly, wireLengths, arp,
                    distributions);
        }

        public Options withWholePacketsOnly(boolean whole) {
            return new Options(idleTimeout, closedTimeout, maxFlows, firstPackets, tunnels, whole, wireLengths, arp,
                    distributions);
        }

        public Options withWireLengths(boolean wire) {
            return new Options(idleTimeout, closedTimeout, maxFlows, firstPackets, tunnels, wholePacketsOnly, wire, arp,
                    distributions);
        }

        /** With {@code packets} first packets per flow (0..64) and the distributions or not. */
        public Options withDetail(int packets, boolean withDistributions) {
            return new Options(idleTimeout, closedTimeout, maxFlows, packets, tunnels, wholePacketsOnly, wireLengths, arp,
                    withDistributions);
        }

        public Options withArp(boolean withArp) {
            return new Options(idleTimeout, closedTimeout, maxFlows, firstPackets, tunnels, wholePacketsOnly, wireLengths,
                    withArp, distributions);
        }
    }


    /** Shards of the flow table, by the top bits of a flow key's hash. */
    static final int SHARDS = 16;
    /** Every shard. */
    static final int ALL_SHARDS = (1 << SHARDS) - 1;
    /** Packets between idle scans at least: fixed, so that every shard's meter scans at the same frames. */
    static final int SCAN_PACKETS = 1024;
    /** The step within a frame at which flows end: idle at a scan, a flow's key reused, evicted from a full shard. */
    private static final int SCANNED = 0, REPLACED = 1, EVICTED = 2;

    private final String capture;
    private final Options options;
    /** The shards this meter keeps flows of, one bit each. */
    private final int shards;
    private final int[] shardFlows = new int[SHARDS];
    private final int perShard;
    private final Consumer<Flow> sink;
    /** Where an ended flow goes: made into a {@link Flow} for the sink here, or handed to another thread. */
    private java.util.function.BiConsumer<FlowState, Flow.End> ended = this::deliver;
    private final PacketListener listener;
    private final PacketDecoder decoder;
    private final Packet packet = new Packet();
    private final FlowTable table = new FlowTable();
    private final DnsNames dns = new DnsNames();
    private final FlowNames names = new FlowNames(dns);
    private final long idleNanos, closedNanos;
    private final long[] results = new long[DecodeResult.values().length];
    private long frames, bytes, flows, evicted, cut;
    private long now = Long.MIN_VALUE, lastScan, sinceScan;
    /**
     * No flow in the table was last seen before these (all flows; those TCP has closed): lower bounds, so that a
     * scan that could end no flow is not made. Exact after a scan; lowered as flows begin and close.
     */
    private long leastLast = Long.MAX_VALUE, leastClosedLast = Long.MAX_VALUE;
    /** The side of the packet in the flow {@link #flowOf} returned last: 0 from its first sender, 1 back. */
    private int side;

    /**
     * @param capture the name flows carry as {@link Flow#capture()}
     * @param sink receives each flow once, when it ends
     */
    public FlowMeter(String capture, Options options, Consumer<Flow> sink) {
        this(capture, options, sink, PacketListener.NONE);
    }

    /**
     * @param listener hears every packet that goes into a flow, before its flow counts it (on the reading
     *     thread, with the decoder's reusable {@link Packet})
     */
    public FlowMeter(String capture, Options options, Consumer<Flow> sink, PacketListener listener) {
        this(capture, options, sink, listener, ALL_SHARDS);
    }

    /** @param shards the shards whose flows this meter keeps, one bit each (see {@link #shard}) */
    FlowMeter(String capture, Options options, Consumer<Flow> sink, PacketListener listener, int shards) {
        this.shards = shards;
        this.perShard = Math.max(1, options.maxFlows() / SHARDS);
        this.capture = Objects.requireNonNull(capture, "capture");
        this.options = Objects.requireNonNull(options, "options");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.decoder = new PacketDecoder(options.tunnels(), options.wholePacketsOnly(), options.arp());
        this.idleNanos = options.idleTimeout().toNanos();
        this.closedNanos = options.closedTimeout().toNanos();
    }

    /** Counts, decodes and meters one frame. */
    public void accept(Frame frame) {
        Packet p = packet;
        DecodeResult r = decoder.decode(frame, p);
        accept(r, p, r.inFlow() ? FlowTable.hash(p) : 0);
    }

    /**
     * Counts and meters a frame decoded elsewhere (by a {@link PacketDecoder} with this meter's options), so
     * that decoding can run on another thread; {@code hash} is {@link FlowTable#hash} of the packet when
     * {@code r} puts it in a flow.
     */
    void accept(DecodeResult r, Packet p, long hash) {
        frames++;
        // the packet carries the frame's lengths as the record stated them
        bytes += options.wireLengths() ? p.originalLength : p.capturedLength;
        results[r.ordinal()]++;
        if (!r.inFlow()) {
            return;
        }
        boolean own = (shards >>> shard(hash) & 1) != 0;
        if (own) {
            listener.packet(p);
            if (p.cut) {
                cut++;
            }
        }
        long t = p.timestampNanos;
        // the clock is the IP packets': ARP, which a profile's meter leaves out, must not change when IP flows end
        if (r != DecodeResult.ARP) {
            if (t > now) {
                if (now == Long.MIN_VALUE) {
                    lastScan = t;
                }
                now = t;
            }
            // a scan visits every slot: at most one per slot's worth of packets keeps it to one visit a packet
            if (++sinceScan >= SCAN_PACKETS && now - lastScan >= closedNanos) {
                expire();
            }
        }
        if (!own) {
            // another meter keeps this flow; the DNS answers it carries name flows in every shard
            if (p.payloadLength > 0 && !p.fragment) {
                names.answers(p);
            }
            return;
        }
        FlowState f = flowOf(p, hash, t);
        int side = this.side;
        f.count(p, side, options.wireLengths());
        if (f.tcp != null && !p.fragment) {
            f.tcp.update(p, side, p.segmentLength);
            if (!f.closed && f.tcp.closed()) {
                f.closed = true;
                leastClosedLast = Math.min(leastClosedLast, f.last);
            }
        }
        if (p.payloadLength > 0 && !p.fragment) {
            names.look(f, p, side);
        }
    }

    /** The packet's flow, ending an old one that timed out or whose connection was reopened; sets {@link #side}. */
    private FlowState flowOf(Packet p, long hash, long t) {
        FlowState f = table.find(p, hash);
        side = table.side;
        if (f != null) {
            Flow.End end = null;
            if (t - f.last > (f.closed() ? closedNanos : idleNanos)) {
                // timed out before a scan found it: the flow ends where it would have, and this packet starts anew
                end = Flow.End.IDLE;
            } else if (f.tcp != null && f.tcp.finished() && (p.tcpFlags & (Packet.SYN | Packet.ACK)) == Packet.SYN) {
                // the addresses and ports are used again, by a new connection
                end = Flow.End.NEW_CONNECTION;
            }
            if (end == null) {
                return f;
            }
            table.remove(f);
            shardFlows[shard(hash)]--;
            flows++;
            f.endFrame = frames;
            f.endStep = REPLACED;
            ended.accept(f, end);
        }
        int s = shard(hash);
        if (shardFlows[s] >= perShard) {
            evictQuietest(s);
        }
        f = new FlowState(p, hash, options.firstPackets(), options.distributions());
        f.created = frames;
        shardFlows[s]++;
        f.dnsName = dns.name(p.dstHi, p.dstLo);
        if (f.dnsName.isEmpty()) {
            f.dnsName = dns.name(p.srcHi, p.srcLo);
        }
        table.insert(f);
        leastLast = Math.min(leastLast, f.last);
        side = 0;
        return f;
    }

    private void expire() {
        lastScan = now;
        sinceScan = 0;
        long t = now;
        if (!mayEnd(t)) {
            return;
        }
        emit(table.removeIdle(t, closedNanos, idleNanos), Flow.End.IDLE, frames, SCANNED);
        leastLast = table.leastLast;
        leastClosedLast = table.leastClosedLast;
    }

    /**
     * Whether some flow may have been quiet past its timeout at {@code t}: yes unless the least last times say
     * otherwise. Only for times that cannot overflow when subtracted (a hostile capture's may be anything).
     */
    private boolean mayEnd(long t) {
        if (t < 0 || leastLast < 0 || leastClosedLast < 0) {
            return true;
        }
        // a flow TCP has not closed times out after idleNanos, a closed one (in leastClosedLast) after closedNanos
        return t - leastLast > idleNanos || t - leastClosedLast > closedNanos;
    }

    /** The shard of a flow key's hash: its top bits, which the table's slots (its low bits) do not depend on. */
    static int shard(long hash) {
        return (int) (hash >>> (64 - 4));
    }

    private void evictQuietest(int shard) {
        List<FlowState> all = table.all();
        long[] last = new long[all.size()];
        int n = 0;
        for (FlowState f : all) {
            if (shard(f.hash) == shard) {
                last[n++] = f.last;
            }
        }
        Arrays.sort(last, 0, n);
        long threshold = last[n / 4];
        List<FlowState> gone = table.removeIf(f -> shard(f.hash) == shard && f.last <= threshold);
        evicted += gone.size();
        emit(gone, Flow.End.EVICTED, frames, EVICTED);
    }

    private void emit(List<FlowState> gone, Flow.End end, long frame, int step) {
        for (FlowState f : gone) {
            f.endFrame = frame;
            f.endStep = step;
            shardFlows[shard(f.hash)]--;
        }
        gone.sort(FlowState::endOrder);
        for (FlowState f : gone) {
            flows++;
            ended.accept(f, end);
        }
    }

    /** Ends every flow still open ({@link Flow.End#CAPTURE_END}) and returns what was counted. */
    public Stats finish() {
        emit(table.removeIf(f -> true), Flow.End.CAPTURE_END, Long.MAX_VALUE, SCANNED);
        return stats();
    }

    /** What has been counted so far. */
    public Stats stats() {
        Map<DecodeResult, Long> byResult = new EnumMap<>(DecodeResult.class);
        for (DecodeResult r : DecodeResult.values()) {
            if (results[r.ordinal()] > 0) {
                byResult.put(r, results[r.ordinal()]);
            }
        }
        return new Stats(frames, bytes, flows, table.size(), evicted, cut, dns.size(), byResult);
    }

    /**
     * Counts of a meter.
     *
     * @param frames frames seen
     * @param bytes their captured bytes
     * @param flows flows handed to the sink
     * @param openFlows flows still in the table
     * @param evicted flows ended early because the table was full
     * @param cutShort IP packets of flows that the capture did not keep whole (counted with the bytes it kept)
     * @param dnsNames addresses with a name from a DNS answer
     * @param results frames by what the decoder made of them (only non-zero counts)
     */
    public record Stats(long frames, long bytes, long flows, long openFlows, long evicted, long cutShort, long dnsNames,
            Map<DecodeResult, Long> results) {
        public Stats {
            results = Map.copyOf(results);
        }

        /** Frames that were not IP packets a flow could take, by reason (not-ip included). */
        public long notDecoded() {
            return results.entrySet().stream().filter(e -> !e.getKey().inFlow()).mapToLong(Map.Entry::getValue).sum();
        }
    }

    private void deliver(FlowState f, Flow.End end) {
        sink.accept(f.toFlow(capture, end));
    }

    /**
     * Hands ended flows to {@code to} instead of the sink, which then makes them into flows with
     * {@link FlowState#toFlow} (on any thread: an ended flow's state is no longer touched here).
     */
    void handEndedTo(java.util.function.BiConsumer<FlowState, Flow.End> to) {
        ended = Objects.requireNonNull(to, "to");
    }

    /**
     * Hands the QUIC Initial datagrams of the flows to {@code to} instead of opening them here: it must open them
     * ({@link FlowNames#quicOpened}) in the order given, on the thread that makes the flows into rows or
     * {@link Flow}s, before it does so for their flows (a flow's name is its state's until then).
     */
    void openQuicWith(java.util.function.BiConsumer<FlowState, byte[]> to) {
        names.openQuicElsewhere(Objects.requireNonNull(to, "to"));
    }

    /** Where ended flows go now (the sink, by default). */
    java.util.function.BiConsumer<FlowState, Flow.End> endedTo() {
        return ended;
    }
}
