package io.netpersona.learn.profile;

import java.util.Arrays;

/**
 * The time a peer was in use: the union of its flows' spans, kept as at most {@link #MAX} disjoint intervals
 * (past that, the two closest intervals join, so a peer contacted more often than that reads as in use across
 * its shortest pauses).
 */
final class Intervals {
    static final int MAX = 64;
    private long[] start = new long[4], end = new long[4];
    private int size;

    void add(long from, long to) {
        if (to < from) {
            return;
        }
        int i = 0;
        while (i < size && end[i] < from) {
            i++;
        }
        int j = i;
        while (j < size && start[j] <= to) {
            from = Math.min(from, start[j]);
            to = Math.max(to, end[j]);
            j++;
        }
        int removed = j - i;
        if (removed == 0) {
            if (size == start.length) {
                start = Arrays.copyOf(start, size * 2);
                end = Arrays.copyOf(end, size * 2);
            }
            System.arraycopy(start, i, start, i + 1, size - i);
            System.arraycopy(end, i, end, i + 1, size - i);
            size++;
        } else if (removed > 1) {
            System.arraycopy(start, j, start, i + 1, size - j);
            System.arraycopy(end, j, end, i + 1, size - j);
            size -= removed - 1;
        }
        start[i] = from;
        end[i] = to;
        if (size > MAX) {
            joinClosest();
        }
    }

    void addAll(Intervals o) {
        for (int i = 0; i < o.size; i++) {
            add(o.start[i], o.end[i]);
        }
    }

    private void joinClosest() {
        int best = 0;
        for (int i = 1; i + 1 < size; i++) {
            if (start[i + 1] - end[i] < start[best + 1] - end[best]) {
                best = i;
            }
        }
        end[best] = end[best + 1];
        System.arraycopy(start, best + 2, start, best + 1, size - best - 2);
        System.arraycopy(end, best + 2, end, best + 1, size - best - 2);
        size--;
    }

    /** Nanoseconds covered. */
    long covered() {
        long sum = 0;
        for (int i = 0; i < size; i++) {
            sum += end[i] - start[i];
        }
        return sum;
    }

    /** How many of {@code slices} equal parts of [from, to] any interval touches. */
    int slicesTouched(long from, long to, int slices) {
        boolean[] hit = new boolean[slices];
        double width = Math.max(1, to - from) / (double) slices;
        for (int i = 0; i < size; i++) {
            int a = (int) Math.floor((start[i] - from) / width), b = (int) Math.floor((end[i] - from) / width);
            for (int s = Math.max(0, a); s <= Math.min(slices - 1, b); s++) {
                hit[s] = true;
            }
        }
        int n = 0;
        for (boolean h : hit) {
            n += h ? 1 : 0;
        }
        return n;
    }

    int size() {
        return size;
    }
}
