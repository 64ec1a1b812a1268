package io.netpersona.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.CongestionControl;
import io.netpersona.model.Rate;
import io.netpersona.substrate.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A steady application's noise is not a new fault, and evidence that cannot be chance is answered at once: on a fake
 * host and a fake clock, a class below its ceiling whose queue holds a burst now and then keeps its ceiling however
 * long it runs; one held at its ceiling is raised on the second sample that shows it, one that drops near its ceiling
 * on the first; a few retransmissions among few segments wait for a second sample, loss far beyond chance does not.
 */
class NoiseTest {
    @TempDir
    Path dir;

    /**
     * The world of one class with a 10 Mbit/s ceiling: what the class sends each second, whether its queue holds a
     * backlog at the sample and how many packets it drops, and the segments its sockets send and retransmit.
     */
    static final class World {
        final AtomicLong bytes = new AtomicLong(), drops = new AtomicLong(), segments = new AtomicLong(), retransmits = new AtomicLong(),
                overlimits = new AtomicLong();
        volatile long backlog;

        Metrics at(long now) {
            Metrics.TcpSocket socket = new Metrics.TcpSocket("10.201.1.10:443", "10.200.0.12:40000", "ESTAB", "cubic", 42, 2,
                    retransmits.get(), 2_000_000, 10, segments.get());
            return new Metrics(now, new Metrics.Counters(0, 0, bytes.get(), bytes.get() / 1500), List.of(socket),
                    List.of(new Metrics.Queue("npl-host-a", "npl-a-up", "1:12", backlog, backlog / 1514, drops.get(), overlimits.get(),
                            bytes.get())),
                    List.of());
        }

        /**
         * One second of the class sending at {@code mbps}, with {@code queued} bytes in its queue at its end, in which it
         * ran out of its ceiling's tokens {@code waits} times.
         */
        void second(double mbps, long queued, long waits) {
            bytes.addAndGet((long) (mbps * 1e6 / 8));
            segments.addAndGet((long) (mbps * 1e6 / 8 / 1448));
            backlog = queued;
            overlimits.addAndGet(waits);
        }
    }

    Rig rig(World w) {
        return rig(w, "interactive");
    }

    Rig rig(World w, String trafficClass) {
        Rig rig = new Rig(dir, trafficClass, "apply", EngineSettings.defaults().withInterval(Duration.ofSeconds(1)));
        rig.host.world = p -> w.at(rig.clock.millis());
        return rig;
    }

    @Test
    void aClassBelowItsCeilingWhoseQueueHoldsABurstNowAndThenKeepsItsCeiling() {
        World w = new World();
        try (Rig rig = rig(w)) {
            rig.step();
            // a web service at 75-89% of its ceiling, its queue caught holding a response in every other sample (and in
            // two samples in a row once), its bursts running out of the ceiling's tokens now and then: 59 samples, never
            // held at its ceiling
            for (int i = 0; i < 59; i++) {
                double mbps = 7.5 + (i % 7) * 0.23;
                boolean burst = i % 2 == 0 || i == 31;
                w.second(mbps, burst ? 16_000 : 0, burst ? 3 : 0);
                StepResult r = rig.stepAfter(Duration.ofSeconds(1));
                assertThat(r.kind()).as("sample %d: %s", i, r.summary()).isEqualTo(StepResult.Kind.NO_ACTION);
            }
            assertThat(rig.host.realised.spec().qos().ceilRate()).isEqualTo(Rate.mbit(10));
            assertThat(rig.entries()).last().satisfies(e -> assertThat(e.reason())
                    .contains("bandwidth-demand: bottleneck: the class queue on npl-a-up 1:12 in npl-host-a", "< 90% of ceil 10 Mbit/s"));
        }
    }

    @Test
    void aClassHeldAtItsCeilingIsRaisedOnTheSecondSampleThatShowsIt() {
        World w = new World();
        try (Rig rig = rig(w)) {
            rig.step();
            // a queue at the moment of the sample is not what counts: the class waited for its ceiling in the second
            w.second(9.6, 0, 140);
            StepResult once = rig.stepAfter(Duration.ofSeconds(1));
            assertThat(once.kind()).isEqualTo(StepResult.Kind.NO_ACTION);
            assertThat(once.summary()).startsWith("once: ").contains("waited for its ceiling 140 times: held at its ceiling",
                    "1 sample in a row so far: acts after 2");
            w.second(10.1, 45_000, 150);
            StepResult raised = rig.stepAfter(Duration.ofSeconds(1));
            assertThat(raised.kind()).as(raised.summary()).isEqualTo(StepResult.Kind.APPLIED);
            assertThat(raised.summary()).contains("demand 10.1 Mbit/s >= 90% of ceil 10 Mbit/s", "held in the sample before too");
            assertThat(rig.host.realised.spec().qos().ceilRate()).isEqualTo(Rate.mbit(15));
        }
    }

    @Test
    void heldOnceThenNotIsNoEvidenceAndTakesOneSampleMoreNextTime() {
        World w = new World();
        try (Rig rig = rig(w)) {
            rig.step();
            w.second(10.0, 40_000, 120);
            assertThat(rig.stepAfter(Duration.ofSeconds(1)).summary()).startsWith("once: ");
            w.second(8.5, 0, 2);
            assertThat(rig.stepAfter(Duration.ofSeconds(1)).summary()).startsWith("quiet: ");
            w.second(10.0, 40_000, 120);
            StepResult again = rig.stepAfter(Duration.ofSeconds(1));
            assertThat(again.kind()).as("the sample before did not hold: once again, not twice").isEqualTo(StepResult.Kind.NO_ACTION);
            assertThat(again.summary()).startsWith("once: ").contains("acts after 3, having come and gone 1 times before");
            // having come and gone, it takes three in a row
            w.second(10.0, 40_000, 120);
            assertThat(rig.stepAfter(Duration.ofSeconds(1)).summary()).startsWith("once: ").contains("2 samples in a row so far");
            assertThat(rig.host.realised.spec().qos().ceilRate()).isEqualTo(Rate.mbit(10));
            w.second(10.0, 40_000, 120);
            StepResult third = rig.stepAfter(Duration.ofSeconds(1));
            assertThat(third.kind()).as(third.summary()).isEqualTo(StepResult.Kind.APPLIED);
            assertThat(third.summary()).contains("held in 3 samples in a row, having come and gone 1 times before");
            assertThat(rig.host.realised.spec().qos().ceilRate()).isEqualTo(Rate.mbit(15));
        }
    }

    @Test
    void aClassThatDropsNearItsCeilingIsRaisedAtOnce() {
        World w = new World();
        try (Rig rig = rig(w)) {
            rig.step();
            w.second(8.6, 60_000, 0);
            w.drops.addAndGet(12);
            StepResult r = rig.stepAfter(Duration.ofSeconds(1));
            assertThat(r.kind()).as(r.summary()).isEqualTo(StepResult.Kind.APPLIED);
            assertThat(r.summary()).contains("12 drops", "demand 8.6 Mbit/s >= 80% of ceil 10 Mbit/s").doesNotContain("sample before");
        }
    }

    @Test
    void aFewRetransmissionsAmongFewSegmentsWaitForASecondSample() {
        World w = new World();
        try (Rig rig = rig(w)) {
            rig.step();
            // a database: 160 segments a second, 3 of them retransmitted (1.9% > the 1% threshold): what a loss at the
            // threshold gives one second in five
            w.bytes.addAndGet(30_000);
            w.segments.addAndGet(160);
            w.retransmits.addAndGet(3);
            StepResult once = rig.stepAfter(Duration.ofSeconds(1));
            assertThat(once.kind()).isEqualTo(StepResult.Kind.NO_ACTION);
            assertThat(once.summary()).contains("loss-medium: loss 1.88% > 1% (3 of 160 segments: a loss of 1% shows as many",
                    "1 sample in a row so far: acts after 2");
            // the next second is clean: nothing happened
            w.bytes.addAndGet(30_000);
            w.segments.addAndGet(160);
            assertThat(rig.stepAfter(Duration.ofSeconds(1)).summary()).startsWith("quiet: ");
            // lossy seconds in a row: the path's, once they are three (the loss came and went once before)
            for (int i = 1; i <= 2; i++) {
                w.bytes.addAndGet(30_000);
                w.segments.addAndGet(160);
                w.retransmits.addAndGet(4);
                assertThat(rig.stepAfter(Duration.ofSeconds(1)).summary()).startsWith("once: ")
                        .contains(i + " sample" + (i == 1 ? "" : "s") + " in a row so far: acts after 3");
            }
            w.bytes.addAndGet(30_000);
            w.segments.addAndGet(160);
            w.retransmits.addAndGet(4);
            StepResult thrice = rig.stepAfter(Duration.ofSeconds(1));
            assertThat(thrice.kind()).as(thrice.summary()).isEqualTo(StepResult.Kind.APPLIED);
            assertThat(thrice.summary()).contains("held in 3 samples in a row, having come and gone 1 times before");
            assertThat(rig.host.realised.spec().qos().priority()).isEqualTo(2);
        }
    }

    @Test
    void lossFarBeyondChanceIsAnsweredAtOnce() {
        World w = new World();
        try (Rig rig = rig(w, "bulk")) {
            rig.step();
            // a bulk flow's second under 3% loss: 1,200 segments, 36 retransmitted
            w.bytes.addAndGet(1_800_000);
            w.segments.addAndGet(1200);
            w.retransmits.addAndGet(36);
            StepResult r = rig.stepAfter(Duration.ofSeconds(1));
            assertThat(r.kind()).as(r.summary()).isEqualTo(StepResult.Kind.APPLIED);
            assertThat(r.summary()).contains("loss 3% > 1% (36 of 1200 segments)");
            assertThat(rig.host.realised.spec().tcp().congestionControl()).isEqualTo(CongestionControl.BBR);
        }
    }
}
