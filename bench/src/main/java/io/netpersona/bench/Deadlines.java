package io.netpersona.bench;

/**
 * Times at which flows may be due to end, least first, so that an idle scan looks only at flows that can be due
 * instead of at the whole table. An entry is a time, the flow's key (the {@link FlowKeys} words a slot is found
 * by) and the flow's serial number; it is a lower bound of when that flow ends, checked against the flow itself
 * when it comes up (a flow seen since, ended, or replaced by another of the same key leaves a stale entry).
 *
 * <p>Packets come in time order nearly always, so entries are mostly added in order of their times: those go to
 * the end of a ring, which stays sorted and costs O(1) a flow; the few that would break its order (a capture's
 * clock going back, a flow's time moved on since its entry was added) go to a binary heap.
 */
final class Deadlines {
    /** An entry's words: its time, the key's five words, the flow's serial number. */
    static final int WORDS = 7, TIME = 0, KEY = 1, SERIAL = 6;
    private long[] ring = new long[256 * WORDS];
    /** The ring's first entry and its number of entries. */
    private int head, count;
    private long last = Long.MIN_VALUE;
    private long[] heap = new long[64 * WORDS];
    private int heapSize;

    void add(long time, long aHi, long aLo, long bHi, long bLo, long meta, long serial) {
        long[] e;
        int at;
        if (time >= last) {
            if (count * WORDS == ring.length) {
                growRing();
            }
            e = ring;
            at = ((head + count) * WORDS) % ring.length;
            count++;
            last = time;
        } else {
            if ((heapSize + 1) * WORDS > heap.length) {
                heap = java.util.Arrays.copyOf(heap, heap.length * 2);
            }
            e = heap;
            at = heapSize++ * WORDS;
        }
        e[at + TIME] = time;
        e[at + KEY] = aHi;
        e[at + KEY + 1] = aLo;
        e[at + KEY + 2] = bHi;
        e[at + KEY + 3] = bLo;
        e[at + KEY + 4] = meta;
        e[at + SERIAL] = serial;
        if (e == heap) {
            up(at / WORDS);
        }
    }

    /** The least time, or {@link Long#MAX_VALUE} when there is no entry. */
    long least() {
        long r = count > 0 ? ring[head * WORDS] : Long.MAX_VALUE;
        return heapSize > 0 ? Math.min(r, heap[0]) : r;
    }

    /** Moves the entry with the least time into {@code into} and removes it; there must be one. */
    void take(long[] into) {
        if (heapSize == 0 || (count > 0 && ring[head * WORDS] <= heap[0])) {
            System.arraycopy(ring, head * WORDS, into, 0, WORDS);
            head = (head + 1) % (ring.length / WORDS);
            if (--count == 0) {
                head = 0;
                last = Long.MIN_VALUE;
            }
            return;
        }
        System.arraycopy(heap, 0, into, 0, WORDS);
        heapSize--;
        if (heapSize > 0) {
            System.arraycopy(heap, heapSize * WORDS, heap, 0, WORDS);
            down(0);
        }
    }

    int size() {
        return count + heapSize;
    }

    void clear() {
        head = count = heapSize = 0;
        last = Long.MIN_VALUE;
    }

    private void growRing() {
        long[] bigger = new long[ring.length * 2];
        int first = ring.length - head * WORDS;
        System.arraycopy(ring, head * WORDS, bigger, 0, Math.min(first, count * WORDS));
        if (first < count * WORDS) {
            System.arraycopy(ring, 0, bigger, first, count * WORDS - first);
        }
        ring = bigger;
        head = 0;
    }

    private void up(int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (heap[parent * WORDS] <= heap[i * WORDS]) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void down(int i) {
        while (true) {
            int least = i, l = 2 * i + 1, r = l + 1;
            if (l < heapSize && heap[l * WORDS] < heap[least * WORDS]) {
                least = l;
            }
            if (r < heapSize && heap[r * WORDS] < heap[least * WORDS]) {
                least = r;
            }
            if (least == i) {
                return;
            }
            swap(i, least);
            i = least;
        }
    }

    private void swap(int i, int j) {
        for (int k = 0; k < WORDS; k++) {
            long t = heap[i * WORDS + k];
            heap[i * WORDS + k] = heap[j * WORDS + k];
            heap[j * WORDS + k] = t;
        }
    }
}
