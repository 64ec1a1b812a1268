package io.netpersona.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.CongestionControl;
import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.substrate.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loss rule tells a bulk class's own overshoot (drops in its own class queue, counted in packets that hold
 * several segments, retransmitted a round trip or a timeout later) from loss on the path.
 */
class LossRuleTest {
    @TempDir
    Path dir;

    final Persona persona = PersonaCodec.readYaml(Rig.ARENA.formatted("bulk", "apply"));
    final EngineSettings settings = EngineSettings.defaults();

    /** A queue of the class that dropped {@code drops} packets and holds packets of {@code meanBytes} on average. */
    static Signals.QueueSignal queue(long drops, long meanBytes) {
        return new Signals.QueueSignal("npl-host-a", "npl-a-up", "1:12", 200_000, 0, drops, meanBytes);
    }

    static Signals sockets(double lossPct, long retransmitted, Signals.QueueSignal q) {
        return new Signals(0, null, null, null, lossPct, 15.0, 0.3, List.of(), List.of(q), List.of(), retransmitted);
    }

    Trigger.Check check(Signals s) {
        return new Trigger.LossAbove(1.0).check(new Trigger.Context(s, persona.spec(), persona.spec()));
    }

    @Test
    void aDroppedGsoPacketCountsAsTheSegmentsItHeld() {
        // 20 drops of packets of two full segments (3028 B with their headers): 40 segments, all 40 retransmitted
        Trigger.Check gso = check(sockets(4.0, 40, queue(20, 3028)));
        assertThat(gso.fired()).isFalse();
        assertThat(gso.why()).contains("0% beyond the 40 segments its own class queues dropped (40 in this interval, 0 from"
                + " before, not yet resent)", "not loss on the path");
        // the same drops of single frames explain only 20 of the 40
        Trigger.Check frames = check(sockets(4.0, 40, queue(20, 1514)));
        assertThat(frames.fired()).isTrue();
        assertThat(frames.why()).contains("2% beyond the 20 segments");
        // beyond its drops while its queue drops: a timeout resends a whole window, so it waits for the next sample
        assertThat(frames.tentative()).isTrue();
        assertThat(frames.why()).endsWith("while its own queue drops");
        // the drops of the interval before only: this interval's retransmissions beyond them are the path's
        Trigger.Check later = check(sockets(4.0, 40, queue(0, 0)).withDropSegmentsBefore(20));
        assertThat(later.fired()).isTrue();
        assertThat(later.tentative()).isFalse();
        // an empty queue says nothing of its packets' size: one segment per drop
        assertThat(queue(20, 0).segmentsPerPacket()).isEqualTo(1);
        assertThat(queue(20, 1514).segmentsPerPacket()).isEqualTo(1);
        // packets of one and two segments on average: a drop counts as the larger, what an overshooting slow start sends
        assertThat(queue(20, 2238).segmentsPerPacket()).isEqualTo(2);
        assertThat(queue(20, 3028).segmentsPerPacket()).isEqualTo(2);
        assertThat(queue(20, 3 * 1514 + 100).segmentsPerPacket()).isEqualTo(4);
    }

    /** Measured in the lab: the load's class in its streams' slow start, before any loss on the path. */
    @Test
    void aSlowStartsOvershootAsMeasuredIsNotPathLoss() {
        Trigger.Check lab = check(sockets(5.28, 48, queue(24, 2238)));
        assertThat(lab.fired()).as(lab.why()).isFalse();
        assertThat(lab.why()).contains("0% beyond the 48 segments");
    }

    @Test
    void theDropsOfTheIntervalBeforeExplainItsLateRetransmissions() {
        Signals late = sockets(5.0, 30, queue(0, 0));
        assertThat(check(late).fired()).as("no drops known: the path's").isTrue();
        Trigger.Check explained = check(late.withDropSegmentsBefore(36));
        assertThat(explained.fired()).isFalse();
        assertThat(explained.why()).contains("0% beyond the 36 segments its own class queues dropped (0 in this interval, 36 from"
                + " before, not yet resent)");
        // a drop explains one retransmission only: what the interval's own retransmissions used is not carried on
        assertThat(sockets(4.0, 30, queue(20, 3028)).unexplainedDropSegments()).isEqualTo(10);
        assertThat(sockets(4.0, 30, queue(20, 3028)).withDropSegmentsBefore(25).unexplainedDropSegments()).isEqualTo(35);
        assertThat(sockets(4.0, 80, queue(20, 3028)).unexplainedDropSegments()).isZero();
        // path loss on top of a full class still shows: 100 retransmitted, 36 + 10 explained
        Trigger.Check both = check(sockets(5.0, 100, queue(5, 3028)).withDropSegmentsBefore(36));
        assertThat(both.fired()).isTrue();
        assertThat(both.why()).contains("2.7% beyond the 46 segments");
        // what the application itself reports as lost is its own view, whatever the queues did
        Signals reported = new Signals(0, new AppMeasure(null, null, null, 6.0, false), null, null, null, 4.0, 0.1, List.of(),
                List.of(queue(40, 3028)), List.of(), 0L).withDropSegmentsBefore(80);
        assertThat(check(reported).fired()).isTrue();
    }

    /**
     * Through the loop, on a fake host and clock: a bulk class's slow start overshoots its queue (drops in one
     * interval, the retransmissions in that one and the next), which leaves cubic alone; then the path loses 3%
     * of the segments with the queue quiet, which is answered with BBR.
     */
    @Test
    void anOvershootIsLeftAloneAndPathLossIsAnswered() {
        try (Rig rig = new Rig(dir, "bulk", "apply", settings)) {
            AtomicLong segments = new AtomicLong(), retransmits = new AtomicLong(), drops = new AtomicLong();
            AtomicLong backlog = new AtomicLong();
            rig.host.world = p -> {
                long now = rig.clock.millis();
                Metrics.TcpSocket socket = new Metrics.TcpSocket("10.201.1.10:873", "10.200.0.12:40000", "ESTAB",
                        p.spec().tcp().congestionControl().name().toLowerCase(java.util.Locale.ROOT), 45, 5, retransmits.get(),
                        9_000_000, 60, segments.get());
                long b = backlog.get();
                // 625 bytes a segment on the counters and the class's queue: 5 Mbit/s at 1000 segments a second, half the
                // class's ceiling, so the bandwidth rule stays out of it (a slow start overshoots whatever the class's average)
                return new Metrics(now, new Metrics.Counters(0, 0, segments.get() * 625, segments.get()), List.of(socket),
                        List.of(new Metrics.Queue("npl-host-a", "npl-a-up", "1:12", b, b / 3028, drops.get(), 0, segments.get() * 625)),
                        List.of());
            };
            assertThat(rig.step().kind()).as("first sample: no rates yet").isEqualTo(StepResult.Kind.NO_ACTION);
            // slow start's overshoot: 1000 segments sent, the queue full of 2-segment packets drops 30 of them
            segments.addAndGet(1000);
            backlog.set(66 * 3028);
            drops.addAndGet(30);
            retransmits.addAndGet(35);
            StepResult overshoot = rig.stepAfter(Duration.ofSeconds(1));
            assertThat(overshoot.kind()).isEqualTo(StepResult.Kind.NO_ACTION);
            assertThat(overshoot.summary()).contains("beyond the 60 segments its own class queues dropped");
            // the next second: the rest of the recovery (the 25 dropped segments the first second's 35 retransmissions
            // left), the queue drained and quiet
            segments.addAndGet(1000);
            backlog.set(0);
            retransmits.addAndGet(22);
            StepResult recovery = rig.stepAfter(Duration.ofSeconds(1));
            assertThat(recovery.kind()).as(recovery.summary()).isEqualTo(StepResult.Kind.NO_ACTION);
            assertThat(recovery.summary()).contains("loss 2.2% > 1%; 0% beyond the 25 segments its own class queues dropped (0 in this"
                    + " interval, 25 from before, not yet resent)");
            // a second with neither: quiet
            segments.addAndGet(1000);
            assertThat(rig.stepAfter(Duration.ofSeconds(1)).summary()).contains("loss-medium: loss 0% <= 1%");
            assertThat(rig.host.realised.spec().tcp().congestionControl()).isEqualTo(CongestionControl.CUBIC);
            // the path loses 3% with the queue quiet: the path's loss, answered with BBR
            segments.addAndGet(1000);
            retransmits.addAndGet(30);
            StepResult path = rig.stepAfter(Duration.ofSeconds(1));
            assertThat(path.kind()).as(path.summary()).isEqualTo(StepResult.Kind.APPLIED);
            assertThat(path.summary()).contains("loss-medium: loss 3% > 1%");
            assertThat(rig.host.realised.spec().tcp().congestionControl()).isEqualTo(CongestionControl.BBR);
        }
    }
}
