package io.netpersona.bench;

/**
 * {@link FlowsFloor}'s flow table: open addressing with linear probing over one array of longs, a flow per
 * {@link #STRIDE} longs (its key, then per direction packets and bytes, then times), so that finding a flow and
 * counting a packet touch one or two cache lines and no object.
 */
final class FlowKeys {
    static final int STRIDE = 11;
    /** A slot's words; {@link FlowEnds}' slots start with the same ones, and share {@link #slot}. */
    static final int A_HI = 0, A_LO = 1, B_HI = 2, B_LO = 3, META = 4, PACKETS = 5, BYTES = 7, FIRST = 9, LAST = 10;
    /** Set in a used slot's meta word (its bits 0-19 hold protocol and VLAN, 32-63 the ports). */
    private static final long USED = 1L << 30;
    private long[] slots = new long[1024 * STRIDE];
    private int mask = 1023, size;

    int size() {
        return size;
    }

    static long hash(long aHi, long aLo, long bHi, long bLo, long meta) {
        long z = aHi * 0x9e3779b97f4a7c15L + aLo * 0xc2b2ae3d27d4eb4fL + bHi * 0x165667b19e3779f9L + bLo * 0x27d4eb2f165667c5L
                + meta;
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        return z ^ (z >>> 29);
    }

    private int slot(long[] s, long aHi, long aLo, long bHi, long bLo, long meta) {
        return slot(s, mask, STRIDE, aHi, aLo, bHi, bLo, meta);
    }

    /** Writes a new flow's key into its slot's first words (a slot {@link #slot} found empty). */
    static void key(long[] s, int at, long aHi, long aLo, long bHi, long bLo, long meta) {
        s[at + A_HI] = aHi;
        s[at + A_LO] = aLo;
        s[at + B_HI] = bHi;
        s[at + B_LO] = bLo;
        s[at + META] = meta;
    }

    /**
     * The slot of this key in a table of {@code stride} longs a slot and {@code mask + 1} slots: where it is, or
     * the empty slot where it belongs.
     */
    static int slot(long[] s, int mask, int stride, long aHi, long aLo, long bHi, long bLo, long meta) {
        for (int i = (int) hash(aHi, aLo, bHi, bLo, meta) & mask; ; i = (i + 1) & mask) {
            int at = i * stride;
            long m = s[at + META];
            if (m == 0 || (m == meta && s[at + A_LO] == aLo && s[at + B_LO] == bLo && s[at + A_HI] == aHi && s[at + B_HI] == bHi)) {
                return at;
            }
        }
    }

    /**
     * Counts a packet of {@code side} (0: sent by the key's a side) with {@code bytes} at {@code time};
     * 1 when its key is new, else 0.
     */
    int add(long aHi, long aLo, long bHi, long bLo, long key, int side, long bytes, long time) {
        long meta = key | USED;
        long[] s = slots;
        int at = slot(s, aHi, aLo, bHi, bLo, meta);
        if (s[at + META] != 0) {
            s[at + PACKETS + side]++;
            s[at + BYTES + side] += bytes;
            s[at + FIRST] = Math.min(s[at + FIRST], time);
            s[at + LAST] = Math.max(s[at + LAST], time);
            return 0;
        }
        if ((size + 1) * 2 > mask + 1) {
            grow();
            s = slots;
            at = slot(s, aHi, aLo, bHi, bLo, meta);
        }
        key(s, at, aHi, aLo, bHi, bLo, meta);
        s[at + PACKETS + side] = 1;
        s[at + BYTES + side] = bytes;
        s[at + FIRST] = time;
        s[at + LAST] = time;
        size++;
        return 1;
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

    /** Adds the flows of another range's table to this one's: the same key is the same flow. */
    void absorb(FlowKeys other) {
        long[] o = other.slots;
        for (int e = 0; e < o.length; e += STRIDE) {
            if (o[e + META] == 0) {
                continue;
            }
            if ((size + 1) * 2 > mask + 1) {
                grow();
            }
            long[] s = slots;
            int at = slot(s, o[e + A_HI], o[e + A_LO], o[e + B_HI], o[e + B_LO], o[e + META]);
            if (s[at + META] == 0) {
                System.arraycopy(o, e, s, at, STRIDE);
                size++;
                continue;
            }
            for (int k = PACKETS; k < FIRST; k++) {
                s[at + k] += o[e + k];
            }
            s[at + FIRST] = Math.min(s[at + FIRST], o[e + FIRST]);
            s[at + LAST] = Math.max(s[at + LAST], o[e + LAST]);
        }
    }

    /** Packets and bytes of each direction over the flows the table holds now. */
    long[] sums() {
        long[] sums = new long[4];
        for (int at = 0; at < slots.length; at += STRIDE) {
            if (slots[at + META] != 0) {
                sums[0] += slots[at + PACKETS];
                sums[1] += slots[at + PACKETS + 1];
                sums[2] += slots[at + BYTES];
                sums[3] += slots[at + BYTES + 1];
            }
        }
        return sums;
    }
}
