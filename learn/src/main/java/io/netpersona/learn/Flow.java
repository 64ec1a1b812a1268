package io.netpersona.learn;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * One bidirectional flow: the packets of one transport conversation (protocol, two addresses, two ports,
 * VLAN) in both directions. {@code src} is the side that sent the flow's first packet in the capture, so
 * a capture that starts in the middle of a conversation may make the server the source.
 *
 * <p>Ports are 0 for protocols without them (ICMP, ICMPv6, ESP, ...), and later IP fragments (which carry
 * no transport header) form flows of their own with ports 0.
 *
 * <p>When the meter was asked for them ({@link FlowMeter.Options#arp()}), ARP messages for IPv4 form flows
 * too: protocol {@link Packet#ARP}, from the sender's protocol address to the target's, ports 0.
 *
 * @param capture the capture's file name (or whatever name the {@link FlowMeter} was given)
 * @param ipVersion 4 or 6 (4 for ARP)
 * @param protocol the IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...), or {@link Packet#ARP}
 * @param vlan the innermost VLAN id, -1 when untagged
 * @param tunnelled whether the flow was found inside a tunnel (IP in IP, GTP-U, VXLAN, TZSP, CAPWAP)
 * @param firstNanos the first packet's timestamp, nanoseconds since the epoch
 * @param lastNanos the last packet's timestamp
 * @param forward what {@code src} sent
 * @param backward what {@code dst} sent
 * @param handshake the TCP three-way handshake's timing, {@link Handshake#NONE} when it was not seen whole
 * @param names names for the flow's server
 * @param firstPackets the first packets of the flow in order (at most {@link FlowMeter.Options#firstPackets()})
 * @param end why the flow was reported
 * @param heads the first bytes of the first payload each side sent (what a protocol's header looks like)
 */
public record Flow(String capture, int ipVersion, int protocol, InetAddress srcAddress, int srcPort,
        InetAddress dstAddress, int dstPort, int vlan, boolean tunnelled, long firstNanos, long lastNanos,
        Side forward, Side backward, Handshake handshake, Names names, List<FirstPacket> firstPackets, End end,
        Heads heads) {

    public Flow {
        firstPackets = List.copyOf(firstPackets);
        java.util.Objects.requireNonNull(heads, "heads");
    }

    /** A flow without payload heads (built by hand, or by a meter that did not keep them). */
    public Flow(String capture, int ipVersion, int protocol, InetAddress srcAddress, int srcPort,
            InetAddress dstAddress, int dstPort, int vlan, boolean tunnelled, long firstNanos, long lastNanos,
            Side forward, Side backward, Handshake handshake, Names names, List<FirstPacket> firstPackets, End end) {
        this(capture, ipVersion, protocol, srcAddress, srcPort, dstAddress, dstPort, vlan, tunnelled, firstNanos,
                lastNanos, forward, backward, handshake, names, firstPackets, end, Heads.NONE);
    }

    public long packets() {
        return forward.packets() + backward.packets();
    }

    public long bytes() {
        return forward.bytes() + backward.bytes();
    }

    public long durationNanos() {
        return lastNanos - firstNanos;
    }

    /** Whether both sides sent something. */
    public boolean bidirectional() {
        return forward.packets() > 0 && backward.packets() > 0;
    }

    /** TCP, UDP, ICMP, ICMPv6, SCTP, ARP, or the protocol number. */
    public String protocolName() {
        return Protocols.name(protocol);
    }

    /**
     * The round trip between the two ends: the sum of both sides' mean timestamp-echo RTT when both were
     * measured, else the handshake's, else -1.
     */
    public long rttNanos() {
        if (forward.echoRtt().measured() && backward.echoRtt().measured()) {
            return forward.echoRtt().meanNanos() + backward.echoRtt().meanNanos();
        }
        return handshake.measured() ? handshake.rttNanos() : -1;
    }

    /**
     * What one side of a flow sent.
     *
     * @param packets frames
     * @param bytes whole frames as captured, link header included (what nDPI counts)
     * @param payloadBytes transport payload as captured
     * @param sizes frame sizes (captured bytes, link header included)
     * @param gaps time between this side's consecutive packets
     * @param retransmissions TCP segments whose sequence range had been sent before (whole or in part,
     *     keep-alives included)
     * @param tcpFlags every TCP flag this side set (bits as in {@link Packet#SYN} etc.)
     * @param echoRtt from this side's packets to the other side's echo of their TCP timestamp, as seen at
     *     the capture point: the round trip from the capture point to the other side and back
     */
    public record Side(long packets, long bytes, long payloadBytes, Distribution sizes, Distribution gaps,
            long retransmissions, int tcpFlags, Rtt echoRtt) {
    }

    /**
     * The TCP handshake as seen at the capture point, in nanoseconds: SYN to SYN/ACK (the round trip to the
     * server) and SYN/ACK to ACK (the round trip to the client); -1 when not seen.
     */
    public record Handshake(long synToSynAckNanos, long synAckToAckNanos) {
        public static final Handshake NONE = new Handshake(-1, -1);

        public boolean measured() {
            return synToSynAckNanos >= 0 && synAckToAckNanos >= 0;
        }

        /** The whole round trip between client and server, or -1. */
        public long rttNanos() {
            return measured() ? synToSynAckNanos + synAckToAckNanos : -1;
        }
    }

    /**
     * Names of the server (each empty when not seen).
     *
     * @param tlsServerName the SNI of the client's TLS ClientHello
     * @param httpHost the Host header of the client's first HTTP request
     * @param dnsName the name an earlier DNS answer in the capture resolved to the server's address (the
     *     name the client asked for, at the head of any CNAME chain)
     * @param dnsQuery for DNS flows, the name asked about
     */
    public record Names(String tlsServerName, String httpHost, String dnsName, String dnsQuery) {
        public static final Names NONE = new Names("", "", "", "");

        /** The best name for the server: SNI, else HTTP Host, else the DNS name; empty when none. */
        public String serverName() {
            return !tlsServerName.isEmpty() ? tlsServerName : !httpHost.isEmpty() ? httpHost : dnsName;
        }
    }

    /**
     * One of a flow's first packets.
     *
     * @param forward sent by {@code src}
     * @param bytes the frame's captured length
     * @param payloadBytes its transport payload
     * @param offsetNanos time since the flow's first packet
     */
    public record FirstPacket(boolean forward, int bytes, int payloadBytes, long offsetNanos) {
    }

    /**
     * The first bytes of the first payload (as captured, fragments left out) that each side sent: at most
     * {@link #BYTES} each, empty when the side sent no payload. Copied once per side and flow, so they cost
     * nothing per packet; a classifier reads protocol headers from them (TLS, QUIC, STUN, RTP, DNS, ...).
     */
    public static final class Heads {
        public static final int BYTES = 24;
        public static final Heads NONE = new Heads(new byte[0], new byte[0]);
        private final byte[] forward, backward;

        public Heads(byte[] forward, byte[] backward) {
            if (forward.length > BYTES || backward.length > BYTES) {
                throw new IllegalArgumentException("heads: " + forward.length + " and " + backward.length
                        + " bytes (expected: at most " + BYTES + " each)");
            }
            this.forward = forward.clone();
            this.backward = backward.clone();
        }

        /** How many bytes of the side's first payload are kept (0 when it sent none). */
        public int length(boolean forwardSide) {
            return (forwardSide ? forward : backward).length;
        }

        /** Byte {@code i} (0..255) of the side's first payload, -1 past what was kept. */
        public int at(boolean forwardSide, int i) {
            byte[] h = forwardSide ? forward : backward;
            return i >= 0 && i < h.length ? h[i] & 0xff : -1;
        }

        public byte[] forward() {
            return forward.clone();
        }

        public byte[] backward() {
            return backward.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Heads h && Arrays.equals(forward, h.forward) && Arrays.equals(backward, h.backward);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(forward) + Arrays.hashCode(backward);
        }

        @Override
        public String toString() {
            return "Heads[" + HexFormat.of().formatHex(forward) + ", " + HexFormat.of().formatHex(backward) + "]";
        }
    }

    /** Why a flow was reported. */
    public enum End {
        /** The capture ended. */
        CAPTURE_END,
        /** No packet for longer than the idle timeout (a shorter one after FIN from both sides or RST). */
        IDLE,
        /** The flow table was full and this flow had been quiet longest. */
        EVICTED,
        /** TCP had closed, and a new connection began with the same addresses and ports. */
        NEW_CONNECTION
    }
}
