package io.netpersona.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.Persona;
import io.netpersona.model.Rate;
import io.netpersona.substrate.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retransmissions the engine's own configuration caused, or that repaired nothing, are not loss on the path: resends
 * the peer reports it received twice (D-SACK), the window a timeout resends while the class's own queue drops, and the
 * late repairs of what a reverted harmful ceiling dropped.
 */
class ResendTest {
    @TempDir
    Path dir;

    /**
     * A class with a 10 Mbit/s ceiling sending 1000 segments a second of 625 bytes (5 Mbit/s on its queue, half its
     * ceiling: the bandwidth rule stays out), with its sockets' retransmission counters and its queue's drops, the
     * queue empty at each sample (its packets single frames, as the video's were).
     */
    static final class World {
        final AtomicLong segments = new AtomicLong(), retransmits = new AtomicLong(), duplicates = new AtomicLong(),
                timeouts = new AtomicLong(), drops = new AtomicLong();

        Metrics at(long now, String cc) {
            Metrics.TcpSocket socket = new Metrics.TcpSocket("10.201.1.10:8443", "10.200.0.12:40000", "ESTAB", cc, 45, 5,
                    retransmits.get(), 5_000_000, 40, segments.get(), duplicates.get(), timeouts.get());
            long bytes = segments.get() * 625;
            return new Metrics(now, new Metrics.Counters(0, 0, bytes, segments.get()), List.of(socket),
                    List.of(new Metrics.Queue("npl-host-a", "npl-a-up", "1:12", 0, 0, drops.get(), 0, bytes, segments.get())),
                    List.of());
        }

        /** An interval of {@code seconds}: the segments sent, the queue's drops, and the sockets' resends. */
        void interval(long seconds, long dropped, long resent, long twice, long timedOut) {
            segments.addAndGet(1000 * seconds);
            drops.addAndGet(dropped);
            retransmits.addAndGet(resent);
            duplicates.addAndGet(twice);
            timeouts.addAndGet(timedOut);
        }
    }

    Rig rig(World w, String trafficClass) {
        Rig rig = new Rig(dir, trafficClass, "apply", EngineSettings.defaults().withInterval(Duration.ofSeconds(1)));
        rig.host.world = p -> w.at(rig.clock.millis(), p.spec().tcp().congestionControl().name().toLowerCase(java.util.Locale.ROOT));
        return rig;
    }

    /**
     * The lab's video class during the congestion fault: 26 drops a second far below its ceiling, and twice as many
     * segments retransmitted in two seconds in a row. When the peer reports half of them as received twice, those
     * resends repaired nothing, and the rest are the class's own drops: no priority step. Loss on the path afterwards
     * is still answered.
     */
    @Test
    void resendsThePeerReceivedTwiceAreNotLoss() {
        World w = new World();
        try (Rig rig = rig(w, "streaming")) {
            rig.step();
            for (int i = 0; i < 2; i++) {
                w.interval(1, 26, 52, 26, 0);
                StepResult r = rig.stepAfter(Duration.ofSeconds(1));
                assertThat(r.kind()).as(r.summary()).isEqualTo(StepResult.Kind.NO_ACTION);
                assertThat(r.summary()).contains("loss-medium: loss 5.2% > 1%; 2.6% without the 26 segments the peers received"
                        + " twice (needless resends); 0% beyond the 26 segments its own class queues dropped");
            }
            assertThat(rig.host.applies()).isZero();
            w.interval(1, 0, 30, 0, 0);
            StepResult path = rig.stepAfter(Duration.ofSeconds(1));
            assertThat(path.kind()).as(path.summary()).isEqualTo(StepResult.Kind.APPLIED);
            assertThat(path.summary()).contains("loss-medium: loss 3% > 1%");
        }
    }

    /**
     * The same class, with the peer reporting nothing twice but its sockets timing out: a timeout resends the window,
     * so the count beyond its own drops is no measure of the path, in two seconds in a row too. Without a timeout the
     * same count beyond its drops still acts (after a second sample, as the class drops).
     */
    @Test
    void aTimeoutsResentWindowWhileTheClassDropsIsNotPathLoss() {
        World w = new World();
        try (Rig rig = rig(w, "streaming")) {
            rig.step();
            for (int i = 0; i < 2; i++) {
                w.interval(1, 26, 52, 0, 1);
                StepResult r = rig.stepAfter(Duration.ofSeconds(1));
                assertThat(r.kind()).as(r.summary()).isEqualTo(StepResult.Kind.NO_ACTION);
                assertThat(r.summary()).contains("2.6% beyond the 26 segments its own class queues dropped",
                        "its sockets timed out 1 time while its own queue dropped");
            }
            assertThat(rig.host.applies()).isZero();
            w.interval(1, 26, 52, 0, 0);
            assertThat(rig.stepAfter(Duration.ofSeconds(1)).kind()).isEqualTo(StepResult.Kind.NO_ACTION);
            w.interval(1, 26, 52, 0, 0);
            StepResult fast = rig.stepAfter(Duration.ofSeconds(1));
            assertThat(fast.kind()).as(fast.summary()).isEqualTo(StepResult.Kind.APPLIED);
            assertThat(fast.summary()).contains("held in the sample before too");
        }
    }

    /**
     * A harmful ceiling forced onto a bulk class: it drops heavily at first, its sockets repair the drops late (a
     * resend dropped again waits for a doubled timeout), and the change is reverted. The repairs that come after the
     * revert, with its queue quiet, are the engine's own doing: no loss step. A verify window after the last drop
     * they are no longer carried, and loss on the path is answered.
     */
    @Test
    void theLateRepairsOfARevertedCeilingsDropsAreNotPathLoss() {
        World w = new World();
        try (Rig rig = rig(w, "bulk")) {
            rig.measure = p -> AppMeasure.throughput(Math.min(5, p.spec().qos().ceilRate().mbitPerSecond()));
            rig.step();
            w.interval(1, 0, 0, 0, 0);
            rig.stepAfter(Duration.ofSeconds(1));
            rig.clock.advance(Duration.ofSeconds(1));
            w.interval(1, 0, 0, 0, 0);
            Persona throttled = rig.persona.withSpec(rig.persona.spec().withQos(
                    rig.persona.spec().qos().withRates(Rate.mbit(1), Rate.mbit(2))));
            assertThat(rig.engine.force("arena", throttled, "a ceiling of 2 Mbit/s").kind()).isEqualTo(StepResult.Kind.APPLIED);
            // the verify window (9 s, samples every 3 s): 400 drops at once, then 50 in each sample, resent late
            w.interval(3, 400, 50, 0, 2);
            rig.stepAfter(Duration.ofSeconds(3));
            w.interval(3, 50, 100, 0, 3);
            rig.stepAfter(Duration.ofSeconds(3));
            w.interval(3, 50, 100, 0, 3);
            assertThat(rig.stepAfter(Duration.ofSeconds(3)).kind()).isEqualTo(StepResult.Kind.REVERTED);
            assertThat(rig.host.realised).isEqualTo(rig.persona);
            // after the revert: 250 drops not yet resent; 150 resends a second later, 60 the next, the queue quiet
            w.interval(1, 0, 150, 0, 1);
            StepResult late = rig.stepAfter(Duration.ofSeconds(1));
            assertThat(late.kind()).as(late.summary()).isEqualTo(StepResult.Kind.NO_ACTION);
            assertThat(late.summary()).contains("loss 15% > 1%; 0% beyond the 250 segments its own class queues dropped (0 in this"
                    + " interval, 250 from before, not yet resent)");
            w.interval(1, 0, 60, 0, 1);
            StepResult later = rig.stepAfter(Duration.ofSeconds(1));
            assertThat(later.kind()).as(later.summary()).isEqualTo(StepResult.Kind.NO_ACTION);
            assertThat(later.summary()).contains("0% beyond the 100 segments");
            // quiet until a verify window after the last drop (the revert's sample): the 40 left are no longer carried
            for (int i = 0; i < 7; i++) {
                w.interval(1, 0, 0, 0, 0);
                rig.stepAfter(Duration.ofSeconds(1));
            }
            w.interval(1, 0, 30, 0, 0);
            StepResult path = rig.stepAfter(Duration.ofSeconds(1));
            assertThat(path.kind()).as(path.summary()).isEqualTo(StepResult.Kind.APPLIED);
            assertThat(path.summary()).contains("loss-medium: loss 3% > 1%");
            assertThat(rig.host.applies()).as("the forced ceiling and BBR for the loss").isEqualTo(2);
        }
    }
}
