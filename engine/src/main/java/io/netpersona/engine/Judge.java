package io.netpersona.engine;

import io.netpersona.model.TrafficClass;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Whether a change made things worse, judged on the application's own measure: latency percentiles for
 * the classes whose users wait on each answer, throughput for the classes that move volume. The median
 * of the window's samples is compared with the value before the change, with a margin against noise
 * ({@link EngineSettings#noiseMargin()} of the value plus an absolute floor).
 */
final class Judge {
    record Verdict(boolean worse, String reason) {}

    private Judge() {}

    static boolean judgedByThroughput(TrafficClass c) {
        return c == TrafficClass.BULK || c == TrafficClass.STREAMING || c == TrafficClass.TUNNEL;
    }

    static Verdict judge(TrafficClass trafficClass, Signals before, List<Signals> window, EngineSettings s) {
        boolean throughputFirst = judgedByThroughput(trafficClass);
        Verdict v = throughputFirst ? throughput(before, window, s) : latency(before, window, s);
        if (v == null) {
            // the class's measure is missing on one side: the other measure is better than none
            v = throughputFirst ? latency(before, window, s) : throughput(before, window, s);
        }
        return v != null ? v
                : new Verdict(false, "no measure to judge by (the application reports none and the substrate saw"
                        + " no sockets or traffic): kept");
    }

    private static Verdict latency(Signals before, List<Signals> window, EngineSettings s) {
        Double b = before.latencyP99Ms();
        Double a = median(window, Signals::latencyP99Ms);
        if (b == null || a == null) {
            return null;
        }
        double limit = b * (1 + s.noiseMargin()) + s.latencyFloorMs();
        boolean worse = a > limit;
        return new Verdict(worse, "latency p99 (" + before.latencySource() + ") " + Trigger.num(b) + " -> "
                + Trigger.num(a) + " ms (median of " + window.size() + "), " + (worse ? "worse: above " : "within ")
                + Trigger.num(limit) + " ms");
    }

    private static Verdict throughput(Signals before, List<Signals> window, EngineSettings s) {
        Double b = before.throughputMbps();
        Double a = median(window, Signals::throughputMbps);
        if (b == null || a == null) {
            return null;
        }
        double limit = b * (1 - s.noiseMargin()) - s.throughputFloorMbps();
        boolean worse = a < limit;
        return new Verdict(worse, "throughput " + Trigger.num(b) + " -> " + Trigger.num(a) + " Mbit/s (median of "
                + window.size() + "), " + (worse ? "worse: below " : "within ") + Trigger.num(Math.max(0, limit))
                + " Mbit/s");
    }

    private static Double median(List<Signals> window, Function<Signals, Double> measure) {
        List<Double> v = window.stream().map(measure).filter(Objects::nonNull).sorted().toList();
        if (v.isEmpty()) {
            return null;
        }
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }
}
