package io.netpersona.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What a persona was learned from: the capture, when and for how long, how much traffic, the measured
 * rate percentiles, the classifier's confidence, and for each synthesised field why it has its value
 * ({@code reasons}, keyed by field path such as {@code spec.qos.ceilRate}).
 */
public record Evidence(
        String capture,
        Instant learnedAt,
        Duration duration,
        Long packets,
        Long bytes,
        Long flows,
        Rates rates,
        Double classConfidence,
        Map<String, String> reasons) {
    public Evidence {
        reasons = Copies.map(reasons);
    }

    /** Per-second throughput percentiles of the application's traffic, both directions together. */
    public record Rates(Rate p50, Rate p95, Rate p99, Rate peak) {}
}
