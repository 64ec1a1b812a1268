package io.netpersona.lab.traffic;

import java.util.Arrays;

/**
 * Durations or other values collected during a run, with nearest-rank percentiles. Keeps at most
 * {@link #MAX} values (a long run at a high rate must not grow without bound); values past that are counted but
 * not kept, so the percentiles describe the start of such a run. Not thread-safe: one owner, or merge under a lock.
 */
final class Samples {
    static final int MAX = 2_000_000;
    private long[] values = new long[256];
    private int size;
    private long offered;

    void add(long value) {
        offered++;
        if (size == MAX) {
            return;
        }
        if (size == values.length) {
            values = Arrays.copyOf(values, Math.min(MAX, size * 2));
        }
        values[size++] = value;
    }

    void addAll(Samples other) {
        for (int i = 0; i < other.size; i++) {
            add(other.values[i]);
        }
        offered += other.offered - other.size;
    }

    int size() {
        return size;
    }

    long offered() {
        return offered;
    }

    /**
     * The nearest-rank percentile: the smallest kept value that at least {@code p}% of the values do not
     * exceed ({@code p} 0 gives the minimum); NaN without values.
     */
    double percentile(double p) {
        if (p < 0 || p > 100 || Double.isNaN(p)) {
            throw new IllegalArgumentException("percentile " + p + " (expected: 0..100)");
        }
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * size);
        return sorted[Math.max(0, rank - 1)];
    }

    /**
     * Every whole percentile, 0 to 100, by the same nearest rank as {@link #percentile}, put into {@code out} as
     * {@code PREFIX0 .. PREFIX100} in milliseconds (values are nanoseconds); nothing without values. For the
     * report's latency distribution; one sort for all 101.
     */
    void quantilesMs(String prefix, java.util.Map<String, Double> out) {
        if (size == 0) {
            return;
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        for (int p = 0; p <= 100; p++) {
            int rank = (int) Math.ceil(p / 100.0 * size);
            out.put(prefix + p, GameMeter.ms(sorted[Math.max(0, rank - 1)]));
        }
    }

    double mean() {
        if (size == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += values[i];
        }
        return sum / size;
    }
}
