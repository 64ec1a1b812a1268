package io.netpersona.engine;

/**
 * What an application measures itself, the way its users experience it: latency percentiles of its
 * requests or updates, the throughput it achieves, the loss it sees, and whether a peer told it that its
 * side degraded (for example the other end of a migration). Absent values are null.
 */
public record AppMeasure(Double latencyP50Ms, Double latencyP99Ms, Double throughputMbps, Double lossPct,
        boolean peerDegraded) {
    public static AppMeasure latency(double p50Ms, double p99Ms) {
        return new AppMeasure(p50Ms, p99Ms, null, null, false);
    }

    public static AppMeasure throughput(double mbps) {
        return new AppMeasure(null, null, mbps, null, false);
    }
}
