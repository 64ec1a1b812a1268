package io.netpersona.engine;

/** How likely counts are by chance alone: the loss rule's test of a few retransmissions against its threshold. */
final class Chance {
    private Chance() {}

    /**
     * The probability that {@code n} independent trials, each a success with probability {@code p}, give at least
     * {@code k} successes (the binomial's upper tail). Exact: the terms below {@code k} are summed in logarithms, so
     * neither a large {@code n} nor a small {@code p} underflows; far beyond the mean the tail is 0 to double precision.
     */
    static double atLeast(long k, long n, double p) {
        if (k < 0 || n < 0 || k > n + 1 || !(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("k: " + k + ", n: " + n + ", p: " + p + " (expected: 0 <= k <= n + 1, 0 <= p <= 1)");
        }
        if (k == 0) {
            return 1;
        }
        if (k > n || p == 0) {
            return 0;
        }
        if (p == 1) {
            return 1;
        }
        double mean = n * p, sd = Math.sqrt(n * p * (1 - p));
        if (k > mean + 40 * sd + 40) {
            return 0;
        }
        double logPmf = n * Math.log1p(-p), logOdds = Math.log(p) - Math.log1p(-p), below = 0;
        for (long i = 0; i < k; i++) {
            below += Math.exp(logPmf);
            logPmf += Math.log((double) (n - i) / (i + 1)) + logOdds;
        }
        return Math.max(0, 1 - below);
    }
}
