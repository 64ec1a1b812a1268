package io.netpersona.learn;

import java.nio.ByteBuffer;

/**
 * Decodes frames into a reusable {@link Packet} without allocating: link layer (see {@link LinkType}),
 * 802.1Q/802.1ad tags (0x8100, 0x88a8, 0x9100), PPPoE, MPLS, IPv4 and IPv6 (extension headers walked,
 * fragments not reassembled), TCP, UDP, ICMP, ICMPv6, SCTP; and, when asked, the tunnels whose inner
 * packets are the real flows: IP in IP (4in4, 6in4, ...), GTP-U (UDP 2152), VXLAN (UDP 4789), TZSP
 * (UDP 37008) and CAPWAP data (UDP 5247).
 *
 * <p>Every length read from a packet is checked against the captured bytes before it is used, so hostile
 * input yields a {@link DecodeResult} reason, never an exception. Not thread-safe.
 */
public final class PacketDecoder {
    private static final int MAX_VLAN_TAGS = 4, MAX_MPLS_LABELS = 8;
    /** libpcap's largest snapshot length, and so the largest frame a sound record describes. */
    static final int MAX_WIRE_LENGTH = 262_144;
    final boolean tunnels;
    final boolean wholePacketsOnly;
    final boolean arp;
    private final IpDecoder ip;
    /** The packet being decoded. */
    Packet p;

    /**
     * @param tunnels whether to decode tunnelled packets as their inner packets (as nDPI does)
     * @param wholePacketsOnly whether an IP packet the capture did not keep whole (a snapshot length
     *     shorter than the packet) is {@link DecodeResult#TRUNCATED_IP} rather than decoded as far as it goes
     */
    public PacketDecoder(boolean tunnels, boolean wholePacketsOnly) {
        this(tunnels, wholePacketsOnly, false);
    }

    /**
     * @param arp whether an ARP frame for IPv4 is {@link DecodeResult#ARP}, a packet between its sender's and its
     *     target's protocol addresses, rather than {@link DecodeResult#NOT_IP}
     */
    public PacketDecoder(boolean tunnels, boolean wholePacketsOnly, boolean arp) {
        this.tunnels = tunnels;
        this.wholePacketsOnly = wholePacketsOnly;
        this.arp = arp;
        this.ip = new IpDecoder(this);
    }

    /** Decodes {@code frame} into {@code packet}. */
    public DecodeResult decode(Frame frame, Packet packet) {
        packet.reset(frame);
        p = packet;
        if (frame.originalLength < frame.capturedLength || frame.originalLength > MAX_WIRE_LENGTH) {
            return DecodeResult.BAD_FRAME_LENGTH;
        }
        ByteBuffer b = frame.buffer;
        int off = frame.offset;
        return link(b, frame.linkType, off, off + frame.capturedLength, true);
    }

    private DecodeResult link(ByteBuffer b, int linkType, int off, int end, boolean outer) {
        return switch (linkType) {
            case LinkType.ETHERNET -> ethernet(b, off, end, 0);
            case LinkType.RAW, LinkType.RAW_BSD, LinkType.RAW_OPENBSD, LinkType.IPV4, LinkType.IPV6 -> ip.byVersion(b, off, end, 0);
            case LinkType.NULL, LinkType.LOOP -> loopback(b, off, end, linkType == LinkType.NULL);
            case LinkType.LINUX_SLL -> end - off < 16 ? DecodeResult.TRUNCATED_LINK : etherType(b, u16(b, off + 14), off + 16, end, 0);
            case LinkType.LINUX_SLL2 -> end - off < 20 ? DecodeResult.TRUNCATED_LINK : etherType(b, u16(b, off), off + 20, end, 0);
            case LinkType.PPP, LinkType.PPP_HDLC -> ppp(b, off, end);
            case LinkType.PPP_ETHER -> end - off < 8 ? DecodeResult.TRUNCATED_LINK : pppProtocol(b, u16(b, off + 6), off + 8, end);
            case LinkType.C_HDLC -> end - off < 4 ? DecodeResult.TRUNCATED_LINK : etherType(b, u16(b, off + 2), off + 4, end, 0);
            case LinkType.PPI -> outer ? ppi(b, off, end) : DecodeResult.TOO_DEEP;
            case LinkType.NO_INTERFACE -> DecodeResult.UNKNOWN_INTERFACE;
            default -> DecodeResult.UNSUPPORTED_LINK_TYPE;
        };
    }

    DecodeResult ethernet(ByteBuffer b, int off, int end, int depth) {
        if (end - off < 14) {
            return DecodeResult.TRUNCATED_LINK;
        }
        return etherType(b, u16(b, off + 12), off + 14, end, depth);
    }

    private DecodeResult etherType(ByteBuffer b, int type, int off, int end, int depth) {
        for (int tags = 0; type == 0x8100 || type == 0x88a8 || type == 0x9100; tags++) {
            if (tags == MAX_VLAN_TAGS) {
                return DecodeResult.TOO_DEEP;
            }
            if (end - off < 4) {
                return DecodeResult.TRUNCATED_LINK;
            }
            p.vlan = u16(b, off) & 0xfff;
            type = u16(b, off + 2);
            off += 4;
        }
        if (type < 0x600) {
            // an 802.3 length: IP only behind an LLC/SNAP header
            if (end - off >= 8 && u16(b, off) == 0xaaaa && b.get(off + 2) == 3) {
                return etherType(b, u16(b, off + 6), off + 8, end, depth);
            }
            return DecodeResult.NOT_IP;
        }
        return switch (type) {
            case 0x0800 -> ip.v4(b, off, end, depth);
            case 0x86dd -> ip.v6(b, off, end, depth);
            case 0x8864 -> end - off < 8 ? DecodeResult.TRUNCATED_LINK : pppProtocol(b, u16(b, off + 6), off + 8, end);
            case 0x8847, 0x8848 -> mpls(b, off, end, depth);
            case 0x0806 -> arp ? arp(b, off, end) : DecodeResult.NOT_IP;
            default -> DecodeResult.NOT_IP;
        };
    }

    /**
     * An ARP message (RFC 826) that resolves IPv4 addresses: the sender's protocol address is the source, the
     * target's the destination, so a request and its reply are one flow. Other ARP (another protocol type, a
     * hardware or protocol address of odd length) carries no address a flow can take.
     */
    private DecodeResult arp(ByteBuffer b, int off, int end) {
        if (end - off < 8) {
            return DecodeResult.TRUNCATED_LINK;
        }
        int hardwareLength = b.get(off + 4) & 0xff;
        if (u16(b, off + 2) != 0x0800 || (b.get(off + 5) & 0xff) != 4) {
            return DecodeResult.NOT_IP;
        }
        int sender = off + 8 + hardwareLength, target = sender + 4 + hardwareLength;
        if (end - target < 4) {
            return DecodeResult.TRUNCATED_LINK;
        }
        p.ipVersion = 4;
        p.protocol = Packet.ARP;
        p.srcLo = IpDecoder.V4_MAPPED | (b.getInt(sender) & 0xffffffffL);
        p.dstLo = IpDecoder.V4_MAPPED | (b.getInt(target) & 0xffffffffL);
        return DecodeResult.ARP;
    }

    private DecodeResult mpls(ByteBuffer b, int off, int end, int depth) {
        for (int labels = 0; labels < MAX_MPLS_LABELS; labels++) {
            if (end - off < 4) {
                return DecodeResult.TRUNCATED_LINK;
            }
            boolean bottom = (b.get(off + 2) & 1) != 0;
            off += 4;
            if (bottom) {
                return ip.byVersion(b, off, end, depth);
            }
        }
        return DecodeResult.TOO_DEEP;
    }

    private DecodeResult loopback(ByteBuffer b, int off, int end, boolean eitherOrder) {
        if (end - off < 4) {
            return DecodeResult.TRUNCATED_LINK;
        }
        int family = b.getInt(off);
        if (eitherOrder && (family & 0xffff0000) != 0) {
            family = Integer.reverseBytes(family);
        }
        return switch (family) {
            case 2 -> ip.v4(b, off + 4, end, 0);
            // AF_INET6 differs between systems: Linux, the BSDs, FreeBSD, macOS
            case 10, 24, 28, 30 -> ip.v6(b, off + 4, end, 0);
            default -> DecodeResult.NOT_IP;
        };
    }

    private DecodeResult ppp(ByteBuffer b, int off, int end) {
        if (end - off < 2) {
            return DecodeResult.TRUNCATED_LINK;
        }
        int first = b.get(off) & 0xff;
        int second = b.get(off + 1) & 0xff;
        if ((first == 0x0f || first == 0x8f) && second == 0) {
            // Cisco HDLC on a serial link, which libpcap files under PPP
            return end - off < 4 ? DecodeResult.TRUNCATED_LINK : etherType(b, u16(b, off + 2), off + 4, end, 0);
        }
        if (first == 0xff && second == 0x03) {
            off += 2;
        }
        if (end - off < 1) {
            return DecodeResult.TRUNCATED_LINK;
        }
        if ((b.get(off) & 1) != 0) {
            // protocol-field compression: a one-byte protocol
            return pppProtocol(b, b.get(off) & 0xff, off + 1, end);
        }
        return end - off < 2 ? DecodeResult.TRUNCATED_LINK : pppProtocol(b, u16(b, off), off + 2, end);
    }

    private DecodeResult pppProtocol(ByteBuffer b, int protocol, int off, int end) {
        return switch (protocol) {
            case 0x21 -> ip.v4(b, off, end, 0);
            case 0x57 -> ip.v6(b, off, end, 0);
            default -> DecodeResult.NOT_IP;
        };
    }

    private DecodeResult ppi(ByteBuffer b, int off, int end) {
        if (end - off < 8) {
            return DecodeResult.TRUNCATED_LINK;
        }
        int length = Short.reverseBytes(b.getShort(off + 2)) & 0xffff;
        int inner = Integer.reverseBytes(b.getInt(off + 4));
        if (length < 8 || length > end - off) {
            return DecodeResult.TRUNCATED_LINK;
        }
        return link(b, inner, off + length, end, false);
    }

    static int u16(ByteBuffer b, int at) {
        return b.getShort(at) & 0xffff;
    }
}
