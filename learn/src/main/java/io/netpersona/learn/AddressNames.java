package io.netpersona.learn;

/**
 * Names by address, at most {@link #capacity} of them, the least recently answered going first when a new one
 * comes: what {@link DnsNames} keeps, in arrays instead of a linked hash map of records, so that the look-up
 * every new flow makes (two, for its two addresses) allocates nothing and touches few cache lines. Entries
 * live at fixed indexes, linked oldest to newest; the table holds entry indexes, found by linear probing and
 * removed by shifting back the entries probed past them.
 */
final class AddressNames {
    private final int capacity;
    private final long[] hi, lo;
    private final String[] name;
    /** The order of answers: each entry's older and newer neighbour, -1 at the ends. */
    private final int[] older, newer;
    /** Entry index + 1 per slot, 0 when free. */
    private final int[] slots;
    private final int mask;
    private int size, oldest = -1, newest = -1, unused;
    /** Entries freed by evictions, reused before {@link #unused} ones: a stack through {@link #newer}. */
    private int free = -1;

    AddressNames(int capacity) {
        this.capacity = capacity;
        hi = new long[capacity];
        lo = new long[capacity];
        name = new String[capacity];
        older = new int[capacity];
        newer = new int[capacity];
        int tableSize = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) * 2;
        slots = new int[tableSize];
        mask = tableSize - 1;
    }

    int size() {
        return size;
    }

    /** The name of the address, or null. */
    String get(long h, long l) {
        if (size == 0) {
            return null;
        }
        int e = find(h, l);
        return e < 0 ? null : name[e];
    }

    /** Maps the address to {@code n} as the newest answer, dropping the oldest when more than the capacity. */
    void put(long h, long l, String n) {
        int e = find(h, l);
        if (e >= 0) {
            unlink(e);
        } else {
            if (size == capacity) {
                int gone = oldest;
                unlink(gone);
                removeSlot(gone);
                newer[gone] = free;
                free = gone;
                size--;
            }
            if (free >= 0) {
                e = free;
                free = newer[e];
            } else {
                e = unused++;
            }
            hi[e] = h;
            lo[e] = l;
            int i = home(h, l);
            while (slots[i] != 0) {
                i = (i + 1) & mask;
            }
            slots[i] = e + 1;
            size++;
        }
        name[e] = n;
        older[e] = newest;
        newer[e] = -1;
        if (newest >= 0) {
            newer[newest] = e;
        } else {
            oldest = e;
        }
        newest = e;
    }

    private int home(long h, long l) {
        long z = h * 0x9e3779b97f4a7c15L + l;
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        return (int) (z ^ (z >>> 29)) & mask;
    }

    private int find(long h, long l) {
        for (int i = home(h, l); ; i = (i + 1) & mask) {
            int s = slots[i];
            if (s == 0) {
                return -1;
            }
            if (lo[s - 1] == l && hi[s - 1] == h) {
                return s - 1;
            }
        }
    }

    private void unlink(int e) {
        int o = older[e], n = newer[e];
        if (o >= 0) {
            newer[o] = n;
        } else {
            oldest = n;
        }
        if (n >= 0) {
            older[n] = o;
        } else {
            newest = o;
        }
    }

    private void removeSlot(int e) {
        int i = home(hi[e], lo[e]);
        while (slots[i] != e + 1) {
            i = (i + 1) & mask;
        }
        slots[i] = 0;
        for (int j = (i + 1) & mask; slots[j] != 0; j = (j + 1) & mask) {
            int s = slots[j] - 1;
            int h = home(hi[s], lo[s]);
            // the entry at j may move into the hole at i unless its home lies cyclically in (i, j]
            boolean stays = i <= j ? i < h && h <= j : i < h || h <= j;
            if (!stays) {
                slots[i] = slots[j];
                slots[j] = 0;
                i = j;
            }
        }
    }
}
