package io.netpersona.engine;

import io.netpersona.model.CongestionControl;
import io.netpersona.model.Qos;
import io.netpersona.model.Rate;
import io.netpersona.model.Spec;
import io.netpersona.model.Tcp;
import java.util.Locale;

/**
 * What a {@link Rule} changes in the persona, as data. Every action moves its field one way only
 * (congestion control to one value, MTU down, priority up, rates up), so when several rules fire at once
 * their actions compose in any order into the same persona: the strictest value of each field wins.
 * An action that would change nothing returns the spec it was given.
 */
public sealed interface Action {
    Spec apply(Spec spec, Trigger.Context c);

    /** The effect this change is expected to have, for the journal and for advice. */
    String expected();

    /** Sets the congestion control of the application's routes. */
    record SetCongestionControl(CongestionControl algorithm) implements Action {
        public Spec apply(Spec spec, Trigger.Context c) {
            if (spec.tcp() != null && spec.tcp().congestionControl() == algorithm) {
                return spec;
            }
            return spec.withTcp(new Tcp(algorithm));
        }

        public String expected() {
            return "congestion control " + algorithm.name().toLowerCase(Locale.ROOT)
                    + (algorithm == CongestionControl.BBR
                            ? ": sending paced to the path's bottleneck rate, so throughput holds under random loss"
                                    + " and the standing queue (and so latency) shrinks"
                            : "");
        }
    }

    /** Lowers the MTU to at most {@code max}. */
    record CapMtu(int max) implements Action {
        public Spec apply(Spec spec, Trigger.Context c) {
            return spec.mtu() != null && spec.mtu() <= max ? spec : spec.withMtu(max);
        }

        public String expected() {
            return "mtu at most " + max + ": packets fit a path with encapsulation or a smaller link MTU instead"
                    + " of being fragmented or dropped, and small packets wait less behind large ones";
        }
    }

    /** Raises the QoS priority by {@code steps} (a lower number; 0 is the most urgent). */
    record RaisePriority(int steps) implements Action {
        public Spec apply(Spec spec, Trigger.Context c) {
            Qos q = spec.qos();
            if (q == null || q.priority() == null || q.priority() == Qos.PRIORITY_MIN) {
                return spec; // no class to raise, or already the most urgent
            }
            // at most `steps` above what the persona assigned: loss that outlasts one raise is not a shared queue the
            // class loses in (random loss on the path stays whatever the priority), and climbing on each verify window
            // would put a bulk job above the classes that need urgency more (seen in the lab: a load from 6 to 1)
            Qos assigned = c.assigned() == null ? null : c.assigned().qos();
            int bound = assigned == null || assigned.priority() == null ? Qos.PRIORITY_MIN
                    : Math.max(Qos.PRIORITY_MIN, assigned.priority() - steps);
            if (q.priority() <= bound) {
                return spec;
            }
            return spec.withQos(q.withPriority(Math.max(bound, q.priority() - steps)));
        }

        public String expected() {
            return "QoS priority up by " + steps + " (at most that above the assigned one): its packets leave a shared queue before those of less"
                    + " urgent classes, so less of its traffic waits or drops there";
        }
    }

    /**
     * Raises the class's ceiling to at least {@code step} times its value and to 1.25 times the demand,
     * and the guaranteed rate towards the demand, never above {@code maxFactor} times the assigned rates.
     */
    record ScaleBandwidth(double step, double maxFactor) implements Action {
        public Spec apply(Spec spec, Trigger.Context c) {
            Qos q = spec.qos();
            Qos assigned = c.assigned().qos();
            if (q == null || q.ceilRate() == null || assigned == null || assigned.ceilRate() == null) {
                return spec; // nothing assigned to scale from: the host's own setting stays
            }
            double demand = c.signals().demandMbps() == null ? 0 : c.signals().demandMbps();
            long ceil = q.ceilRate().bitsPerSecond();
            long bound = (long) (assigned.ceilRate().bitsPerSecond() * maxFactor);
            long newCeil = Math.min(bound, Math.max((long) (ceil * step), (long) (demand * 1.25e6)));
            if (newCeil <= ceil) {
                return spec; // at the bound already
            }
            Rate guaranteed = q.guaranteedRate();
            if (guaranteed != null && assigned.guaranteedRate() != null) {
                long gBound = Math.min(newCeil, (long) (assigned.guaranteedRate().bitsPerSecond() * maxFactor));
                long g = Math.min(gBound, Math.max(guaranteed.bitsPerSecond(),
                        Math.min((long) (demand * 1e6), (long) (guaranteed.bitsPerSecond() * step))));
                guaranteed = Rate.ofBitsPerSecond(roundKbit(g));
            }
            return spec.withQos(q.withRates(guaranteed, Rate.ofBitsPerSecond(roundKbit(newCeil))));
        }

        public String expected() {
            return "class rates up (ceiling at least x" + step + ", at most x" + maxFactor + " the assigned): the"
                    + " class's queue drains instead of dropping, and throughput follows the demand";
        }

        private static long roundKbit(long bps) {
            return Math.max(1000, bps / 1000 * 1000);
        }
    }
}
