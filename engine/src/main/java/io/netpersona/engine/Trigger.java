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

    /**
     * Whether a trigger holds, with the numbers that decided it. A {@code tentative} one holds on evidence that one
     * sample shows by chance now and then (a queue caught holding a burst, a few retransmissions among few segments): its
     * rule acts only when it holds in the next sample too, so noise in a steady application is not taken for a new
     * fault, while evidence that cannot be chance (drops of a full class, loss beyond what chance explains) acts at once.
     */
    record Check(boolean fired, String why, boolean tentative) {
        Check(boolean fired, String why) {
            this(fired, why, false);
        }

        static Check once(String why) {
            return new Check(true, why, true);
        }
    }

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

        /**
         * How unlikely the retransmissions must be under a loss of exactly the threshold for one sample to act on them: a
         * database's 160 segments a second at a 1.5% threshold then need 6 lost (3 or 4 is what a loss at the threshold
         * gives every other second); 3% on a bulk flow's thousand segments is far beyond chance.
         */
        static final double CHANCE = 0.05;

        public Check check(Context c) {
            Signals s = c.signals();
            Double v = s.lossPct();
            if (v == null) {
                return new Check(false, "loss unknown");
            }
            String why = "loss " + num(v) + "% " + (v > pct ? ">" : "<=") + " " + num(pct) + "%";
            boolean fromSockets = s.reported() == null || s.reported().lossPct() == null;
            Long retransmitted = s.retransmitted();
            long duplicates = s.recovery().duplicates();
            if (v > pct && fromSockets && retransmitted != null && retransmitted > 0 && duplicates > 0) {
                // a resend the peer reports it received twice (D-SACK) repaired nothing: the original arrived. A tail-loss
                // probe of a segment that was not lost, or a timeout that fired while the window waited in a queue,
                // resends segments the path delivered; counted as loss, they would raise a priority for a path that
                // lost nothing. What is left is what may have been lost.
                long lost = s.possiblyLost();
                v = v * lost / retransmitted;
                why += "; " + num(v) + "% without the " + duplicates + " segment" + (duplicates == 1 ? "" : "s")
                        + " the peers received twice (needless resends)";
                retransmitted = lost;
                if (v <= pct) {
                    return new Check(false, why + ": not loss on the path");
                }
            }
            if (v > pct && fromSockets && retransmitted != null && retransmitted < MIN_RETRANSMITTED) {
                return new Check(false, why + ", but from " + retransmitted + " retransmitted segment"
                        + (retransmitted == 1 ? "" : "s") + " only: too few to tell loss from chance");
            }
            long now = s.ownDropSegments(), before = s.dropSegmentsBefore(), own = now + before;
            if (v > pct && fromSockets && own > 0) {
                String dropped = own + " segments its own class queues dropped (" + now + " in this interval, " + before
                        + " from before, not yet resent)";
                if (retransmitted == null || retransmitted <= 0) {
                    return new Check(false, why + ", but the " + dropped + " explain it: retransmissions of a full class, not"
                            + " loss on the path");
                }
                // a full class under path loss (a bulk job filling the uplink) is still answered: what the path lost is
                // what its queues cannot explain
                double path = v * Math.max(0, retransmitted - own) / retransmitted;
                String beyond = why + "; " + num(path) + "% beyond the " + dropped;
                if (path <= pct) {
                    return new Check(false, beyond + " (<= " + num(pct) + "%): retransmissions of a full class, not loss on the"
                            + " path");
                }
                long timeouts = s.recovery().timeouts();
                if (timeouts > 0) {
                    // a timeout marks every segment in flight not selectively acknowledged as lost and resends it (RFC 6298
                    // 5.4, RFC 6675 5.1): the segments still waiting behind the drop in its own queue, and the resends
                    // its full queue drops again, are counted again, so one drop of its own becomes several
                    // retransmissions, and their count is no measure of the path (the peers' D-SACKs show only what
                    // arrived twice, not what was dropped twice). Loss on the path shows in the intervals its sockets
                    // repair by fast retransmit, as a path losing a few percent is repaired; the price: a path losing
                    // so much that a class dropping on its own times out in every interval waits for the class to stop
                    // dropping
                    return new Check(false, beyond + ", but its sockets timed out " + timeouts + " time"
                            + (timeouts == 1 ? "" : "s") + " while its own queue dropped: a timeout resends its window, the"
                            + " count is not the path's loss");
                }
                Check c2 = beyondChance(s, Math.max(0, retransmitted - own), beyond);
                // while its own queue drops, what goes beyond its drops is uncertain even without a timeout (a resend
                // dropped again is resent again); it acts when the next sample shows it too
                return now > 0 && !c2.tentative() ? Check.once(c2.why() + "; while its own queue drops") : c2;
            }
            if (v > pct && fromSockets && retransmitted != null) {
                return beyondChance(s, retransmitted, why);
            }
            return new Check(v > pct, why);
        }

        /**
         * Loss counted in segments acts at once when a loss at the threshold would seldom lose that many of them, else it
         * waits for the next sample to show loss too. Without a count of segments (a substrate that counts packets) the
         * loss stands as measured.
         */
        private Check beyondChance(Signals s, long lost, String why) {
            if (s.segments() == null || s.segments() <= 0) {
                return new Check(true, why);
            }
            long n = Math.max(s.segments(), lost);
            double chance = Chance.atLeast(lost, n, pct / 100);
            String counted = why + " (" + lost + " of " + n + " segments";
            return chance < CHANCE ? new Check(true, counted + ")")
                    : Check.once(counted + ": a loss of " + num(pct) + "% shows as many " + num(100 * chance) + "% of the time)");
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
     * The application's own class holds it back: one of its class queues drops while the class sends at least
     * {@code demandShare} of its ceiling (it overflows near the ceiling: acts at once), or the class ran out of its
     * ceiling's tokens while it sent at least {@code heldShare} of it (held at its ceiling: tentative, since one burst
     * does the same in one sample). A queue caught holding a packet at the moment of a sample is no evidence: seen in the
     * lab, a web service at 75-80% of its ceiling had a response queued in every other sample, and one of them, at any
     * second of a fault, raised its ceiling. What a class sends is counted by its queue, as the class is shaped; where
     * the queue cannot say, the application's own traffic stands in.
     */
    record OwnClassSaturated(double demandShare, double heldShare) implements Trigger {
        public Check check(Context c) {
            Double demand = c.signals().demandMbps();
            if (c.current().qos() == null || c.current().qos().ceilRate() == null) {
                return new Check(false, "bottleneck: " + Bottleneck.find(c.signals()).describe() + ", but no ceiling known");
            }
            double ceil = c.current().qos().ceilRate().mbitPerSecond();
            Signals.QueueSignal held = null;
            double heldRate = 0;
            for (Signals.QueueSignal q : c.signals().queues()) {
                Double rate = q.rateMbps() != null ? q.rateMbps() : demand;
                if (rate == null) {
                    continue;
                }
                if (q.drops() > 0 && rate >= demandShare * ceil) {
                    return new Check(true, "bottleneck: " + new Bottleneck.OwnQueue(q).describe() + "; demand " + num(rate)
                            + " Mbit/s >= " + num(demandShare * 100) + "% of ceil " + num(ceil) + " Mbit/s");
                }
                if (q.overlimits() > 0 && rate >= heldShare * ceil && rate > heldRate) {
                    held = q;
                    heldRate = rate;
                }
            }
            if (held != null) {
                return Check.once("bottleneck: " + new Bottleneck.OwnQueue(held).describe() + "; demand " + num(heldRate)
                        + " Mbit/s >= " + num(heldShare * 100) + "% of ceil " + num(ceil) + " Mbit/s, and the class waited for"
                        + " its ceiling " + held.overlimits() + " times: held at its ceiling");
            }
            Bottleneck b = Bottleneck.find(c.signals());
            if (!(b instanceof Bottleneck.OwnQueue o)) {
                return new Check(false, "bottleneck: " + b.describe());
            }
            Double rate = o.queue().rateMbps() != null ? o.queue().rateMbps() : demand;
            if (rate == null) {
                return new Check(false, "bottleneck: " + b.describe() + ", but no demand known");
            }
            double share = o.queue().drops() > 0 ? demandShare : heldShare;
            return new Check(false, "bottleneck: " + b.describe() + "; demand " + num(rate) + " Mbit/s < " + num(share * 100)
                    + "% of ceil " + num(ceil) + " Mbit/s" + (o.queue().drops() > 0 ? "" : ": bursts queue, the ceiling does not"
                    + " hold it"));
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
