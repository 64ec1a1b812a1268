package io.netpersona.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.CongestionControl;
import io.netpersona.model.Persona;
import io.netpersona.substrate.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop of one application on a fake host in virtual time: keep, revert, cooldown, damping, advice, failure. */
class EngineTest {
    @TempDir
    Path dir;

    static boolean bbr(Persona p) {
        return p.spec().tcp().congestionControl() == CongestionControl.BBR;
    }

    @Test
    void aChangeThatHelpsIsKeptAndTheRunnerGoesQuiet() {
        try (Rig rig = new Rig(dir)) {
            rig.measure = p -> bbr(p) ? AppMeasure.latency(20, 40) : AppMeasure.latency(120, 160);
            rig.engine.start("arena");
            rig.scheduler.advance(Duration.ZERO);
            assertThat(rig.host.applies()).isEqualTo(1);
            assertThat(bbr(rig.host.realised)).isTrue();
            assertThat(rig.host.realised.spec().mtu()).isEqualTo(1400);
            JournalEntry pending = rig.entries().getLast();
            assertThat(pending.outcome()).isEqualTo(Outcome.PENDING);
            assertThat(pending.rules()).containsExactly(Policies.LATENCY_HIGH);
            assertThat(pending.reason()).contains("latency p99 160 ms (app) > 80 ms");
            assertThat(pending.changes()).contains("spec.tcp.congestionControl", "\"new\":\"bbr\"", "spec.mtu");
            assertThat(pending.steps()).contains("spec.mtu");

            rig.scheduler.advance(Duration.ofSeconds(9)); // the verify window, sampled at 3, 6 and 9 s
            JournalEntry kept = rig.entry(pending.id());
            assertThat(kept.outcome()).isEqualTo(Outcome.KEPT);
            assertThat(kept.outcomeReason()).contains("160 -> 40 ms", "within");
            assertThat(kept.after()).contains("\"latencyP99Ms\":40");
            assertThat(kept.before()).contains("\"latencyP99Ms\":160");
            assertThat(kept.finishedAt()).isEqualTo(pending.decidedAt() + 9_000);

            rig.scheduler.advance(Duration.ofSeconds(20)); // ten quiet observations at 2 s
            assertThat(rig.host.applies()).isEqualTo(1);
            assertThat(rig.host.reverts).hasValue(0);
            JournalEntry quiet = rig.entries().getLast();
            assertThat(quiet.outcome()).isEqualTo(Outcome.NO_ACTION);
            assertThat(quiet.code()).isEqualTo("quiet");
            assertThat(quiet.repeats()).isEqualTo(10); // one row for the run, not ten
            assertThat(quiet.reason()).contains("latency-high: latency p99 40 ms (app) <= 80 ms");
            assertThat(rig.current().spec().mtu()).isEqualTo(1400);

            rig.engine.stop("arena");
            assertThat(rig.scheduler.waiting()).isZero();
        }
    }

    /** A slow observation (0.7 s here) does not stretch the cadence: the interval counts from each step's start. */
    @Test
    void theRunnerObservesEveryIntervalHoweverLongAnObservationTakes() {
        try (Rig rig = new Rig(dir)) {
            rig.measure = p -> AppMeasure.latency(20, 40);
            rig.host.world = p -> {
                rig.clock.advance(Duration.ofMillis(700));
                return Metrics.none(rig.clock.millis());
            };
            rig.engine.start("arena");
            rig.scheduler.advance(Duration.ofMillis(10_500)); // steps at 0, 2, 4, 6, 8 and 10 s
            JournalEntry quiet = rig.entries().getLast();
            assertThat(quiet.code()).isEqualTo("quiet");
            assertThat(quiet.repeats()).isEqualTo(6);
            assertThat(quiet.lastAt() - quiet.decidedAt()).isEqualTo(10_000);
            rig.engine.stop("arena");
        }
    }

    @Test
    void aChangeThatHurtsIsRevertedAndHeldOffForTheCooldown() {
        try (Rig rig = new Rig(dir)) {
            rig.measure = p -> bbr(p) ? AppMeasure.latency(200, 300) : AppMeasure.latency(120, 160);
            StepResult applied = rig.step();
            assertThat(applied.kind()).isEqualTo(StepResult.Kind.APPLIED);
            assertThat(rig.stepAfter(Duration.ofSeconds(1)).kind()).as("a step before a sample is due takes none")
                    .isEqualTo(StepResult.Kind.VERIFYING);
            StepResult reverted = rig.verifyWindow();
            assertThat(reverted.kind()).isEqualTo(StepResult.Kind.REVERTED);
            assertThat(rig.host.reverts).hasValue(1);
            assertThat(bbr(rig.host.realised)).isFalse();
            assertThat(rig.current()).isEqualTo(rig.persona);
            JournalEntry e = rig.entry(applied.entryId());
            assertThat(e.outcome()).isEqualTo(Outcome.REVERTED);
            assertThat(e.appliedAt()).as("applied at the decision's time on the fake clock").isEqualTo(e.decidedAt());
            assertThat(e.outcomeReason()).contains("160 -> 300 ms", "worse", "latency-high held off for 30s");
            assertThat(e.after()).contains("\"latencyP99Ms\":300");

            StepResult held = rig.stepAfter(Duration.ofSeconds(2));
            assertThat(held.kind()).isEqualTo(StepResult.Kind.NO_ACTION);
            assertThat(held.summary()).startsWith("held-off").contains("latency-high", "held off until", "reverted");
            assertThat(rig.stepAfter(Duration.ofSeconds(26)).kind()).isEqualTo(StepResult.Kind.NO_ACTION);
            assertThat(rig.host.applies()).isEqualTo(1);

            assertThat(rig.stepAfter(Duration.ofSeconds(3)).kind()).as("the cooldown is over").isEqualTo(StepResult.Kind.APPLIED);
            assertThat(rig.host.applies()).isEqualTo(2);
        }
    }

    @Test
    void aRuleThatKeepsFlappingIsHeldOffLonger() {
        try (Rig rig = new Rig(dir)) {
            rig.measure = p -> bbr(p) ? AppMeasure.latency(200, 300) : AppMeasure.latency(120, 160);
            for (int round = 1; round <= 3; round++) {
                assertThat(rig.step().kind()).as("round " + round).isEqualTo(StepResult.Kind.APPLIED);
                StepResult r = rig.verifyWindow();
                assertThat(r.kind()).isEqualTo(StepResult.Kind.REVERTED);
                if (round < 3) {
                    assertThat(r.summary()).contains("held off for 30s").doesNotContain("flapping");
                    rig.clock.advance(Duration.ofSeconds(31));
                } else {
                    assertThat(r.summary()).contains("held off for 5m (flapping: reverted 3 times within 10m)");
                }
            }
            // one cooldown later it would have been tried again; flapping, it waits ten
            StepResult held = rig.stepAfter(Duration.ofSeconds(31));
            assertThat(held.kind()).isEqualTo(StepResult.Kind.NO_ACTION);
            assertThat(held.summary()).contains("flapping");
            assertThat(rig.stepAfter(Duration.ofSeconds(240)).kind()).isEqualTo(StepResult.Kind.NO_ACTION);
            assertThat(rig.stepAfter(Duration.ofSeconds(30)).kind()).isEqualTo(StepResult.Kind.APPLIED);
            assertThat(rig.host.reverts).hasValue(3);
        }
    }

    @Test
    void adviseModePlansAndRecordsButAppliesNothing() {
        try (Rig rig = new Rig(dir, "realtime", "advise", EngineSettings.defaults())) {
            rig.measure = p -> AppMeasure.latency(120, 160);
            StepResult r = rig.step();
            assertThat(r.kind()).isEqualTo(StepResult.Kind.ADVISED);
            assertThat(rig.host.applies()).isZero();
            assertThat(rig.host.realised).isEqualTo(rig.persona);
            assertThat(rig.current()).isEqualTo(rig.persona);
            JournalEntry e = rig.entry(r.entryId());
            assertThat(e.outcome()).isEqualTo(Outcome.ADVISED);
            assertThat(e.outcomeReason()).contains("advise mode: nothing applied");
            assertThat(e.steps()).contains("spec.tcp.congestionControl", "spec.mtu");
            assertThat(e.expected()).contains("congestion control bbr", "mtu at most 1400");
            assertThat(e.finishedAt()).isEqualTo(e.decidedAt());
            // the same advice is not repeated every interval
            assertThat(rig.stepAfter(Duration.ofSeconds(2)).summary()).startsWith("held-off");
            assertThat(rig.stepAfter(Duration.ofSeconds(29)).kind()).isEqualTo(StepResult.Kind.ADVISED);
            // even a forced change is only advice here
            Persona forced = rig.persona.withSpec(rig.persona.spec().withMtu(1280));
            assertThat(rig.engine.force("arena", forced, "operator").kind()).isEqualTo(StepResult.Kind.ADVISED);
            assertThat(rig.host.applyCalls).as("apply never called").hasValue(0);
            assertThat(rig.host.reverts).hasValue(0);
            assertThat(rig.host.realised).isEqualTo(rig.persona);
            assertThat(rig.entries()).extracting(JournalEntry::outcome).doesNotContain(Outcome.PENDING, Outcome.KEPT,
                    Outcome.REVERTED);
        }
    }

    @Test
    void aFailedApplyKeepsNothingAndIsJournalledAsFailed() {
        try (Rig rig = new Rig(dir)) {
            rig.measure = p -> AppMeasure.latency(120, 160);
            rig.host.failNextApply = true;
            StepResult r = rig.step();
            assertThat(r.kind()).isEqualTo(StepResult.Kind.FAILED);
            assertThat(rig.host.realised).isEqualTo(rig.persona);
            assertThat(rig.current()).isEqualTo(rig.persona);
            JournalEntry e = rig.entry(r.entryId());
            assertThat(e.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(e.appliedAt()).as("a failed apply").isNull();
            assertThat(e.outcomeReason()).contains("apply failed at step", "tc said no", "host was put back",
                    "latency-high held off for 30s");
            assertThat(e.finishedAt()).isNotNull();
            // no verification follows, and the failed change waits out its cooldown
            StepResult next = rig.stepAfter(Duration.ofSeconds(2));
            assertThat(next.kind()).isEqualTo(StepResult.Kind.NO_ACTION);
            assertThat(next.summary()).startsWith("held-off");
            assertThat(rig.stepAfter(Duration.ofSeconds(29)).kind()).isEqualTo(StepResult.Kind.APPLIED);
        }
    }

    @Test
    void twoTriggersAtOnceMakeOneCombinedChange() {
        try (Rig rig = new Rig(dir)) {
            rig.measure = p -> new AppMeasure(120.0, 160.0, null, 3.0, true);
            StepResult r = rig.step();
            assertThat(r.kind()).isEqualTo(StepResult.Kind.APPLIED);
            assertThat(rig.host.applies()).isEqualTo(1);
            Persona p = rig.host.realised;
            assertThat(bbr(p)).isTrue();
            assertThat(p.spec().mtu()).as("latency caps at 1400, the peer's report at 1200: the stricter wins").isEqualTo(1200);
            assertThat(p.spec().qos().priority()).isEqualTo(2);
            JournalEntry e = rig.entry(r.entryId());
            assertThat(e.rules()).containsExactly(Policies.LATENCY_HIGH, Policies.LOSS_MEDIUM, Policies.PEER_DEGRADED);
            assertThat(e.reason()).contains("loss 3% > 1%", "a peer reports degradation");
        }
    }

    @Test
    void everyRuleOfACombinedChangeThatHurtIsHeldOff() {
        try (Rig rig = new Rig(dir)) {
            rig.measure = p -> bbr(p) ? new AppMeasure(200.0, 300.0, null, 3.0, false)
                    : new AppMeasure(120.0, 160.0, null, 3.0, false);
            rig.step();
            StepResult r = rig.verifyWindow();
            assertThat(r.kind()).isEqualTo(StepResult.Kind.REVERTED);
            assertThat(r.summary()).contains("latency-high held off", "loss-medium held off");
            assertThat(rig.stepAfter(Duration.ofSeconds(2)).summary()).contains("latency-high", "loss-medium", "held off until");
        }
    }

    @Test
    void twoCallersNeverStepOneApplicationAtOnce() throws Exception {
        try (Rig rig = new Rig(dir)) {
            rig.measure = p -> AppMeasure.latency(120, 160);
            CountDownLatch inApply = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            rig.host.duringApply = () -> {
                inApply.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            try {
                Future<StepResult> first = pool.submit(rig::step);
                assertThat(inApply.await(10, TimeUnit.SECONDS)).isTrue();
                Future<StepResult> second = pool.submit(rig::step);
                Thread.sleep(100); // give the second caller the chance to get in, which the lane must refuse
                assertThat(second.isDone()).isFalse();
                release.countDown();
                assertThat(first.get(10, TimeUnit.SECONDS).kind()).isEqualTo(StepResult.Kind.APPLIED);
                assertThat(second.get(10, TimeUnit.SECONDS).kind()).isEqualTo(StepResult.Kind.VERIFYING);
            } finally {
                pool.shutdownNow();
            }
            assertThat(rig.host.mostInside).hasValue(1);
            assertThat(rig.host.applies()).isEqualTo(1);
        }
    }

    @Test
    void aNewAssignmentSupersedesTheChangeUnderVerification() {
        try (Rig rig = new Rig(dir)) {
            rig.measure = p -> AppMeasure.latency(120, 160);
            StepResult r = rig.step();
            Persona v5 = rig.persona.withMetadata(rig.persona.metadata().withVersion(5));
            rig.engine.manage(v5);
            assertThat(rig.current()).isEqualTo(v5);
            JournalEntry e = rig.entry(r.entryId());
            assertThat(e.outcome()).isEqualTo(Outcome.INTERRUPTED);
            assertThat(e.outcomeReason()).contains("version 5");
        }
    }

    @Test
    void aPersonaWithoutAdaptationIsLeftAlone() {
        try (Rig rig = new Rig(dir)) {
            Persona plain = rig.persona.withSpec(rig.persona.spec().withAdaptation(null));
            rig.engine.manage(plain);
            rig.measure = p -> AppMeasure.latency(500, 900);
            StepResult r = rig.step();
            assertThat(r.kind()).isEqualTo(StepResult.Kind.NO_ACTION);
            assertThat(r.summary()).startsWith("no-adaptation");
            assertThat(rig.host.applies()).isZero();
        }
    }

    @Test
    void aForcedHarmfulChangeIsRevertedAndAForcedHarmlessOneKept() {
        try (Rig rig = new Rig(dir, "bulk", "apply", EngineSettings.defaults())) {
            // throughput follows the class's ceiling: a lower one is harm the application's users notice
            rig.measure = p -> AppMeasure.throughput(Math.min(9, p.spec().qos().ceilRate().mbitPerSecond()));
            Persona throttled = rig.persona.withSpec(rig.persona.spec().withQos(
                    rig.persona.spec().qos().withRates(io.netpersona.model.Rate.mbit(1), io.netpersona.model.Rate.mbit(2))));
            StepResult r = rig.engine.force("arena", throttled, "a ceiling of 2 Mbit/s");
            assertThat(r.kind()).isEqualTo(StepResult.Kind.APPLIED);
            assertThat(rig.host.realised).isEqualTo(throttled);
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> rig.engine.force("arena", rig.persona, "again")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("under verification");
            StepResult end = rig.verifyWindow();
            assertThat(end.kind()).isEqualTo(StepResult.Kind.REVERTED);
            assertThat(rig.host.realised).isEqualTo(rig.persona);
            JournalEntry e = rig.entry(r.entryId());
            assertThat(e.rules()).containsExactly("forced");
            assertThat(e.reason()).isEqualTo("forced: a ceiling of 2 Mbit/s");
            assertThat(e.outcomeReason()).contains("throughput 9 -> 2 Mbit/s", "worse", "forced held off for 30s");

            Persona lowerMtu = rig.persona.withSpec(rig.persona.spec().withMtu(1400));
            StepResult harmless = rig.engine.force("arena", lowerMtu, "mtu 1400");
            assertThat(rig.verifyWindow().kind()).isEqualTo(StepResult.Kind.KEPT);
            assertThat(rig.entry(harmless.entryId()).outcome()).isEqualTo(Outcome.KEPT);
            assertThat(rig.current()).isEqualTo(lowerMtu);
        }
    }

    /**
     * Throughput from the host's counters, a change forced in the same instant as the step before it: its
     * "before" is the last sample over a real interval, not rates over no time at all (which read as nothing,
     * so that any harm looked like a gain).
     */
    @Test
    void aChangeForcedRightAfterASampleIsJudgedAgainstTheLastFullInterval() {
        try (Rig rig = new Rig(dir, "bulk", "apply", EngineSettings.defaults())) {
            rig.measure = p -> null;
            long[] sent = {0};
            long[] at = {rig.clock.millis()};
            rig.host.world = p -> {
                long now = rig.clock.millis();
                double mbps = Math.min(9, p.spec().qos().ceilRate().mbitPerSecond());
                sent[0] += (long) (mbps * 1e6 / 8 * (now - at[0]) / 1000);
                at[0] = now;
                return new Metrics(now, new Metrics.Counters(0, 0, sent[0], sent[0] / 1500), List.of(), List.of(), List.of());
            };
            rig.step();
            rig.stepAfter(Duration.ofSeconds(1));
            Persona throttled = rig.persona.withSpec(rig.persona.spec().withQos(
                    rig.persona.spec().qos().withRates(io.netpersona.model.Rate.mbit(1), io.netpersona.model.Rate.mbit(2))));
            StepResult r = rig.engine.force("arena", throttled, "a ceiling of 2 Mbit/s");
            assertThat(r.kind()).isEqualTo(StepResult.Kind.APPLIED);
            assertThat(rig.verifyWindow().kind()).isEqualTo(StepResult.Kind.REVERTED);
            assertThat(rig.entry(r.entryId()).outcomeReason()).contains("throughput 9 -> 2 Mbit/s", "worse");
            // right after the revert the last whole interval measured the throttled version: nothing to judge against yet
            Persona lowerMtu = rig.persona.withSpec(rig.persona.spec().withMtu(1400));
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> rig.engine.force("arena", lowerMtu, "mtu 1400")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("no measurement over a whole interval");
            rig.stepAfter(Duration.ofSeconds(1));
            StepResult harmless = rig.engine.force("arena", lowerMtu, "mtu 1400");
            assertThat(rig.verifyWindow().kind()).isEqualTo(StepResult.Kind.KEPT);
            assertThat(rig.entry(harmless.entryId()).outcomeReason()).contains("throughput 9 -> 9 Mbit/s");
        }
    }

    @Test
    void lossOnABulkFlowSwitchesToBbrAsWellAsRaisingPriority() {
        try (Rig rig = new Rig(dir, "bulk", "apply", EngineSettings.defaults())) {
            rig.measure = p -> new AppMeasure(null, null, bbr(p) ? 18.0 : 3.0, bbr(p) ? 1.2 : 2.0, false);
            StepResult r = rig.step();
            assertThat(r.kind()).isEqualTo(StepResult.Kind.APPLIED);
            assertThat(bbr(rig.host.realised)).isTrue();
            assertThat(rig.host.realised.spec().qos().priority()).isEqualTo(2);
            assertThat(rig.entry(r.entryId()).expected()).contains("throughput holds under random loss");
            assertThat(rig.verifyWindow().kind()).as("throughput 3 -> 18").isEqualTo(StepResult.Kind.KEPT);
        }
    }
}
