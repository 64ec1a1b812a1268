package io.netpersona.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.Rate;
import io.netpersona.model.Spec;
import io.netpersona.substrate.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules beyond the seeds: bandwidth from demand and queues, the bottleneck, critical dependencies. */
class PoliciesTest {
    @TempDir
    Path dir;

    final Persona persona = PersonaCodec.readYaml(Rig.ARENA.formatted("bulk", "apply"));
    final EngineSettings settings = EngineSettings.defaults();
    final HoldOffs none = new HoldOffs(settings.damping());

    static Signals signals(Double tx, List<Signals.PeerSignal> peers, List<Signals.QueueSignal> queues,
            List<Signals.DeviceSignal> devices) {
        return new Signals(0, null, null, null, null, tx, tx == null ? null : 0.0, peers, queues, devices);
    }

    Policies.Evaluation evaluate(Signals s, Spec current) {
        return Policies.evaluate(Policies.forPersona(persona.spec().adaptation(), settings),
                new Trigger.Context(s, current, persona.spec()), none, 0);
    }

    @Test
    void aSaturatedOwnClassGetsMoreBandwidthWithinBounds() {
        Signals s = signals(9.8, List.of(), List.of(new Signals.QueueSignal("npl-host-a", "npl-a-up", "1:12", 150_000,
                20_000, 35)), List.of());
        Policies.Evaluation ev = evaluate(s, persona.spec());
        assertThat(ev.acting()).extracting(f -> f.rule().id()).containsExactly(Policies.BANDWIDTH);
        assertThat(ev.acting().getFirst().why()).contains("npl-a-up 1:12 in npl-host-a", "35 drops", "demand 9.8 Mbit/s >= 80%");
        assertThat(ev.desired().qos().ceilRate()).isEqualTo(Rate.mbit(15));
        assertThat(ev.desired().qos().guaranteedRate()).as("towards the demand, by at most the step").isEqualTo(Rate.mbit(3));

        // at 38 Mbit/s the next step would pass 4x the assigned 10 Mbit/s: it stops at 40
        Spec at38 = persona.spec().withQos(persona.spec().qos().withRates(Rate.mbit(8), Rate.mbit(38)));
        Signals busy = signals(37.5, List.of(), s.queues(), List.of());
        assertThat(evaluate(busy, at38).desired().qos().ceilRate()).isEqualTo(Rate.mbit(40));
        Spec at40 = at38.withQos(at38.qos().withRates(Rate.mbit(8), Rate.mbit(40)));
        Policies.Evaluation bound = evaluate(signals(39.5, List.of(), s.queues(), List.of()), at40);
        assertThat(bound.acting()).isEmpty();
        assertThat(bound.code()).isEqualTo("in-place");
        assertThat(bound.notes()).anyMatch(n -> n.startsWith("bandwidth-demand") && n.contains("at its bound"));
    }

    @Test
    void aQueueThatDoesNotLimitTheApplicationIsLeftAlone() {
        // drops in the class but the application sends far below its ceiling: something else is wrong
        Signals light = signals(2.0, List.of(), List.of(new Signals.QueueSignal("", "eth0", "1:10", 3000, 0, 4)), List.of());
        Policies.Evaluation ev = evaluate(light, persona.spec());
        assertThat(ev.acting()).isEmpty();
        assertThat(ev.notes()).anyMatch(n -> n.contains("demand 2 Mbit/s < 80% of ceil 10 Mbit/s"));
    }

    @Test
    void aBottleneckOutsideThePersonasClassesIsNamedAndNotScaled() {
        Signals s = signals(9.9, List.of(), List.of(new Signals.QueueSignal("", "eth0", "1:10", 0, 0, 0)),
                List.of(new Signals.DeviceSignal("npl-wire-a", "wa-out", 120, 0)));
        Policies.Evaluation ev = evaluate(s, persona.spec());
        assertThat(ev.acting()).isEmpty();
        assertThat(ev.notes()).anyMatch(n -> n.contains("device wa-out in npl-wire-a (120 drops), outside the persona's classes"));
    }

    @Test
    void aSlowCriticalDependencyRaisesThePriority() {
        Signals slow = signals(1.0, List.of(new Signals.PeerSignal("10.201.2.2:5432", 5.0, 0)), List.of(), List.of());
        Policies.Evaluation ev = evaluate(slow, persona.spec());
        assertThat(ev.acting()).extracting(f -> f.rule().id()).containsExactly(Policies.CRITICAL_DEPENDENCY);
        assertThat(ev.acting().getFirst().why()).contains("scores-db", "rtt 5 ms (learned 0.4 ms)");
        assertThat(ev.desired().qos().priority()).isEqualTo(2);

        Signals asLearned = signals(1.0, List.of(new Signals.PeerSignal("10.201.2.2:5432", 1.5, 0)), List.of(), List.of());
        assertThat(evaluate(asLearned, persona.spec()).acting()).isEmpty();
        Signals retransmitting = signals(1.0, List.of(new Signals.PeerSignal("10.201.2.2:5432", 0.5, 3)), List.of(), List.of());
        assertThat(evaluate(retransmitting, persona.spec()).acting()).hasSize(1);
        Signals otherPeer = signals(1.0, List.of(new Signals.PeerSignal("10.9.9.9:5432", 50, 9)), List.of(), List.of());
        assertThat(evaluate(otherPeer, persona.spec()).acting()).isEmpty();
    }

    @Test
    void retransmissionsOfAClassThatDropsInItsOwnQueueAreNotPathLoss() {
        Signals.QueueSignal full = new Signals.QueueSignal("npl-host-a", "npl-a-up", "1:12", 120_000, 0, 40);
        Signals.QueueSignal flowing = new Signals.QueueSignal("npl-host-a", "npl-a-up", "1:12", 0, 0, 0);
        Signals own = new Signals(0, null, null, null, 6.0, 4.0, 0.1, List.of(), List.of(full), List.of());
        Policies.Evaluation ev = evaluate(own, persona.spec());
        assertThat(ev.acting()).extracting(f -> f.rule().id()).doesNotContain(Policies.LOSS_MEDIUM);
        assertThat(ev.notes()).anyMatch(n -> n.contains("loss 6% > 1%, but the 40 segments its own class queues dropped (40 in this interval, 0 from before, not yet resent) explain it"));

        Signals path = new Signals(0, null, null, null, 6.0, 4.0, 0.1, List.of(), List.of(flowing), List.of());
        assertThat(evaluate(path, persona.spec()).acting()).extracting(f -> f.rule().id()).contains(Policies.LOSS_MEDIUM);
        // counted: 100 retransmitted segments, 40 of them the class's own drops: 3.6% of the path's own > 1%
        // while the class drops, what goes beyond its drops acts when a second sample in a row shows it too
        Signals both = new Signals(0, null, null, null, 6.0, 4.0, 0.1, List.of(), List.of(full), List.of(), 100L);
        Streaks streaks = new Streaks();
        Policies.Evaluation first = Policies.evaluate(Policies.forPersona(persona.spec().adaptation(), settings),
                new Trigger.Context(both, persona.spec(), persona.spec()), none, 0, streaks);
        assertThat(first.acting()).extracting(f -> f.rule().id()).doesNotContain(Policies.LOSS_MEDIUM);
        assertThat(first.notes()).anyMatch(n -> n.contains("3.6% beyond the 40 segments its own class queues dropped")
                && n.contains("while its own queue drops; 1 sample in a row so far: acts after 2"));
        streaks.sample(first.holding(), first.tentative());
        Policies.Evaluation lossy = Policies.evaluate(Policies.forPersona(persona.spec().adaptation(), settings),
                new Trigger.Context(both, persona.spec(), persona.spec()), none, 0, streaks);
        assertThat(lossy.acting()).extracting(f -> f.rule().id()).contains(Policies.LOSS_MEDIUM);
        assertThat(lossy.acting()).anyMatch(f -> f.why().contains("3.6% beyond the 40 segments its own class queues dropped"));
        Signals queueOnly = new Signals(0, null, null, null, 6.0, 4.0, 0.1, List.of(), List.of(full), List.of(), 41L);
        assertThat(evaluate(queueOnly, persona.spec()).acting()).extracting(f -> f.rule().id()).doesNotContain(Policies.LOSS_MEDIUM);
        Signals chance = new Signals(0, null, null, null, 1.6, 0.2, 0.1, List.of(), List.of(flowing), List.of(), 2L);
        Policies.Evaluation few = evaluate(chance, persona.spec());
        assertThat(few.acting()).extracting(f -> f.rule().id()).doesNotContain(Policies.LOSS_MEDIUM);
        assertThat(few.notes()).anyMatch(n -> n.contains("loss 1.6% > 1%, but from 2 retransmitted segments only"));
        Signals enough = new Signals(0, null, null, null, 1.6, 0.2, 0.1, List.of(), List.of(flowing), List.of(), 3L);
        assertThat(evaluate(enough, persona.spec()).acting()).extracting(f -> f.rule().id()).contains(Policies.LOSS_MEDIUM);
        // what the application itself reports as lost is its own view, whatever the queues did
        Signals reported = new Signals(0, new AppMeasure(null, null, null, 6.0, false), null, null, null, 4.0, 0.1, List.of(),
                List.of(full), List.of());
        assertThat(evaluate(reported, persona.spec()).acting()).extracting(f -> f.rule().id()).contains(Policies.LOSS_MEDIUM);
    }

    @Test
    void priorityStopsAtZeroAndTheLossRuleThenHasNothingToDo() {
        Spec top = persona.spec().withQos(persona.spec().qos().withPriority(0));
        Signals lossy = new Signals(0, new AppMeasure(null, null, null, 5.0, false), null, null, null, null, null, List.of(),
                List.of(), List.of());
        Policies.Evaluation ev = evaluate(lossy, top);
        assertThat(ev.acting()).isEmpty();
        assertThat(ev.code()).isEqualTo("in-place");
    }

    @Test
    void lossThatOutlastsARaiseDoesNotClimbFurther() {
        Signals lossy = new Signals(0, new AppMeasure(null, null, null, 5.0, false), null, null, null, null, null, List.of(),
                List.of(), List.of());
        Policies.Evaluation once = evaluate(lossy, persona.spec());
        assertThat(once.desired().qos().priority()).as("one step above the assigned 3").isEqualTo(2);
        Policies.Evaluation again = evaluate(lossy, once.desired());
        assertThat(again.desired().qos().priority()).as("the loss persists: no second step").isEqualTo(2);
        assertThat(again.notes()).anyMatch(n -> n.startsWith(Policies.LOSS_MEDIUM) && n.contains("in place already"));
    }

    @Test
    void absentThresholdsLeaveTheirRulesOut() {
        var a = new io.netpersona.model.Adaptation(null, null, null, null, null);
        assertThat(Policies.forPersona(a, settings)).extracting(Rule::id)
                .containsExactly(Policies.PEER_DEGRADED, Policies.BANDWIDTH, Policies.CRITICAL_DEPENDENCY);
    }

    /** The whole loop on a host whose bulk class drops what it cannot send: the ceiling grows until demand fits. */
    @Test
    void bandwidthFollowsDemandThroughTheLoop() {
        try (Rig rig = new Rig(dir, "bulk", "apply", settings)) {
            double demandMbps = 24;
            AtomicLong txBytes = new AtomicLong();
            AtomicLong drops = new AtomicLong();
            AtomicLong last = new AtomicLong(rig.clock.millis());
            rig.host.world = p -> {
                long now = rig.clock.millis();
                double ceil = p.spec().qos().ceilRate().mbitPerSecond();
                double sent = Math.min(demandMbps, ceil);
                double seconds = (now - last.getAndSet(now)) / 1000.0;
                txBytes.addAndGet((long) (sent * 1e6 / 8 * seconds));
                long backlog = demandMbps > ceil ? 200_000 : 0;
                if (demandMbps > ceil) {
                    drops.addAndGet((long) (seconds * 100));
                }
                return new Metrics(now, new Metrics.Counters(0, 0, txBytes.get(), txBytes.get() / 1500), List.of(),
                        List.of(new Metrics.Queue("", "eth0", "1:10", backlog, backlog / 1500, drops.get(), 0, txBytes.get())),
                        List.of());
            };
            rig.measure = p -> AppMeasure.throughput(Math.min(demandMbps, p.spec().qos().ceilRate().mbitPerSecond()));
            assertThat(rig.step().kind()).as("first sample: no rates yet").isEqualTo(StepResult.Kind.NO_ACTION);
            assertThat(rig.stepAfter(Duration.ofSeconds(2)).kind()).isEqualTo(StepResult.Kind.APPLIED);
            assertThat(rig.host.realised.spec().qos().ceilRate()).isEqualTo(Rate.mbit(15));
            assertThat(rig.verifyWindow().kind()).as("throughput 10 -> 15: kept").isEqualTo(StepResult.Kind.KEPT);
            assertThat(rig.stepAfter(Duration.ofSeconds(2)).kind()).isEqualTo(StepResult.Kind.APPLIED);
            assertThat(rig.host.realised.spec().qos().ceilRate()).isEqualTo(Rate.mbit(22.5));
            rig.verifyWindow();
            rig.stepAfter(Duration.ofSeconds(2));
            assertThat(rig.host.realised.spec().qos().ceilRate()).isEqualTo(Rate.mbit(33.75));
            rig.verifyWindow();
            StepResult fits = rig.stepAfter(Duration.ofSeconds(2));
            assertThat(fits.kind()).isEqualTo(StepResult.Kind.NO_ACTION);
            assertThat(fits.summary()).contains("no queue grows");
            assertThat(rig.host.reverts).hasValue(0);
        }
    }
}
