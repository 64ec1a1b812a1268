package io.netpersona.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * The least work {@code persona flows} must do per packet, as a JVM process of its own: the floor under it, not
 * a replacement (it keeps no names, no TCP state, no distributions, writes nothing). Each thread reads its own
 * byte range of the pcap (positional reads into a direct buffer, the fastest way {@link ReadFloor} found), walks
 * its records, decodes Ethernet, VLAN tags, IPv4/IPv6 and the TCP/UDP ports, finds the bidirectional flow in an
 * open-addressing table of primitive longs and adds the direction's packets and bytes and the flow's first and
 * last time. A flow is its key here: no idle or TCP end splits it (the benchmark's capture has times that go
 * back by days, which would make such splits depend on where the ranges meet). The threads' tables are merged
 * at the end. It prints what it counted, fails unless the merged table holds every IP packet and byte read,
 * and fails when the ranges' edges do not meet record for record.
 */
public final class FlowsFloor {
    /** Records a range's start must chain through (or reach the file's end) to be taken as a record boundary. */
    private static final int CHAIN = 32;
    private static final int MAX_CAPTURED = 262_144;

    /** What one range counted: its table, its packets and bytes (all, and IP), and where its walk ended. */
    record Shard(FlowKeys table, long packets, long ipPackets, long bytes, long ipBytes, long end) {
    }

    private FlowsFloor() {
    }

    public static void main(String[] args) throws Exception {
        int threads = 2, buffer = 1 << 20;
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--buffer" -> buffer = (int) FlowsBenchmark.bytes(args[++i]);
                default -> file = Path.of(args[i]);
            }
        }
        if (file == null || threads < 1 || buffer < 2 * (MAX_CAPTURED + 16)) {
            System.err.println("usage: FlowsFloor [--threads N] [--buffer BYTES (at least 513K)] FILE.pcap");
            System.exit(2);
        }
        // on stderr, which the benchmark keeps (it discards every tool's stdout)
        System.err.println(run(file, threads, buffer));
    }

    static String run(Path file, int threads, int buffer) throws IOException, InterruptedException {
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
                starts[i] = boundary(ch, file, 24 + (size - 24) * i / threads, size);
            }
        }
        List<FutureTask<Shard>> tasks = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            long from = starts[i], to = starts[i + 1];
            FutureTask<Shard> t = new FutureTask<>(() -> walk(file, from, to, buffer, timeScale));
            tasks.add(t);
            if (i > 0) {
                Thread.ofPlatform().name("floor-" + i).start(t);
            }
        }
        tasks.get(0).run();
        List<Shard> shards = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Shard s = join(tasks.get(i));
            if (s.end() != starts[i + 1]) {
                throw new IOException(file + ": range " + i + " ended at " + s.end() + ", not at the next range's start "
                        + starts[i + 1]);
            }
            shards.add(s);
        }
        FlowKeys merged = shards.get(0).table();
        long packets = 0, ip = 0, bytes = 0, ipBytes = 0;
        for (Shard s : shards) {
            packets += s.packets();
            ip += s.ipPackets();
            bytes += s.bytes();
            ipBytes += s.ipBytes();
        }
        for (int i = 1; i < shards.size(); i++) {
            merged.absorb(shards.get(i).table());
        }
        long[] sums = merged.sums();
        if (sums[0] + sums[1] != ip || sums[2] + sums[3] != ipBytes) {
            throw new IllegalStateException("the flows hold " + (sums[0] + sums[1]) + " packets, " + (sums[2] + sums[3])
                    + " bytes, not the " + ip + " IP packets, " + ipBytes + " bytes read");
        }
        return String.format(java.util.Locale.ROOT, "flows %d packets %d ip-packets %d bytes %d ip-bytes %d threads %d",
                merged.size(), packets, ip, bytes, ipBytes, threads);
    }

    private static Shard join(Future<Shard> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * The first offset at or after {@code near} where {@link #CHAIN} records follow one another soundly (or
     * reach the file's end exactly): captured and wire lengths within bounds (the benchmark's capture has
     * sub-second fields past a second, so its times cannot tell). A wrong guess would show as ranges whose edges do not meet ({@link #run}).
     */
    static long boundary(FileChannel ch, Path file, long near, long size) throws IOException {
        int window = (CHAIN + 1) * (MAX_CAPTURED + 16);
        ByteBuffer b = ByteBuffer.allocateDirect(window).order(ByteOrder.LITTLE_ENDIAN);
        for (long at = near; at < size; at += window / 2) {
            b.clear();
            while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) {
                // fill as much of the window as the file has
            }
            int have = b.position();
            for (int o = 0; o < window / 2 && o < have; o++) {
                if (chains(b, o, have, at + have == size)) {
                    return at + o;
                }
            }
        }
        throw new IOException(file + ": no record boundary found after offset " + near);
    }

    private static boolean chains(ByteBuffer b, int o, int have, boolean endsFile) {
        for (int n = 0; n < CHAIN; n++) {
            if (endsFile && o == have) {
                return n > 0;
            }
            if (o + 16 > have) {
                return false;
            }
            int captured = b.getInt(o + 8), wire = b.getInt(o + 12);
            if (captured < 14 || captured > MAX_CAPTURED || wire < captured || wire > MAX_CAPTURED) {
                return false;
            }
            o += 16 + captured;
        }
        return true;
    }

    /** Walks the records that start in [from, to) and meters them; the shard's end is where its walk stopped. */
    static Shard walk(Path file, long from, long to, int bufferBytes, long timeScale) throws IOException {
        FlowKeys table = new FlowKeys();
        long packets = 0, ip = 0, bytes = 0, ipBytes = 0, pos = from;
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer le = ByteBuffer.allocateDirect(bufferBytes).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer be = le.duplicate().order(ByteOrder.BIG_ENDIAN);
            long bufStart = from;
            int p = 0, limit = 0;
            while (pos < to) {
                if (limit - p >= 16 && (le.getInt(p + 8) < 0 || le.getInt(p + 8) > MAX_CAPTURED)) {
                    throw new IOException(file + ": record at offset " + pos + ": captured length " + le.getInt(p + 8));
                }
                if (limit - p < 16 || limit - p < 16 + le.getInt(p + 8)) {
                    // move what is left of the buffer to its start and fill the rest
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
                long sec = Integer.toUnsignedLong(le.getInt(p)), sub = Integer.toUnsignedLong(le.getInt(p + 4));
                // the captured length, as persona flows counts bytes by default
                int captured = le.getInt(p + 8);
                packets++;
                bytes += captured;
                int f = p + 16, end = f + captured;
                p = end;
                pos = bufStart + p;
                if (captured < 14) {
                    continue;
                }
                int type = be.getShort(f + 12) & 0xffff, l3 = f + 14, vlan = 0;
                while ((type == 0x8100 || type == 0x88a8) && l3 + 4 <= end) {
                    vlan = be.getShort(l3) & 0xfff;
                    type = be.getShort(l3 + 2) & 0xffff;
                    l3 += 4;
                }
                long aHi, aLo, bHi, bLo;
                int proto, l4;
                if (type == 0x0800 && l3 + 20 <= end) {
                    aHi = bHi = 0;
                    aLo = be.getInt(l3 + 12) & 0xffffffffL;
                    bLo = be.getInt(l3 + 16) & 0xffffffffL;
                    proto = be.get(l3 + 9) & 0xff;
                    l4 = (be.getShort(l3 + 6) & 0x1fff) == 0 ? l3 + ((be.get(l3) & 0xf) << 2) : end;
                } else if (type == 0x86dd && l3 + 40 <= end) {
                    aHi = be.getLong(l3 + 8);
                    aLo = be.getLong(l3 + 16);
                    bHi = be.getLong(l3 + 24);
                    bLo = be.getLong(l3 + 32);
                    proto = be.get(l3 + 6) & 0xff;
                    l4 = l3 + 40;
                } else {
                    continue;
                }
                ip++;
                ipBytes += captured;
                int aPort = 0, bPort = 0;
                if ((proto == 6 || proto == 17) && l4 + 4 <= end) {
                    aPort = be.getShort(l4) & 0xffff;
                    bPort = be.getShort(l4 + 2) & 0xffff;
                }
                // both directions under one key: the lower (address, port) first, the side says which sent
                int side = Long.compareUnsigned(aHi, bHi) != 0 ? Long.compareUnsigned(aHi, bHi)
                        : Long.compareUnsigned(aLo, bLo) != 0 ? Long.compareUnsigned(aLo, bLo) : Integer.compare(aPort, bPort);
                long meta = (long) vlan << 8 | proto;
                long time = sec * 1_000_000_000L + sub * timeScale;
                if (side <= 0) {
                    table.add(aHi, aLo, bHi, bLo, meta | (long) aPort << 48 | (long) bPort << 32, 0, captured, time);
                } else {
                    table.add(bHi, bLo, aHi, aLo, meta | (long) bPort << 48 | (long) aPort << 32, 1, captured, time);
                }
            }
        }
        return new Shard(table, packets, ip, bytes, ipBytes, pos);
    }
}
