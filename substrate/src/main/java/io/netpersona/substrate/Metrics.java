package io.netpersona.substrate;

import java.util.List;

/**
 * What an application's traffic looks like now: its bytes and packets in each direction, its TCP sockets,
 * the queue of its QoS classes, and the counters of its devices. Fields a substrate cannot measure are empty.
 */
public record Metrics(
        long sampledAtMillis,
        Counters traffic,
        List<TcpSocket> sockets,
        List<Queue> queues,
        List<Device> devices) {
    public Metrics {
        sockets = List.copyOf(sockets);
        queues = List.copyOf(queues);
        devices = List.copyOf(devices);
    }

    public static Metrics none(long now) {
        return new Metrics(now, new Counters(0, 0, 0, 0), List.of(), List.of(), List.of());
    }

    /**
     * Bytes and packets the application sent (tx) and received (rx), and what its firewall refused
     * (dropped, both directions).
     */
    public record Counters(long rxBytes, long rxPackets, long txBytes, long txPackets, long droppedBytes,
            long droppedPackets) {
        public Counters(long rxBytes, long rxPackets, long txBytes, long txPackets) {
            this(rxBytes, rxPackets, txBytes, txPackets, 0, 0);
        }
    }

    /**
     * One TCP socket of the application. Times in milliseconds, rates in bits per second. {@code retransmits}
     * and {@code dataSegmentsOut} count over the socket's life (0 when unknown); their ratio is the loss the
     * socket met, counted in segments, which device and firewall counters cannot give where segmentation
     * offload sends many segments as one packet. {@code dsackDups} counts the retransmitted segments the peer
     * reported it had received already (D-SACK: they were not lost), {@code timeouts} the retransmission timeouts
     * that fired; both over the socket's life, 0 when unknown.
     */
    public record TcpSocket(String local, String peer, String state, String congestionControl, double rttMs,
            double rttVarMs, long retransmits, long deliveryRateBps, long cwnd, long dataSegmentsOut, long dsackDups,
            long timeouts) {
        public TcpSocket(String local, String peer, String state, String congestionControl, double rttMs, double rttVarMs,
                long retransmits, long deliveryRateBps, long cwnd, long dataSegmentsOut) {
            this(local, peer, state, congestionControl, rttMs, rttVarMs, retransmits, deliveryRateBps, cwnd, dataSegmentsOut,
                    0, 0);
        }

        public TcpSocket(String local, String peer, String state, String congestionControl, double rttMs, double rttVarMs,
                long retransmits, long deliveryRateBps, long cwnd) {
            this(local, peer, state, congestionControl, rttMs, rttVarMs, retransmits, deliveryRateBps, cwnd, 0);
        }
    }

    /**
     * One queue (a QoS class's leaf qdisc) on a device; {@code sentBytes} and {@code sentPackets} count over its life
     * (0 when unknown), so their growth says what size its packets were while its backlog was empty.
     */
    public record Queue(String scope, String device, String handle, long backlogBytes, long backlogPackets, long drops,
            long overlimits, long sentBytes, long sentPackets) {
        public Queue(String scope, String device, String handle, long backlogBytes, long backlogPackets, long drops,
                long overlimits, long sentBytes) {
            this(scope, device, handle, backlogBytes, backlogPackets, drops, overlimits, sentBytes, 0);
        }
    }

    /** A device's counters. */
    public record Device(String scope, String name, long rxBytes, long rxPackets, long rxDropped, long txBytes,
            long txPackets, long txDropped) {}
}
