package io.netpersona.learn.profile;

import io.netpersona.learn.Packet;
import io.netpersona.learn.PacketListener;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Bytes per second of each address, from every packet it sent or received (wire lengths, link header
 * included), as percentiles over the seconds from its first packet to its last (quiet seconds count as
 * 0). Each finished second goes into a histogram of its address with buckets 2% wide, so memory is bounded
 * ({@link #MAX_ADDRESSES} addresses, about 6 KB each) whatever the capture's length; a percentile is the
 * upper end of its bucket, so it is at most 2% high.
 *
 * <p>Time is the capture's. A packet of an earlier second than its address's current one (captures merged
 * out of order) counts toward the current second. Addresses beyond {@link #MAX_ADDRESSES} are not tracked
 * (their bytes show in {@link #untrackedBytes()}). Per packet nothing is allocated.
 */
public final class RateMeter implements PacketListener {
    public static final int MAX_ADDRESSES = 1024;
    private static final double GROWTH = 1.02;
    private static final double LOG_GROWTH = Math.log(GROWTH);
    /** Buckets up to 10^13 bytes per second; bucket 0 holds 1 byte, bucket i up to GROWTH^i. */
    private static final int BUCKETS = (int) Math.ceil(Math.log(1e13) / LOG_GROWTH) + 1;
    private static final int SLOTS = MAX_ADDRESSES * 2;
    private static final long NONE = Long.MIN_VALUE;

    private final long[] hi = new long[SLOTS], lo = new long[SLOTS];
    private final boolean[] used = new boolean[SLOTS];
    private final long[] second = new long[SLOTS], current = new long[SLOTS], zeros = new long[SLOTS],
            peak = new long[SLOTS], total = new long[SLOTS];
    private final int[][] histogram = new int[SLOTS][];
    private int size;
    private long untracked;

    public RateMeter() {
        Arrays.fill(second, NONE);
    }

    @Override
    public void packet(Packet p) {
        long s = Math.floorDiv(p.timestampNanos(), 1_000_000_000L);
        int bytes = p.originalLength();
        add(p.srcHi(), p.srcLo(), s, bytes);
        add(p.dstHi(), p.dstLo(), s, bytes);
    }

    private void add(long h, long l, long s, int bytes) {
        int slot = slot(h, l);
        if (slot < 0) {
            untracked += bytes;
            return;
        }
        long at = second[slot];
        if (s > at) {
            if (at != NONE) {
                close(slot);
                zeros[slot] += s - at - 1;
            }
            second[slot] = s;
        }
        current[slot] += bytes;
        total[slot] += bytes;
    }

    /** Puts the slot's current second into its histogram. */
    private void close(int slot) {
        long v = current[slot];
        if (v == 0) {
            zeros[slot]++;
        } else {
            if (histogram[slot] == null) {
                histogram[slot] = new int[BUCKETS];
            }
            histogram[slot][bucket(v)]++;
            peak[slot] = Math.max(peak[slot], v);
        }
        current[slot] = 0;
    }

    static int bucket(long v) {
        return v <= 1 ? 0 : Math.min(BUCKETS - 1, (int) Math.ceil(Math.log(v) / LOG_GROWTH - 1e-9));
    }

    static long upper(int bucket) {
        return (long) Math.ceil(Math.pow(GROWTH, bucket));
    }

    private int slot(long h, long l) {
        int i = (int) (mix(h, l) & (SLOTS - 1));
        while (used[i]) {
            if (hi[i] == h && lo[i] == l) {
                return i;
            }
            i = (i + 1) & (SLOTS - 1);
        }
        if (size >= MAX_ADDRESSES) {
            return -1;
        }
        used[i] = true;
        hi[i] = h;
        lo[i] = l;
        size++;
        return i;
    }

    private static long mix(long h, long l) {
        long x = h * 0x9E3779B97F4A7C15L ^ l;
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        return x ^ (x >>> 29);
    }

    /** Bytes of addresses that were not tracked. */
    public long untrackedBytes() {
        return untracked;
    }

    /**
     * The per-second rates of one address so far (its last second included as it stands), or
     * {@link Rates#NONE} when it sent and received nothing.
     */
    public Rates rates(InetAddress address) {
        long[] key = key(address);
        int i = (int) (mix(key[0], key[1]) & (SLOTS - 1));
        while (used[i]) {
            if (hi[i] == key[0] && lo[i] == key[1]) {
                return rates(i);
            }
            i = (i + 1) & (SLOTS - 1);
        }
        return Rates.NONE;
    }

    private Rates rates(int slot) {
        int[] h = histogram[slot] == null ? new int[BUCKETS] : histogram[slot].clone();
        long last = current[slot];
        long z = zeros[slot] + (last == 0 ? 1 : 0);
        long peakBytes = Math.max(peak[slot], last);
        if (last > 0) {
            h[bucket(last)]++;
        }
        long seconds = z;
        for (int c : h) {
            seconds += c;
        }
        // a bucket's upper end may pass the exact peak; no percentile is above the peak
        return new Rates(seconds, total[slot], Math.min(peakBytes, percentile(h, z, seconds, 0.50)),
                Math.min(peakBytes, percentile(h, z, seconds, 0.95)), Math.min(peakBytes, percentile(h, z, seconds, 0.99)),
                peakBytes);
    }

    /** The smallest value at or above which lie no more than {@code 1 - q} of the seconds (nearest rank). */
    private static long percentile(int[] h, long zeros, long seconds, double q) {
        long rank = Math.max(1, (long) Math.ceil(q * seconds));
        long seen = zeros;
        if (seen >= rank) {
            return 0;
        }
        for (int b = 0; b < h.length; b++) {
            seen += h[b];
            if (seen >= rank) {
                return upper(b);
            }
        }
        return 0;
    }

    static long[] key(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) {
            long v4 = ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
            return new long[] {0, 0xffff_0000_0000L | v4};
        }
        long h = 0, l = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (b[i] & 0xff);
            l = (l << 8) | (b[8 + i] & 0xff);
        }
        return new long[] {h, l};
    }

    static InetAddress address(long h, long l) {
        try {
            if (h == 0 && (l >>> 32) == 0xffff) {
                return InetAddress.getByAddress(new byte[] {(byte) (l >>> 24), (byte) (l >>> 16), (byte) (l >>> 8), (byte) l});
            }
            byte[] a = new byte[16];
            for (int i = 0; i < 8; i++) {
                a[i] = (byte) (h >>> (56 - 8 * i));
                a[8 + i] = (byte) (l >>> (56 - 8 * i));
            }
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Bytes per second of one address.
     *
     * @param seconds the seconds measured (first packet's to last packet's, both included)
     * @param bytes all its bytes
     */
    public record Rates(long seconds, long bytes, long p50BytesPerSecond, long p95BytesPerSecond, long p99BytesPerSecond,
            long peakBytesPerSecond) {
        public static final Rates NONE = new Rates(0, 0, 0, 0, 0, 0);
    }
}
