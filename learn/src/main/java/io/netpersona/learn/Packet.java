package io.netpersona.learn;

import java.nio.ByteBuffer;

/**
 * A decoded packet, as a reusable view: {@link PacketDecoder#decode} overwrites every field, so nothing may
 * be kept beyond the frame it came from. Addresses are two longs each (IPv4 as an IPv4-mapped IPv6
 * address, {@code ::ffff:a.b.c.d}), so both versions go through one code path without allocating.
 */
public final class Packet {
    /** TCP flag bits as they are in the header (NS in bit 8). */
    public static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20, ECE = 0x40,
            CWR = 0x80, NS = 0x100;
    public static final int TCP = 6, UDP = 17, ICMP = 1, ICMPV6 = 58, SCTP = 132;
    /**
     * The protocol of an ARP frame's flow: ARP's EtherType (0x0806), which lies outside the IP protocol numbers
     * (0..255) and so is never taken for one.
     */
    public static final int ARP = 0x0806;

    ByteBuffer buffer;
    long timestampNanos;
    int capturedLength;
    int originalLength;
    int vlan;
    int ipVersion;
    long srcHi, srcLo, dstHi, dstLo;
    int protocol;
    int srcPort, dstPort;
    boolean fragment;
    boolean tunnelled;
    /** The IP packet is longer than what the capture kept of it. */
    boolean cut;
    int tcpFlags;
    int seq, ack;
    boolean hasTcpTimestamps;
    int tsVal, tsEcr;
    int payloadOffset;
    int payloadLength;
    /** Where the IP header says its payload ends (may lie past the captured bytes). */
    int ipEnd;
    /** TCP payload by the IP header's length, captured or not. */
    int segmentLength;
    int icmpType, icmpCode;

    void reset(Frame f) {
        buffer = f.buffer;
        timestampNanos = f.timestampNanos;
        capturedLength = f.capturedLength;
        originalLength = f.originalLength;
        vlan = -1;
        ipVersion = 0;
        srcHi = srcLo = dstHi = dstLo = 0;
        protocol = -1;
        srcPort = dstPort = 0;
        fragment = false;
        tunnelled = false;
        cut = false;
        tcpFlags = 0;
        seq = ack = 0;
        hasTcpTimestamps = false;
        tsVal = tsEcr = 0;
        payloadOffset = 0;
        payloadLength = 0;
        ipEnd = 0;
        segmentLength = 0;
        icmpType = icmpCode = -1;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    public long timestampNanos() {
        return timestampNanos;
    }

    /** Bytes of the frame in the capture, link header included. */
    public int capturedLength() {
        return capturedLength;
    }

    /** The frame's length on the wire, link header included. */
    public int originalLength() {
        return originalLength;
    }

    /** The innermost 802.1Q/802.1ad VLAN id, or -1 without a tag. */
    public int vlan() {
        return vlan;
    }

    /** 4 or 6 (of the innermost IP header, after tunnels; 4 for ARP's IPv4 addresses), 0 when not IP. */
    public int ipVersion() {
        return ipVersion;
    }

    public long srcHi() {
        return srcHi;
    }

    public long srcLo() {
        return srcLo;
    }

    public long dstHi() {
        return dstHi;
    }

    public long dstLo() {
        return dstLo;
    }

    /** The IP protocol number of the transport (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...), or {@link #ARP}. */
    public int protocol() {
        return protocol;
    }

    /** Source port for TCP, UDP and SCTP; 0 otherwise and in later fragments. */
    public int srcPort() {
        return srcPort;
    }

    public int dstPort() {
        return dstPort;
    }

    /** A later fragment: no transport header. */
    public boolean fragment() {
        return fragment;
    }

    /** Whether the IP packet is longer than the bytes the capture kept of it (a short snapshot length). */
    public boolean cut() {
        return cut;
    }

    /** Whether the addresses are of an inner packet (IP in IP, GTP-U, VXLAN, TZSP). */
    public boolean tunnelled() {
        return tunnelled;
    }

    public int tcpFlags() {
        return tcpFlags;
    }

    /** TCP sequence number (unsigned, in an int). */
    public int seq() {
        return seq;
    }

    public int ack() {
        return ack;
    }

    public boolean hasTcpTimestamps() {
        return hasTcpTimestamps;
    }

    public int tsVal() {
        return tsVal;
    }

    public int tsEcr() {
        return tsEcr;
    }

    /** Where the transport payload starts in {@link #buffer()}. */
    public int payloadOffset() {
        return payloadOffset;
    }

    /** Transport payload bytes present in the capture (the IP length bounds it, not padding). */
    public int payloadLength() {
        return payloadLength;
    }

    /** TCP payload bytes by the IP header's length, whether or not the capture kept them all. */
    public int segmentLength() {
        return segmentLength;
    }

    /** ICMP or ICMPv6 type, -1 for other protocols. */
    public int icmpType() {
        return icmpType;
    }

    public int icmpCode() {
        return icmpCode;
    }
}
