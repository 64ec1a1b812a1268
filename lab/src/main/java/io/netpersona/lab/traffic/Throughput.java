package io.netpersona.lab.traffic;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bytes received over time, as a user of a transfer judges it: the mean rate from the start of the run to its
 * end, and the rate of each whole second (its low percentiles show a transfer that starved for a while).
 * Thread-safe: several streams add to one meter.
 */
final class Throughput {
    private final long startNanos;
    private long[] perSecond = new long[64];
    private long total;

    Throughput(long startNanos) {
        this.startNanos = startNanos;
    }

    synchronized void add(long bytes, long nanos) {
        int second = (int) Math.max(0, (nanos - startNanos) / GameMeter.SECOND);
        if (second >= perSecond.length) {
            perSecond = Arrays.copyOf(perSecond, Math.max(second + 1, perSecond.length * 2));
        }
        perSecond[second] += bytes;
        total += bytes;
    }

    synchronized long total() {
        return total;
    }

    /** Mean and per-second rates in Mbit/s, for a run that ended at {@code endNanos}. */
    synchronized Map<String, Double> result(long endNanos) {
        double seconds = (endNanos - startNanos) / 1e9;
        Samples seconds1 = new Samples();
        int whole = (int) Math.min(perSecond.length, (endNanos - startNanos) / GameMeter.SECOND);
        for (int i = 0; i < whole; i++) {
            seconds1.add(perSecond[i]);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("bytes", (double) total);
        out.put("seconds", seconds);
        out.put("throughputMbps", seconds <= 0 ? Double.NaN : total * 8 / seconds / 1e6);
        out.put("secondP10Mbps", seconds1.percentile(10) * 8 / 1e6);
        out.put("secondP50Mbps", seconds1.percentile(50) * 8 / 1e6);
        return out;
    }
}
