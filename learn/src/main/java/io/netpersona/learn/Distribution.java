package io.netpersona.learn;

import java.util.List;

/**
 * A compact summary of a set of values (packet sizes in bytes, or gaps between packets in nanoseconds):
 * count, min, max, mean, standard deviation, and counts per fixed bucket. The buckets are the same for
 * every flow ({@link #SIZE_BUCKETS}, {@link #GAP_BUCKETS}), so flows compare bucket by bucket.
 *
 * @param histogram one count per bucket: bucket {@code i} holds values up to and including the i-th upper
 *     bound and above the one before it; the last bucket has no upper bound
 */
public record Distribution(long count, double min, double max, double mean, double stddev, List<Long> histogram) {
    /** Upper bounds of the packet-size buckets, in bytes of the whole frame; a last bucket takes the rest. */
    public static final List<Long> SIZE_BUCKETS = List.of(64L, 128L, 256L, 512L, 1024L, 1518L);
    /** Upper bounds of the inter-arrival buckets, in nanoseconds (100 µs .. 10 s); a last bucket takes the rest. */
    public static final List<Long> GAP_BUCKETS = List.of(100_000L, 1_000_000L, 10_000_000L, 100_000_000L,
            1_000_000_000L, 10_000_000_000L);
    /** Buckets per distribution: the bounds and one more. */
    public static final int BUCKETS = 7;

    public static final Distribution EMPTY = new Distribution(0, 0, 0, 0, 0,
            List.of(0L, 0L, 0L, 0L, 0L, 0L, 0L));

    public Distribution {
        histogram = List.copyOf(histogram);
        if (histogram.size() != BUCKETS) {
            throw new IllegalArgumentException("histogram: " + histogram.size() + " buckets (expected: " + BUCKETS + ")");
        }
    }
}
