package io.netpersona.engine;

import io.netpersona.model.Dependency;
import io.netpersona.model.Spec;
import java.util.Locale;

/**
 * The condition of a {@link Rule}, as data. {@link #check} says whether it holds now and why (or why
 * not), in words that go into the journal unchanged.
 */
public sealed interface Trigger {
    Check check(Context c);

    /** What a trigger looks at: the signals, the persona in force and the persona as assigned. */
    record Context(Signals signals, Spec current, Spec assigned) {}

    /** Whether a trigger holds, with the numbers that decided it. */
    record Check(boolean fired, String why) {}

    /** The application's p99 latency (its own, else its sockets' worst RTT) is above {@code ms}. */
    record LatencyAbove(double ms) implements Trigger {
        public Check check(Context c) {
            Double v = c.signals().latencyP99Ms();
            if (v == null) {
                return new Check(false, "latency unknown");
            }
            String src = c.signals().latencySource();
            return new Check(v > ms, "latency p99 " + num(v) + " ms (" + src + ") " + (v > ms ? ">" : "<=") + " " + num(ms)
                    + " ms");
        }
    }

    /**
     * The loss the application sees (its own, else its TCP retransmissions) is above {@code pct}, and is the path's:
     * retransmissions while one of the application's own class queues drops are that queue's doing (the class is
     * full, which {@link OwnClassSaturated} answers), and neither BBR nor a higher priority is the answer to them.
     * Seen in the lab: bulk classes filling at their clients' start took "loss" of 2-24% for path loss and climbed
     * in priority, and the load switched to BBR before the path lost anything.
     *
     * <p>The queue's share is counted in segments, as the retransmissions are: a drop of a GSO packet loses all its
     * segments ({@link Signals#ownDropSegments()}). It also reaches into the next sample: a slow start's overshoot
     * drops a burst, and its retransmissions come a round trip to a timeout later, often after the sample that saw the
     * drops (seen in the lab's journal: the load's class dropped 17 segments in one second, and the next second 4% of its
     * segments were retransmitted with no drop). So each dropped segment explains one retransmitted segment, in its
     * interval or the next ({@link Signals#unexplainedDropSegments()}); what goes beyond them is the path's.
     */
    record LossAbove(double pct) implements Trigger {
        /**
         * Retransmitted segments a loss from the sockets must rest on: a quiet interval (an application's clients
         * ending) made 2 of 130 segments "1.54% loss" in the lab, and a priority changed for it.
         */
        static final long MIN_RETRANSMITTED = 3;

        public Check check(Context c) {
            Signals s = c.signals();
            Double v = s.lossPct();
            if (v == null) {
                return new Check(false, "loss unknown");
            }
            String why = "loss " + num(v) + "% " + (v > pct ? ">" : "<=") + " " + num(pct) + "%";
            boolean fromSockets = s.reported() == null || s.reported().lossPct() == null;
            Long retransmitted = s.retransmitted();
            if (v > pct && fromSockets && retransmitted != null && retransmitted < MIN_RETRANSMITTED) {
                return new Check(false, why + ", but from " + retransmitted + " retransmitted segment"
                        + (retransmitted == 1 ? "" : "s") + " only: too few to tell loss from chance");
            }
            long now = s.ownDropSegments(), before = s.dropSegmentsBefore(), own = now + before;
            if (v > pct && fromSockets && own > 0) {
                String dropped = own + " segments its own class queues dropped (" + now + " in this interval, " + before
                        + " in the one before)";
                if (retransmitted == null || retransmitted <= 0) {
                    return new Check(false, why + ", but the " + dropped + " explain it: retransmissions of a full class, not"
                            + " loss on the path");
                }
                // a full class under path loss (a bulk job filling the uplink) is still answered: what the path lost is
                // what its queues cannot explain
                double path = v * Math.max(0, retransmitted - own) / retransmitted;
                String beyond = why + "; " + num(path) + "% beyond the " + dropped;
                return new Check(path > pct, path > pct ? beyond : beyond + " (<= " + num(pct) + "%): retransmissions of a full"
                        + " class, not loss on the path");
            }
            return new Check(v > pct, why);
        }
    }

    /** A peer of the application reported that its side of the path degraded. */
    record PeerDegraded() implements Trigger {
        public Check check(Context c) {
            boolean d = c.signals().peerDegraded();
            return new Check(d, d ? "a peer reports degradation" : "no peer reports degradation");
        }
    }

    /**
     * The application's own class is the bottleneck (it queues or drops) while the application sends at
     * least {@code demandShare} of the class's ceiling: its rate, not the path, limits it.
     */
    record OwnClassSaturated(double demandShare) implements Trigger {
        public Check check(Context c) {
            Bottleneck b = Bottleneck.find(c.signals());
            Double demand = c.signals().demandMbps();
            if (!(b instanceof Bottleneck.OwnQueue)) {
                return new Check(false, "bottleneck: " + b.describe());
            }
            if (c.current().qos() == null || c.current().qos().ceilRate() == null || demand == null) {
                return new Check(false, "bottleneck: " + b.describe() + ", but no ceiling or no demand known");
            }
            double ceil = c.current().qos().ceilRate().mbitPerSecond();
            boolean fired = demand >= demandShare * ceil;
            return new Check(fired, "bottleneck: " + b.describe() + "; demand " + num(demand) + " Mbit/s "
                    + (fired ? ">=" : "<") + " " + num(demandShare * 100) + "% of ceil " + num(ceil) + " Mbit/s");
        }
    }

    /**
     * A connection to a critical dependency is slow: its RTT is above {@code rttFactor} times the learned
     * median plus {@code extraMs}, or it retransmits.
     */
    record CriticalDependencySlow(double rttFactor, double extraMs) implements Trigger {
        public Check check(Context c) {
            for (Dependency d : c.current().dependencies() == null ? java.util.List.<Dependency>of()
                    : c.current().dependencies()) {
                if (!Boolean.TRUE.equals(d.critical()) || d.address() == null || d.port() == null) {
                    continue;
                }
                String peer = peerText(d);
                for (Signals.PeerSignal p : c.signals().peers()) {
                    if (!p.peer().equals(peer)) {
                        continue;
                    }
                    double limit = d.rttP50Ms() == null ? Double.MAX_VALUE : rttFactor * d.rttP50Ms() + extraMs;
                    if (p.rttMs() > limit || p.retransmits() > 0) {
                        return new Check(true, "critical dependency " + d.name() + " (" + peer + "): rtt "
                                + num(p.rttMs()) + " ms"
                                + (d.rttP50Ms() == null ? "" : " (learned " + num(d.rttP50Ms()) + " ms)") + ", "
                                + p.retransmits() + " retransmissions");
                    }
                }
            }
            return new Check(false, "critical dependencies answer as learned");
        }

        private static String peerText(Dependency d) {
            String a = d.address().toString();
            return (a.contains(":") ? "[" + a + "]" : a) + ":" + d.port();
        }
    }

    /** A number for people: at most two decimals, no trailing zeros ({@code 112}, {@code 17.5}, {@code 0.42}). */
    static String num(double v) {
        String t = String.format(Locale.ROOT, "%.2f", v);
        t = t.replaceAll("0+$", "");
        return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }
}
