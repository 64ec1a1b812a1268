package io.netpersona.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.netpersona.substrate.Metrics;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rates and loss from two samples of the substrate's counters and sockets. */
class SignalsTest {
    static Metrics.TcpSocket socket(long retransmits) {
        return new Metrics.TcpSocket("10.0.0.1:40000", "10.0.0.2:5201", "ESTAB", "cubic", 1.5, 0.3, retransmits, 0, 10);
    }

    static Metrics.Device eth0(long txBytes, long txPackets) {
        return new Metrics.Device("app", "eth0", 0, 0, 0, txBytes, txPackets, 0);
    }

    @Test
    void withoutFirewallCountersTheDevicesCountTheTraffic() {
        Metrics before = new Metrics(1_000, new Metrics.Counters(0, 0, 0, 0), List.of(socket(10)), List.of(),
                List.of(eth0(0, 0)));
        Metrics after = new Metrics(3_000, new Metrics.Counters(0, 0, 0, 0), List.of(socket(40)), List.of(),
                List.of(eth0(5_000_000, 1_000)));
        Signals s = Signals.of(before, after, null, 3_000);
        assertThat(s.txMbps()).isCloseTo(20.0, within(0.001)); // 5 MB in 2 s
        assertThat(s.lossPct()).as("30 retransmissions in 1000 packets").isCloseTo(3.0, within(0.001));
        assertThat(s.throughputMbps()).isCloseTo(20.0, within(0.001));
    }

    @Test
    void firewallCountersWinOverDevicesAndTheFirstSampleHasNoRates() {
        Metrics before = new Metrics(1_000, new Metrics.Counters(0, 10, 0, 10), List.of(socket(0)), List.of(),
                List.of(eth0(0, 0)));
        Metrics after = new Metrics(2_000, new Metrics.Counters(0, 10, 1_000_000, 210), List.of(socket(2)), List.of(),
                List.of(eth0(9_000_000, 9_000)));
        Signals s = Signals.of(before, after, null, 2_000);
        assertThat(s.txMbps()).isCloseTo(8.0, within(0.001));
        assertThat(s.lossPct()).isCloseTo(1.0, within(0.001));
        Signals first = Signals.of(null, after, null, 2_000);
        assertThat(first.txMbps()).isNull();
        assertThat(first.lossPct()).isNull();
        assertThat(first.latencyP99Ms()).as("the worst socket RTT").isEqualTo(1.5);
    }

    @Test
    void lossIsCountedInTheSocketsSegmentsWhenTheSubstrateCountsThem() {
        // offload: 1000 device packets carried 20000 segments, so 400 retransmissions are 2%, not 40%
        Metrics.TcpSocket old = new Metrics.TcpSocket("10.0.0.1:40000", "10.0.0.2:5201", "ESTAB", "cubic", 1.5, 0.3, 100, 0,
                10, 10_000);
        Metrics.TcpSocket oldLater = new Metrics.TcpSocket("10.0.0.1:40000", "10.0.0.2:5201", "ESTAB", "cubic", 1.5, 0.3,
                400, 0, 10, 25_000);
        Metrics.TcpSocket fresh = new Metrics.TcpSocket("10.0.0.1:40002", "10.0.0.2:5201", "ESTAB", "bbr", 1.5, 0.3, 100, 0,
                10, 5_000);
        Metrics before = new Metrics(1_000, new Metrics.Counters(0, 0, 0, 0), List.of(old), List.of(), List.of(eth0(0, 0)));
        Metrics after = new Metrics(2_000, new Metrics.Counters(0, 0, 0, 0), List.of(oldLater, fresh), List.of(),
                List.of(eth0(30_000_000, 1_000)));
        Signals s = Signals.of(before, after, null, 2_000);
        assertThat(s.lossPct()).isCloseTo(2.0, within(0.001));
        assertThat(s.segments()).isEqualTo(20_000);
        assertThat(s.retransmitted()).isEqualTo(400);
    }

    @Test
    void aQueueSaysWhatItsClassSentAndHowOftenItWaitedForItsCeiling() {
        Metrics.Queue q0 = new Metrics.Queue("host", "up", "1:12", 0, 0, 3, 40, 1_000_000);
        Metrics.Queue q1 = new Metrics.Queue("host", "up", "1:12", 3028, 1, 5, 190, 3_500_000);
        Metrics before = new Metrics(1_000, new Metrics.Counters(0, 0, 0, 0), List.of(), List.of(q0), List.of());
        Metrics after = new Metrics(3_000, new Metrics.Counters(0, 0, 0, 0), List.of(), List.of(q1), List.of());
        Signals.QueueSignal q = Signals.of(before, after, null, 3_000).queues().getFirst();
        assertThat(q.rateMbps()).as("2.5 MB in 2 s").isCloseTo(10.0, within(0.001));
        assertThat(q.overlimits()).isEqualTo(150);
        assertThat(q.drops()).isEqualTo(2);
        assertThat(q.growthBytes()).isEqualTo(3028);
        Signals.QueueSignal first = Signals.of(null, after, null, 3_000).queues().getFirst();
        assertThat(first.rateMbps()).as("no interval yet").isNull();
        assertThat(first.overlimits()).isZero();
        // a class made anew counts from zero
        Metrics remade = new Metrics(4_000, new Metrics.Counters(0, 0, 0, 0), List.of(),
                List.of(new Metrics.Queue("host", "up", "1:12", 0, 0, 0, 7, 250_000)), List.of());
        Signals.QueueSignal fresh = Signals.of(after, remade, null, 4_000).queues().getFirst();
        assertThat(fresh.rateMbps()).isCloseTo(2.0, within(0.001));
        assertThat(fresh.overlimits()).isEqualTo(7);
    }

    @Test
    void anEmptyQueuesDropsAreThePacketsItSends() {
        // nothing queued at the sample, 24 drops in the interval: its packets were what it sent, 2-segment GSO packets
        Metrics.Queue q0 = new Metrics.Queue("host", "up", "1:12", 0, 0, 10, 0, 1_000_000, 500);
        Metrics.Queue q1 = new Metrics.Queue("host", "up", "1:12", 0, 0, 34, 0, 1_000_000 + 600 * 3028L, 500 + 600);
        Metrics before = new Metrics(1_000, new Metrics.Counters(0, 0, 0, 0), List.of(), List.of(q0), List.of());
        Metrics after = new Metrics(2_000, new Metrics.Counters(0, 0, 0, 0), List.of(), List.of(q1), List.of());
        Signals s = Signals.of(before, after, null, 2_000);
        assertThat(s.queues().getFirst().meanPacketBytes()).isEqualTo(3028);
        assertThat(s.ownDropSegments()).isEqualTo(48);
        // what it holds wins over what it sent: the packets a full queue drops are the ones arriving
        Metrics.Queue held = new Metrics.Queue("host", "up", "1:12", 4542, 3, 34, 0, 1_000_000 + 600 * 3028L, 500 + 600);
        Metrics withBacklog = new Metrics(2_000, new Metrics.Counters(0, 0, 0, 0), List.of(), List.of(held), List.of());
        assertThat(Signals.of(before, withBacklog, null, 2_000).queues().getFirst().meanPacketBytes()).isEqualTo(1514);
        // a substrate that counts no packets: unknown, one segment a drop
        Metrics.Queue uncounted = new Metrics.Queue("host", "up", "1:12", 0, 0, 34, 0, 2_000_000);
        Metrics plain = new Metrics(2_000, new Metrics.Counters(0, 0, 0, 0), List.of(), List.of(uncounted), List.of());
        assertThat(Signals.of(before, plain, null, 2_000).ownDropSegments()).isEqualTo(24);
    }

    @Test
    void theResendsThePeersReceivedTwiceAndTheTimeoutsSinceTheLastSample() {
        Metrics.TcpSocket a0 = new Metrics.TcpSocket("10.0.0.1:40000", "10.0.0.2:5201", "ESTAB", "cubic", 1.5, 0.3, 10, 0, 10, 100, 4, 1);
        Metrics.TcpSocket a1 = new Metrics.TcpSocket("10.0.0.1:40000", "10.0.0.2:5201", "ESTAB", "cubic", 1.5, 0.3, 60, 0, 10, 1100, 24, 3);
        // a socket new since the last sample counts from zero
        Metrics.TcpSocket b1 = new Metrics.TcpSocket("10.0.0.1:40001", "10.0.0.2:5201", "ESTAB", "cubic", 1.5, 0.3, 5, 0, 10, 100, 5, 1);
        Metrics before = new Metrics(1_000, new Metrics.Counters(0, 0, 0, 0), List.of(a0), List.of(), List.of());
        Metrics after = new Metrics(2_000, new Metrics.Counters(0, 0, 0, 0), List.of(a1, b1), List.of(), List.of());
        Signals s = Signals.of(before, after, null, 2_000);
        assertThat(s.retransmitted()).isEqualTo(55);
        assertThat(s.recovery()).isEqualTo(new Signals.Recovery(25, 3));
        assertThat(s.possiblyLost()).isEqualTo(30);
        assertThat(Signals.of(null, after, null, 2_000).recovery()).isEqualTo(Signals.Recovery.NONE);
    }
}
