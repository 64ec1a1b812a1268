package io.netpersona.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The flows floor with ends and rows: {@link FlowsFloor}'s per-packet work, and what {@code persona flows -o csv}
 * must do per flow besides: end flows by its rules ({@link FlowEnds}: the idle timeout of a day, five minutes once
 * TCP closed with FIN from both sides or an RST, a new connection on a finished one; idle scans at FlowMeter's
 * scan points, looking only at the flows that can be due) and write one CSV row per ended flow in its columns,
 * as bytes, through a buffered stream. A floor, not
 * a replacement: the RTT, retransmission and name columns stay empty, tunnels are not looked into (their outer
 * packets make the flows), no table eviction (the benchmark's rounds never fill persona's table).
 *
 * <p>Threads take byte ranges that start where the capture's clock jumps forward by more than the idle timeout
 * past every earlier time (the benchmark's capture does between rounds): there every open flow has gone idle,
 * so a range's flows can end at its end as idle and the next range starts with an empty table, as one meter
 * would. That is checked after the walk: each range's earliest time must lie past all earlier ranges' latest
 * by more than the idle timeout, or the run fails.
 */
public final class FlowEndsFloor {
    static final long IDLE_NANOS = 24L * 3600 * 1_000_000_000L, CLOSED_NANOS = 300L * 1_000_000_000L;
    /** FlowMeter's least packets between idle scans. */
    private static final int SCAN_PACKETS = 1024;
    private static final int MAX_CAPTURED = 262_144;

    record Range(long flows, long scans, long packets, long flowPackets, long ipPackets, long minTime, long maxTime, long end) {
    }

    private FlowEndsFloor() {
    }

    public static void main(String[] args) throws Exception {
        int threads = 2;
        Path file = null, output = Path.of("/dev/null");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "-o" -> output = Path.of(args[++i]);
                default -> file = Path.of(args[i]);
            }
        }
        if (file == null || threads < 1) {
            System.err.println("usage: FlowEndsFloor [--threads N] [-o FILE.csv (default /dev/null)] FILE.pcap");
            System.exit(2);
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(output), 1 << 16)) {
            // on stderr, which the benchmark keeps (it discards every tool's stdout)
            System.err.println(run(file, threads, out));
        }
    }

    /** Writes the header and every flow's row to {@code out}; returns what it counted. */
    static String run(Path file, int threads, OutputStream out) throws IOException, InterruptedException {
        long size, timeScale;
        long[] starts = new long[threads + 1];
        try (FileChannel ch = FileChannel.open(file)) {
            size = ch.size();
            ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(h, 0);
            int magic = h.getInt(0);
            if (h.position() < 24 || (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) || h.getInt(20) != 1) {
                throw new IOException(file + ": not a little-endian Ethernet pcap (magic " + Integer.toHexString(magic) + ")");
            }
            timeScale = magic == 0xa1b2c3d4 ? 1000 : 1;
            starts[0] = 24;
            starts[threads] = size;
            for (int i = 1; i < threads; i++) {
                long near = Math.max(starts[i - 1], FlowsFloor.boundary(ch, file, 24 + (size - 24) * i / threads, size));
                starts[i] = near >= size ? size : roundStart(ch, near, size, timeScale);
            }
        }
        out.write((FlowEnds.HEADER + "\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        String name = file.getFileName().toString();
        List<FutureTask<Range>> tasks = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            long from = starts[i], to = starts[i + 1];
            boolean last = to == size;
            FutureTask<Range> t = new FutureTask<>(() -> walk(file, name, from, to, timeScale, out, last));
            tasks.add(t);
            if (i > 0) {
                Thread.ofPlatform().name("ends-floor-" + i).start(t);
            }
        }
        tasks.get(0).run();
        long flows = 0, scans = 0, packets = 0, flowPackets = 0, maxBefore = Long.MIN_VALUE;
        Range[] ranges = new Range[threads];
        for (int i = 0; i < threads; i++) {
            Range r;
            try {
                r = tasks.get(i).get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IllegalStateException(e.getCause());
            }
            if (r.end() != starts[i + 1]) {
                throw new IOException(file + ": range " + i + " ended at " + r.end() + ", not at the next range's start "
                        + starts[i + 1]);
            }
            if (r.flowPackets() > 0 && maxBefore != Long.MIN_VALUE && r.minTime() - maxBefore <= IDLE_NANOS) {
                throw new IllegalStateException(file + ": range " + i + " (from offset " + starts[i] + ") has a time only "
                        + (r.minTime() - maxBefore) + " ns past the earlier ranges' latest: its flows could continue theirs");
            }
            maxBefore = Math.max(maxBefore, r.maxTime());
            ranges[i] = r;
            flows += r.flows();
            scans += r.scans();
            packets += r.packets();
            flowPackets += r.flowPackets();
        }
        // persona's meter ends the flows open at a range's end as idle at its next scan, which needs up to SCAN_PACKETS
        // IP packets after it; without them it would end them as capture_end
        long after = 0;
        for (int i = threads - 1; i >= 0; i--) {
            if (starts[i + 1] < size && ranges[i].flowPackets() > 0 && after < SCAN_PACKETS) {
                throw new IllegalStateException(file + ": range " + i + " is followed by only " + after + " IP packets, "
                        + "too few for persona's idle scan to end its flows as idle");
            }
            after += ranges[i].ipPackets();
        }
        out.flush();
        return String.format(Locale.ROOT, "flows %d packets %d flow-packets %d idle-scans %d threads %d", flows, packets,
                flowPackets, scans, threads);
    }

    /**
     * The first record at or after the record boundary {@code from} whose time lies past every time since
     * {@code from} by more than the idle timeout and that has plenty of IP packets after it (the file's end when
     * none does).
     */
    static long roundStart(FileChannel ch, long from, long size, long timeScale) throws IOException {
        DataInputStream d = new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch.position(from)), 1 << 16));
        long max = Long.MIN_VALUE, candidate = -1;
        int ipAfter = 0;
        byte[] header = new byte[16], frame = new byte[MAX_CAPTURED];
        ByteBuffer le = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer be = ByteBuffer.wrap(frame);
        for (long at = from; at < size; ) {
            try {
                d.readFully(header);
            } catch (EOFException e) {
                break;
            }
            long t = Integer.toUnsignedLong(le.getInt(0)) * 1_000_000_000L + Integer.toUnsignedLong(le.getInt(4)) * timeScale;
            int captured = le.getInt(8);
            if (captured < 0 || captured > MAX_CAPTURED) {
                throw new IOException("record at offset " + at + ": captured length " + captured);
            }
            if (candidate < 0 && max != Long.MIN_VALUE && t - max > IDLE_NANOS) {
                candidate = at;
            }
            max = Math.max(max, t);
            if (candidate < 0) {
                d.skipNBytes(captured);
            } else {
                // a range needs enough IP packets after its start for persona's idle scan (checked exactly in run)
                d.readFully(frame, 0, captured);
                int type = captured >= 14 ? be.getShort(12) & 0xffff : 0;
                for (int l = 14; (type == 0x8100 || type == 0x88a8) && l + 4 <= captured; l += 4) {
                    type = be.getShort(l + 2) & 0xffff;
                }
                if ((type == 0x0800 || type == 0x86dd) && ++ipAfter >= 4 * SCAN_PACKETS) {
                    return candidate;
                }
            }
            at += 16 + captured;
        }
        return size;
    }

    /** Walks the records that start in [from, to), meters them into flows and writes each ended flow's row. */
    static Range walk(Path file, String name, long from, long to, long timeScale, OutputStream out, boolean last)
            throws IOException {
        FlowEnds table = new FlowEnds(name, IDLE_NANOS, CLOSED_NANOS, out);
        long packets = 0, flowPackets = 0, ipPackets = 0, pos = from, minTime = Long.MAX_VALUE, maxTime = Long.MIN_VALUE;
        long now = Long.MIN_VALUE, lastScan = 0;
        int sinceScan = 0;
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer le = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer be = le.duplicate().order(ByteOrder.BIG_ENDIAN);
            long bufStart = from;
            int p = 0, limit = 0;
            while (pos < to) {
                if (limit - p >= 16 && (le.getInt(p + 8) < 0 || le.getInt(p + 8) > MAX_CAPTURED)) {
                    throw new IOException(file + ": record at offset " + pos + ": captured length " + le.getInt(p + 8));
                }
                if (limit - p < 16 || limit - p < 16 + le.getInt(p + 8)) {
                    le.limit(limit).position(p);
                    le.compact();
                    bufStart += p;
                    limit -= p;
                    p = 0;
                    int before = limit;
                    while (le.hasRemaining() && ch.read(le, bufStart + le.position()) > 0) {
                        // fill the buffer
                    }
                    limit = le.position();
                    le.clear();
                    if (limit == before) {
                        throw new IOException(file + ": the record at offset " + pos + " is cut short by the file's end");
                    }
                    continue;
                }
                long time = Integer.toUnsignedLong(le.getInt(p)) * 1_000_000_000L
                        + Integer.toUnsignedLong(le.getInt(p + 4)) * timeScale;
                int captured = le.getInt(p + 8);
                packets++;
                int f = p + 16, end = f + captured;
                p = end;
                pos = bufStart + p;
                if (captured < 14) {
                    continue;
                }
                int type = be.getShort(f + 12) & 0xffff, l3 = f + 14, vlan = -1;
                while ((type == 0x8100 || type == 0x88a8) && l3 + 4 <= end) {
                    vlan = be.getShort(l3) & 0xfff;
                    type = be.getShort(l3 + 2) & 0xffff;
                    l3 += 4;
                }
                long aHi = 0, aLo, bHi = 0, bLo, v6 = 0;
                int proto, l4, ipEnd, aPort = 0, bPort = 0, flags = -1;
                boolean arp = false;
                if (type == 0x0800 && l3 + 20 <= end) {
                    int vhl = be.get(l3) & 0xff, hl = (vhl & 0xf) << 2, total = be.getShort(l3 + 2) & 0xffff;
                    if (vhl >> 4 != 4 || hl < 20 || l3 + hl > end || (be.getShort(l3 + 6) & 0x1fff) != 0) {
                        // a bad header or a later fragment: in no flow, as learn's decoder leaves them out
                        continue;
                    }
                    aLo = be.getInt(l3 + 12) & 0xffffffffL;
                    bLo = be.getInt(l3 + 16) & 0xffffffffL;
                    proto = be.get(l3 + 9) & 0xff;
                    l4 = l3 + hl;
                    ipEnd = total >= hl && total < end - l3 ? l3 + total : end;
                } else if (type == 0x86dd && l3 + 40 <= end && (be.get(l3) & 0xf0) == 0x60) {
                    v6 = FlowEnds.V6;
                    aHi = be.getLong(l3 + 8);
                    aLo = be.getLong(l3 + 16);
                    bHi = be.getLong(l3 + 24);
                    bLo = be.getLong(l3 + 32);
                    int payload = be.getShort(l3 + 4) & 0xffff;
                    ipEnd = payload != 0 && payload < end - l3 - 40 ? l3 + 40 + payload : end;
                    proto = be.get(l3 + 6) & 0xff;
                    l4 = l3 + 40;
                    // the extension headers learn's decoder walks; a later fragment is in no flow
                    while (proto == 0 || proto == 43 || proto == 60 || proto == 44 || proto == 51) {
                        if (l4 + 8 > ipEnd || (proto == 44 && (be.getShort(l4 + 2) & 0xfff8) != 0)) {
                            break;
                        }
                        int length = proto == 44 ? 8 : proto == 51 ? ((be.get(l4 + 1) & 0xff) + 2) * 4
                                : ((be.get(l4 + 1) & 0xff) + 1) * 8;
                        proto = be.get(l4) & 0xff;
                        l4 += length;
                    }
                    if (proto == 44 || proto == 0 || proto == 43 || proto == 60 || proto == 51) {
                        continue;
                    }
                } else if (type == 0x0806 && l3 + 8 <= end && (be.getShort(l3 + 2) & 0xffff) == 0x0800
                        && (be.get(l3 + 5) & 0xff) == 4) {
                    int hw = be.get(l3 + 4) & 0xff, sender = l3 + 8 + hw, target = sender + 4 + hw;
                    if (target + 4 > end) {
                        continue;
                    }
                    aLo = be.getInt(sender) & 0xffffffffL;
                    bLo = be.getInt(target) & 0xffffffffL;
                    proto = FlowEnds.ARP;
                    l4 = ipEnd = end;
                    arp = true;
                } else {
                    continue;
                }
                if (proto == 6 && l4 + 20 <= ipEnd) {
                    aPort = be.getShort(l4) & 0xffff;
                    bPort = be.getShort(l4 + 2) & 0xffff;
                    flags = be.get(l4 + 13) & 0xff;
                } else if (proto == 17 && l4 + 8 <= ipEnd) {
                    aPort = be.getShort(l4) & 0xffff;
                    bPort = be.getShort(l4 + 2) & 0xffff;
                }
                flowPackets++;
                ipPackets += arp ? 0 : 1;
                minTime = Math.min(minTime, time);
                maxTime = Math.max(maxTime, time);
                // FlowMeter's clock and scans: the IP packets' latest time, a scan per closed timeout at most
                if (!arp) {
                    if (time > now) {
                        if (now == Long.MIN_VALUE) {
                            lastScan = time;
                        }
                        now = time;
                    }
                    if (++sinceScan >= SCAN_PACKETS && now - lastScan >= CLOSED_NANOS) {
                        table.scan(now);
                        lastScan = now;
                        sinceScan = 0;
                    }
                }
                int side = Long.compareUnsigned(aHi, bHi) != 0 ? Long.compareUnsigned(aHi, bHi)
                        : Long.compareUnsigned(aLo, bLo) != 0 ? Long.compareUnsigned(aLo, bLo) : Integer.compare(aPort, bPort);
                long meta = v6 | (long) (vlan + 1) << 16 | proto;
                if (side <= 0) {
                    table.add(aHi, aLo, bHi, bLo, meta | (long) aPort << 48 | (long) bPort << 32, 0, captured, time, flags,
                            proto == 6);
                } else {
                    table.add(bHi, bLo, aHi, aLo, meta | (long) bPort << 48 | (long) aPort << 32, 1, captured, time, flags,
                            proto == 6);
                }
            }
        }
        // a range that is not the last ends where the clock jumps past the idle timeout: its flows went idle there
        table.endAll(last ? FlowEnds.CAPTURE_END : FlowEnds.IDLE);
        table.flush();
        return new Range(table.ended, table.scans, packets, flowPackets, ipPackets, minTime, maxTime, pos);
    }
}
