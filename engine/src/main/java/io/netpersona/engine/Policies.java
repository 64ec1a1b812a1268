package io.netpersona.engine;

import io.netpersona.model.Adaptation;
import io.netpersona.model.CongestionControl;
import io.netpersona.model.Spec;
import io.netpersona.model.TrafficClass;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The engine's rules, made from a persona's {@code adaptation} thresholds, and their evaluation.
 *
 * <p>Rules are evaluated in table order. All that fire (and are not held off) go into one change set:
 * a fault seldom comes alone (a lossy path also raises latency), and two verify windows one after the
 * other would double the time to react. Their actions compose in any order to the strictest value of each
 * field (see {@link Action}), so the order only decides how the journal lists them. The price: when a
 * combined change is worse, every rule in it is held off, since the engine cannot tell which one hurt.
 */
public final class Policies {
    public static final String LATENCY_HIGH = "latency-high";
    public static final String LOSS_MEDIUM = "loss-medium";
    public static final String PEER_DEGRADED = "peer-degraded";
    public static final String BANDWIDTH = "bandwidth-demand";
    public static final String CRITICAL_DEPENDENCY = "critical-dependency";

    private Policies() {}

    /** The rule table for a persona's thresholds; a rule whose threshold is absent is left out. */
    public static List<Rule> forPersona(Adaptation a, EngineSettings s) {
        return forPersona(a, null, s);
    }

    /**
     * The rule table for a persona's thresholds and traffic class. Loss is answered by the class's need:
     * priority helps where the loss is drops in a shared queue; for a class that moves volume, random loss
     * on the path is what collapses a loss-based congestion control (cubic from 19 to 3.2 Mbit/s at 1%,
     * LAB.md), and BBR is what holds its throughput, so it gets both.
     */
    public static List<Rule> forPersona(Adaptation a, TrafficClass trafficClass, EngineSettings s) {
        List<Rule> rules = new ArrayList<>();
        if (a.latencyHighMs() != null) {
            rules.add(new Rule(LATENCY_HIGH, new Trigger.LatencyAbove(a.latencyHighMs()),
                    List.of(new Action.SetCongestionControl(CongestionControl.BBR), new Action.CapMtu(1400))));
        }
        if (a.lossMediumPct() != null) {
            List<Action> onLoss = Judge.judgedByThroughput(trafficClass)
                    ? List.of(new Action.SetCongestionControl(CongestionControl.BBR), new Action.RaisePriority(1))
                    : List.of(new Action.RaisePriority(1));
            rules.add(new Rule(LOSS_MEDIUM, new Trigger.LossAbove(a.lossMediumPct()), onLoss));
        }
        rules.add(new Rule(PEER_DEGRADED, new Trigger.PeerDegraded(), List.of(new Action.CapMtu(1200))));
        rules.add(new Rule(BANDWIDTH, new Trigger.OwnClassSaturated(0.8, 0.9),
                List.of(new Action.ScaleBandwidth(s.bandwidthStep(), s.bandwidthMaxFactor()))));
        rules.add(new Rule(CRITICAL_DEPENDENCY, new Trigger.CriticalDependencySlow(3.0, 2.0),
                List.of(new Action.RaisePriority(1))));
        return List.copyOf(rules);
    }

    /** A rule that fired and changes the persona, with the reason it fired. */
    record Fired(Rule rule, String why) {}

    /**
     * The outcome of one evaluation: the rules that act, the desired spec they make together, a note for every
     * rule that does not act (quiet, held off, already in place, or holding on evidence that needs more samples in a
     * row), for the journal, the rules whose trigger held in this sample, and those of them that held tentatively (for
     * {@link Streaks#sample}).
     */
    record Evaluation(List<Fired> acting, Spec desired, List<String> notes, boolean held, boolean inPlace, boolean once,
            Set<String> holding, Set<String> tentative) {
        String code() {
            return held ? "held-off" : inPlace ? "in-place" : once ? "once" : "quiet";
        }
    }

    static Evaluation evaluate(List<Rule> rules, Trigger.Context c, HoldOffs holdOffs, long now) {
        return evaluate(rules, c, holdOffs, now, new Streaks());
    }

    /**
     * Evaluates the rules on one sample; {@code streaks} says how many samples in a row each rule's trigger held
     * before this one, which a tentative trigger needs (see {@link Streaks}).
     */
    static Evaluation evaluate(List<Rule> rules, Trigger.Context c, HoldOffs holdOffs, long now, Streaks streaks) {
        Spec spec = c.current();
        List<Fired> acting = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Set<String> holding = new LinkedHashSet<>(), tentative = new LinkedHashSet<>();
        boolean held = false, inPlace = false, once = false;
        for (Rule r : rules) {
            Trigger.Check check = r.when().check(c);
            if (!check.fired()) {
                notes.add(r.id() + ": " + check.why());
                continue;
            }
            holding.add(r.id());
            String why = check.why();
            if (check.tentative()) {
                tentative.add(r.id());
                int run = streaks.run(r.id(), true), needed = streaks.needed(r.id());
                String came = streaks.cameAndWent(r.id()) == 0 ? "" : ", having come and gone " + streaks.cameAndWent(r.id())
                        + " times before";
                if (run < needed) {
                    notes.add(r.id() + ": " + why + "; " + run + " sample" + (run == 1 ? "" : "s") + " in a row so far: acts"
                            + " after " + needed + came);
                    once = true;
                    continue;
                }
                why += "; " + (run == 2 ? "held in the sample before too" : "held in " + run + " samples in a row") + came;
            }
            String hold = holdOffs.holding(r.id(), now);
            if (hold != null) {
                notes.add(r.id() + ": " + why + ", but " + hold);
                held = true;
                continue;
            }
            Spec next = spec;
            for (Action a : r.then()) {
                next = a.apply(next, new Trigger.Context(c.signals(), next, c.assigned()));
            }
            if (next.equals(spec)) {
                notes.add(r.id() + ": " + why + ", and its change is in place already (or at its bound)");
                inPlace = true;
                continue;
            }
            spec = next;
            acting.add(new Fired(r, why));
        }
        return new Evaluation(List.copyOf(acting), spec, List.copyOf(notes), held, inPlace, once, Set.copyOf(holding),
                Set.copyOf(tentative));
    }
}
