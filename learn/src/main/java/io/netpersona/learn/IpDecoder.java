package io.netpersona.learn;

import static io.netpersona.learn.PacketDecoder.u16;

import java.nio.ByteBuffer;

/** IPv4, IPv6 and the transports above them, for {@link PacketDecoder}; tunnels re-enter it one level deeper. */
final class IpDecoder {
    private static final long V4_MAPPED = 0xffff_0000_0000L;
    private static final int MAX_DEPTH = 3, MAX_EXTENSION_HEADERS = 8;
    private static final int GTP_U = 2152, VXLAN = 4789, TZSP = 37008, CAPWAP_DATA = 5247;

    private final PacketDecoder link;

    IpDecoder(PacketDecoder link) {
        this.link = link;
    }

    DecodeResult byVersion(ByteBuffer b, int off, int end, int depth) {
        if (end - off < 1) {
            return DecodeResult.TRUNCATED_IP;
        }
        return switch ((b.get(off) & 0xf0) >> 4) {
            case 4 -> v4(b, off, end, depth);
            case 6 -> v6(b, off, end, depth);
            default -> DecodeResult.BAD_IP_HEADER;
        };
    }

    DecodeResult v4(ByteBuffer b, int off, int end, int depth) {
        if (end - off < 20) {
            return DecodeResult.TRUNCATED_IP;
        }
        int vhl = b.get(off) & 0xff;
        int headerLength = (vhl & 0x0f) * 4;
        if (vhl >> 4 != 4 || headerLength < 20) {
            return DecodeResult.BAD_IP_HEADER;
        }
        if (end - off < headerLength) {
            return DecodeResult.TRUNCATED_IP;
        }
        int total = u16(b, off + 2);
        // a total length of 0 (segmentation offload) or past the capture: the capture decides
        int ipEnd = total >= headerLength && total < end - off ? off + total : end;
        Packet p = link.p;
        if (total > end - off) {
            if (link.wholePacketsOnly) {
                return DecodeResult.TRUNCATED_IP;
            }
            p.cut = true;
        }
        p.ipEnd = total >= headerLength ? off + total : end;
        p.ipVersion = 4;
        p.protocol = b.get(off + 9) & 0xff;
        p.srcHi = 0;
        p.srcLo = V4_MAPPED | (b.getInt(off + 12) & 0xffffffffL);
        p.dstHi = 0;
        p.dstLo = V4_MAPPED | (b.getInt(off + 16) & 0xffffffffL);
        if ((u16(b, off + 6) & 0x1fff) != 0) {
            p.fragment = true;
            return DecodeResult.FRAGMENT;
        }
        return transport(b, p.protocol, off + headerLength, ipEnd, depth, link.tunnels);
    }

    DecodeResult v6(ByteBuffer b, int off, int end, int depth) {
        if (end - off < 40) {
            return DecodeResult.TRUNCATED_IP;
        }
        if ((b.get(off) & 0xf0) != 0x60) {
            return DecodeResult.BAD_IP_HEADER;
        }
        int payload = u16(b, off + 4);
        int ipEnd = payload != 0 && payload < end - off - 40 ? off + 40 + payload : end;
        Packet p = link.p;
        if (payload > end - off - 40) {
            if (link.wholePacketsOnly) {
                return DecodeResult.TRUNCATED_IP;
            }
            p.cut = true;
        }
        p.ipEnd = payload != 0 ? off + 40 + payload : end;
        p.ipVersion = 6;
        p.srcHi = b.getLong(off + 8);
        p.srcLo = b.getLong(off + 16);
        p.dstHi = b.getLong(off + 24);
        p.dstLo = b.getLong(off + 32);
        int next = b.get(off + 6) & 0xff;
        int o = off + 40;
        for (int headers = 0; ; headers++) {
            if (headers == MAX_EXTENSION_HEADERS) {
                p.protocol = next;
                return DecodeResult.TOO_DEEP;
            }
            int length;
            switch (next) {
                case 0, 43, 60, 135, 139, 140 -> {
                    if (ipEnd - o < 2) {
                        p.protocol = next;
                        return DecodeResult.TRUNCATED_IP;
                    }
                    length = ((b.get(o + 1) & 0xff) + 1) * 8;
                }
                case 51 -> {
                    if (ipEnd - o < 2) {
                        p.protocol = next;
                        return DecodeResult.TRUNCATED_IP;
                    }
                    length = ((b.get(o + 1) & 0xff) + 2) * 4;
                }
                case 44 -> {
                    if (ipEnd - o < 8) {
                        p.protocol = next;
                        return DecodeResult.TRUNCATED_IP;
                    }
                    if ((u16(b, o + 2) & 0xfff8) != 0) {
                        p.protocol = b.get(o) & 0xff;
                        p.fragment = true;
                        return DecodeResult.FRAGMENT;
                    }
                    length = 8;
                }
                default -> {
                    p.protocol = next;
                    return transport(b, next, o, ipEnd, depth, link.tunnels);
                }
            }
            if (ipEnd - o < length) {
                p.protocol = next;
                return DecodeResult.TRUNCATED_IP;
            }
            next = b.get(o) & 0xff;
            o += length;
        }
    }

    private DecodeResult transport(ByteBuffer b, int protocol, int off, int end, int depth, boolean tunnels) {
        Packet p = link.p;
        p.protocol = protocol;
        // an inner packet must not keep the ports of the tunnel it came in
        p.srcPort = p.dstPort = 0;
        switch (protocol) {
            case Packet.TCP -> {
                return tcp(b, p, off, end);
            }
            case Packet.UDP -> {
                if (end - off < 8) {
                    return DecodeResult.TRUNCATED_TRANSPORT;
                }
                p.srcPort = u16(b, off);
                p.dstPort = u16(b, off + 2);
                int length = u16(b, off + 4);
                int udpEnd = length >= 8 && length < end - off ? off + length : end;
                p.payloadOffset = off + 8;
                p.payloadLength = udpEnd - off - 8;
                if (tunnels && depth < MAX_DEPTH) {
                    return udpTunnel(b, p, off, udpEnd, depth);
                }
                return DecodeResult.IP;
            }
            case Packet.ICMP, Packet.ICMPV6 -> {
                if (end - off < 4) {
                    return DecodeResult.TRUNCATED_TRANSPORT;
                }
                p.icmpType = b.get(off) & 0xff;
                p.icmpCode = b.get(off + 1) & 0xff;
                p.payloadOffset = off + 4;
                p.payloadLength = end - off - 4;
                return DecodeResult.IP;
            }
            case Packet.SCTP -> {
                // flows of SCTP go by addresses only, as nDPI keys them (its associations span ports anyway)
                if (end - off < 12) {
                    return DecodeResult.TRUNCATED_TRANSPORT;
                }
                p.payloadOffset = off + 12;
                p.payloadLength = end - off - 12;
                return DecodeResult.IP;
            }
            case 47 -> {
                if (tunnels && depth < MAX_DEPTH) {
                    DecodeResult inner = gre(b, off, end, depth + 1);
                    if (inner != null) {
                        return inner;
                    }
                }
            }
            case 4, 41 -> {
                if (!tunnels) {
                    break;
                }
                if (depth >= MAX_DEPTH) {
                    return DecodeResult.TOO_DEEP;
                }
                p.tunnelled = true;
                return protocol == 4 ? v4(b, off, end, depth + 1) : v6(b, off, end, depth + 1);
            }
            default -> {
            }
        }
        p.payloadOffset = off;
        p.payloadLength = Math.max(0, end - off);
        return DecodeResult.IP;
    }

    private DecodeResult tcp(ByteBuffer b, Packet p, int off, int end) {
        if (end - off < 20) {
            return DecodeResult.TRUNCATED_TRANSPORT;
        }
        p.srcPort = u16(b, off);
        p.dstPort = u16(b, off + 2);
        p.seq = b.getInt(off + 4);
        p.ack = b.getInt(off + 8);
        int offsetByte = b.get(off + 12) & 0xff;
        int headerLength = (offsetByte >> 4) * 4;
        p.tcpFlags = (b.get(off + 13) & 0xff) | (offsetByte & 1) << 8;
        if (headerLength < 20) {
            return DecodeResult.BAD_TRANSPORT_HEADER;
        }
        if (headerLength > end - off) {
            // the ports and flags are there; options and payload are not
            p.payloadOffset = end;
            return DecodeResult.IP;
        }
        if (headerLength > 20) {
            options(b, p, off + 20, off + headerLength);
        }
        p.payloadOffset = off + headerLength;
        p.payloadLength = end - off - headerLength;
        p.segmentLength = Math.max(0, p.ipEnd - off - headerLength);
        return DecodeResult.IP;
    }

    private static void options(ByteBuffer b, Packet p, int o, int end) {
        while (o < end) {
            int kind = b.get(o) & 0xff;
            if (kind == 0) {
                return;
            }
            if (kind == 1) {
                o++;
                continue;
            }
            if (end - o < 2) {
                return;
            }
            int length = b.get(o + 1) & 0xff;
            if (length < 2 || end - o < length) {
                return;
            }
            if (kind == 8 && length == 10) {
                p.hasTcpTimestamps = true;
                p.tsVal = b.getInt(o + 2);
                p.tsEcr = b.getInt(o + 6);
                return;
            }
            o += length;
        }
    }

    /** The inner packet of a UDP tunnel; the UDP packet itself when it is not one or its inside is not IP. */
    private DecodeResult udpTunnel(ByteBuffer b, Packet p, int off, int end, int depth) {
        int sport = p.srcPort, dport = p.dstPort;
        int payload = off + 8;
        boolean gtp = sport == GTP_U || dport == GTP_U, vxlan = dport == VXLAN, tzsp = sport == TZSP || dport == TZSP,
                capwap = sport == CAPWAP_DATA || dport == CAPWAP_DATA;
        if (!(gtp || vxlan || tzsp || capwap)) {
            return DecodeResult.IP;
        }
        // the inner decode overwrites the packet: keep the outer one to put back if the inside is not IP
        int version = p.ipVersion, vlan = p.vlan, payloadOffset = p.payloadOffset, payloadLength = p.payloadLength;
        long srcHi = p.srcHi, srcLo = p.srcLo, dstHi = p.dstHi, dstLo = p.dstLo;
        DecodeResult inner;
        if (gtp) {
            inner = gtp(b, payload, end, depth + 1);
        } else if (vxlan) {
            inner = end - payload >= 8 && (b.get(payload) & 0x08) != 0 ? link.ethernet(b, payload + 8, end, depth + 1) : null;
        } else if (tzsp) {
            inner = tzsp(b, payload, end, depth + 1);
        } else {
            inner = capwap(b, payload, end, depth + 1);
        }
        if (inner != null && inner.inFlow()) {
            p.tunnelled = true;
            return inner;
        }
        p.ipVersion = version;
        p.vlan = vlan;
        p.srcHi = srcHi;
        p.srcLo = srcLo;
        p.dstHi = dstHi;
        p.dstLo = dstLo;
        p.protocol = Packet.UDP;
        p.srcPort = sport;
        p.dstPort = dport;
        p.payloadOffset = payloadOffset;
        p.payloadLength = payloadLength;
        p.tcpFlags = 0;
        p.icmpType = p.icmpCode = -1;
        p.fragment = false;
        p.hasTcpTimestamps = false;
        return DecodeResult.IP;
    }

    /**
     * GRE (RFC 2784/2890) with IP or Ethernet inside, and PPTP's enhanced GRE (version 1) with PPP inside.
     * Null when the inside is not IP, so the GRE packet stays a flow of its own.
     */
    private DecodeResult gre(ByteBuffer b, int off, int end, int depth) {
        if (end - off < 4) {
            return null;
        }
        int flags = u16(b, off);
        int type = u16(b, off + 2);
        int version = flags & 7;
        int o = off + 4;
        if (version == 0) {
            o += ((flags & 0x8000) != 0 ? 4 : 0) + ((flags & 0x2000) != 0 ? 4 : 0) + ((flags & 0x1000) != 0 ? 4 : 0);
        } else if (version == 1 && type == 0x880b) {
            o += 4 + ((flags & 0x1000) != 0 ? 4 : 0) + ((flags & 0x0080) != 0 ? 4 : 0);
        } else {
            return null;
        }
        if (o >= end) {
            return null;
        }
        Packet p = link.p;
        int version0 = p.ipVersion, protocol = p.protocol;
        long srcHi = p.srcHi, srcLo = p.srcLo, dstHi = p.dstHi, dstLo = p.dstLo;
        int ipEnd = p.ipEnd;
        DecodeResult inner = switch (type) {
            case 0x0800 -> v4(b, o, end, depth);
            case 0x86dd -> v6(b, o, end, depth);
            case 0x6558 -> link.ethernet(b, o, end, depth);
            case 0x880b -> ppp(b, o, end, depth);
            default -> null;
        };
        if (inner != null && inner.inFlow()) {
            p.tunnelled = true;
            return inner;
        }
        if (inner == null || inner == DecodeResult.NOT_IP) {
            p.ipVersion = version0;
            p.protocol = protocol;
            p.srcHi = srcHi;
            p.srcLo = srcLo;
            p.dstHi = dstHi;
            p.dstLo = dstLo;
            p.ipEnd = ipEnd;
            p.srcPort = p.dstPort = 0;
            p.fragment = false;
            return null;
        }
        return inner;
    }

    private DecodeResult ppp(ByteBuffer b, int o, int end, int depth) {
        if (end - o >= 2 && (b.get(o) & 0xff) == 0xff && b.get(o + 1) == 3) {
            o += 2;
        }
        if (end - o < 1) {
            return null;
        }
        int protocol;
        if ((b.get(o) & 1) != 0) {
            protocol = b.get(o) & 0xff;
            o += 1;
        } else if (end - o >= 2) {
            protocol = u16(b, o);
            o += 2;
        } else {
            return null;
        }
        return protocol == 0x21 ? v4(b, o, end, depth) : protocol == 0x57 ? v6(b, o, end, depth) : null;
    }

    private DecodeResult gtp(ByteBuffer b, int off, int end, int depth) {
        if (end - off < 8) {
            return null;
        }
        int flags = b.get(off) & 0xff;
        if (flags >> 5 != 1 || (b.get(off + 1) & 0xff) != 0xff) {
            return null;
        }
        int o = off + 8;
        if ((flags & 0x07) != 0) {
            if (end - o < 4) {
                return null;
            }
            int next = (flags & 0x04) != 0 ? b.get(o + 3) & 0xff : 0;
            o += 4;
            for (int n = 0; next != 0; n++) {
                if (n == MAX_EXTENSION_HEADERS || end - o < 1) {
                    return null;
                }
                int length = (b.get(o) & 0xff) * 4;
                if (length == 0 || end - o < length) {
                    return null;
                }
                next = b.get(o + length - 1) & 0xff;
                o += length;
            }
        }
        return byVersion(b, o, end, depth);
    }

    private DecodeResult tzsp(ByteBuffer b, int off, int end, int depth) {
        if (end - off < 4 || b.get(off) != 1 || u16(b, off + 2) != 1) {
            return null;
        }
        int o = off + 4;
        while (o < end) {
            int tag = b.get(o) & 0xff;
            if (tag == 1) {
                return link.ethernet(b, o + 1, end, depth);
            }
            if (tag == 0) {
                o++;
            } else {
                if (end - o < 2) {
                    return null;
                }
                o += 2 + (b.get(o + 1) & 0xff);
            }
        }
        return null;
    }

    private DecodeResult capwap(ByteBuffer b, int off, int end, int depth) {
        if (end - off < 8 || (b.get(off) & 0xff) != 0) {
            return null;
        }
        int word = b.getInt(off);
        int headerLength = ((word >>> 19) & 0x1f) * 4;
        boolean nativeFrame = (word & 0x100) != 0;
        int wbid = (word >>> 9) & 0x1f;
        int o = off + headerLength;
        if (headerLength < 8 || end - o < 1) {
            return null;
        }
        if (!nativeFrame) {
            return link.ethernet(b, o, end, depth);
        }
        if (wbid != 1 || end - o < 24) {
            return null;
        }
        int control = b.get(o) & 0xff;
        int flags = b.get(o + 1) & 0xff;
        if (((control >> 2) & 3) != 2) {
            // Cisco controllers send the 802.11 frame control field byte-swapped
            int swap = control;
            control = flags;
            flags = swap;
            if (((control >> 2) & 3) != 2) {
                return null;
            }
        }
        boolean qos = (control & 0x80) != 0;
        int header = 24 + ((flags & 3) == 3 ? 6 : 0) + (qos ? 2 : 0) + (qos && (flags & 0x80) != 0 ? 4 : 0);
        o += header;
        if (end - o < 8 || u16(b, o) != 0xaaaa || b.get(o + 2) != 3) {
            return null;
        }
        int type = u16(b, o + 6);
        return switch (type) {
            case 0x0800 -> v4(b, o + 8, end, depth);
            case 0x86dd -> v6(b, o + 8, end, depth);
            default -> null;
        };
    }
}
