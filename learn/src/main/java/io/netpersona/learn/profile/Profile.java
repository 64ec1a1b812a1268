package io.netpersona.learn.profile;

import io.netpersona.model.Protocol;
import io.netpersona.model.TopologyKind;
import io.netpersona.model.TrafficClass;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * What an application's traffic showed: who it is in the capture, what it serves, whom it depends on, how much
 * it sends per second, the shape of the traffic around it and its traffic class. Every choice carries the
 * reason it was made, for the persona's evidence.
 *
 * @param captures the captures' names
 * @param firstNanos the first packet of the captures (all of them, not only the application's)
 * @param lastNanos the last packet
 * @param addresses the application's addresses
 * @param selectionReason how the application was found
 * @param packets its packets (served and opened flows, both directions)
 * @param bytes its bytes
 * @param flows its flows
 * @param served the endpoints it serves, busiest first
 * @param dependencies the peers it opened connections to, busiest first
 * @param matrix bytes between pairs of addresses in the captures, busiest first
 * @param topology the shape that fits the matrix
 * @param rates per-second rates of the application's busiest address
 * @param rateAddress that address
 * @param trafficClass the application's class
 * @param peakNewConnectionsPerSecond the most flows its clients opened in one second (all served endpoints)
 * @param mostConnectionsPerSource the most flows one client had open at once
 * @param clients distinct client addresses (at most what the conversation table held)
 */
public record Profile(List<String> captures, long firstNanos, long lastNanos, List<InetAddress> addresses,
        String selectionReason, long packets, long bytes, long flows, List<Served> served, List<Peer> dependencies,
        List<MatrixEntry> matrix, TopologyFit topology, RateMeter.Rates rates, InetAddress rateAddress,
        ClassFit trafficClass, int peakNewConnectionsPerSecond, int mostConnectionsPerSource, int clients) {

    public Profile {
        captures = List.copyOf(captures);
        addresses = List.copyOf(addresses);
        served = List.copyOf(served);
        dependencies = List.copyOf(dependencies);
        matrix = List.copyOf(matrix);
    }

    public long durationNanos() {
        return Math.max(0, lastNanos - firstNanos);
    }

    /**
     * One endpoint the application serves.
     *
     * @param bytesIn what its clients sent
     * @param bytesOut what it sent back
     */
    public record Served(Protocol protocol, int port, long flows, int clients, long packets, long bytesIn,
            long bytesOut, ClassFit trafficClass) {
    }

    /**
     * A peer the application opened connections to.
     *
     * @param port 0 for protocols without ports
     * @param name the server's name as the traffic gave it (TLS SNI, HTTP Host, DNS), or empty
     * @param bytesOut what the application sent it
     * @param bytesIn what it sent back
     * @param connectionsPerMinute flows per minute of the capture
     * @param rttP50Nanos the median round trip (TCP handshake or timestamps; else request to first answer), -1 unknown
     * @param inUse the share of the capture during which a flow to it was open (0..1)
     * @param slicesActive in how many tenths of the capture it was contacted
     * @param shareOfBytes its share of the application's bytes (0..1)
     * @param critical whether the application is taken to fail without it
     * @param reasons why it is critical, or why not
     */
    public record Peer(Protocol protocol, InetAddress address, int port, String name, long flows, long packets,
            long bytesOut, long bytesIn, double connectionsPerMinute, long rttP50Nanos, double inUse, int slicesActive,
            double shareOfBytes, boolean critical, List<String> reasons) {
        public Peer {
            reasons = List.copyOf(reasons);
        }

        public boolean isDns() {
            return port == 53 && (protocol == Protocol.UDP || protocol == Protocol.TCP);
        }
    }

    /** Bytes between two addresses, each way. */
    public record MatrixEntry(InetAddress a, InetAddress b, long bytesAtoB, long bytesBtoA) {
        public long bytes() {
            return bytesAtoB + bytesBtoA;
        }
    }

    /**
     * The shape of the traffic.
     *
     * @param hub the star's centre or the tree's root (null for a mesh)
     * @param fanout a tree's largest number of children (0 otherwise)
     */
    public record TopologyFit(TopologyKind kind, InetAddress hub, int fanout, String reason) {
    }

    /**
     * A traffic class chosen by weighted votes of flows.
     *
     * @param trafficClass the winner, null when no flow's class was known
     * @param confidence the winner's share of all the votes' weight (0..1)
     * @param shares every class's share of the weight
     */
    public record ClassFit(TrafficClass trafficClass, double confidence, Map<TrafficClass, Double> shares, String reason) {
        public ClassFit {
            shares = Map.copyOf(shares);
        }
    }
}
