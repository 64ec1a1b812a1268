package io.netpersona.engine;

import java.time.Duration;

/**
 * How the engine runs, beyond the persona's own thresholds.
 *
 * @param interval time between two observations of an idle application
 * @param verifyWindow window used when the persona sets none
 * @param cooldown hold-off used when the persona sets none
 * @param verifySamples observations spread over the verify window; the judge takes their median, so one
 *     noisy sample neither keeps nor reverts a change
 * @param noiseMargin relative margin: a change is worse only when the application's measure moved the
 *     wrong way by more than this fraction of its value before
 * @param latencyFloorMs absolute margin added for latencies, so that sub-millisecond jitter on a fast
 *     path never counts as worse
 * @param throughputFloorMbps absolute margin subtracted for throughput, for the same reason on slow flows
 * @param bandwidthStep factor by which bandwidth scaling raises a class's ceiling at least
 * @param bandwidthMaxFactor bandwidth scaling never takes a rate above this multiple of the assigned rate
 * @param damping when a rule that keeps being reverted is held off longer
 */
public record EngineSettings(
        Duration interval,
        Duration verifyWindow,
        Duration cooldown,
        int verifySamples,
        double noiseMargin,
        double latencyFloorMs,
        double throughputFloorMbps,
        double bandwidthStep,
        double bandwidthMaxFactor,
        FlapDamping damping) {
    public EngineSettings {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: more than 0)");
        }
        if (verifySamples < 1) {
            throw new IllegalArgumentException("verifySamples: " + verifySamples + " (expected: 1 or more)");
        }
        if (noiseMargin < 0 || noiseMargin >= 1) {
            throw new IllegalArgumentException("noiseMargin: " + noiseMargin + " (expected: 0 <= margin < 1)");
        }
        if (bandwidthStep <= 1 || bandwidthMaxFactor < 1) {
            throw new IllegalArgumentException("bandwidthStep: " + bandwidthStep + ", bandwidthMaxFactor: "
                    + bandwidthMaxFactor + " (expected: step > 1, max factor >= 1)");
        }
    }

    /**
     * Observe every 2 s (a fault is acted on within one interval plus one apply, inside the 5 s the lab
     * asks for); 3 samples per window; 10% plus 2 ms or 0.5 Mbit/s against noise; bandwidth up by half at
     * least and to at most 4 times the assigned rate.
     */
    public static EngineSettings defaults() {
        return new EngineSettings(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(30), 3, 0.10, 2.0,
                0.5, 1.5, 4.0, FlapDamping.defaults());
    }

    public EngineSettings withInterval(Duration d) {
        return new EngineSettings(d, verifyWindow, cooldown, verifySamples, noiseMargin, latencyFloorMs,
                throughputFloorMbps, bandwidthStep, bandwidthMaxFactor, damping);
    }

    public EngineSettings withNoiseMargin(double margin) {
        return new EngineSettings(interval, verifyWindow, cooldown, verifySamples, margin, latencyFloorMs,
                throughputFloorMbps, bandwidthStep, bandwidthMaxFactor, damping);
    }

    public EngineSettings withDamping(FlapDamping d) {
        return new EngineSettings(interval, verifyWindow, cooldown, verifySamples, noiseMargin, latencyFloorMs,
                throughputFloorMbps, bandwidthStep, bandwidthMaxFactor, d);
    }

    /**
     * A rule reverted {@code reverts} times within {@code window} is flapping: it is then held off for
     * {@code factor} cooldowns (at most {@code max}) instead of one, so that a change that helps one
     * minute and hurts the next stops being tried every cooldown.
     */
    public record FlapDamping(int reverts, Duration window, int factor, Duration max) {
        public static FlapDamping defaults() {
            return new FlapDamping(3, Duration.ofMinutes(10), 10, Duration.ofHours(1));
        }
    }
}
