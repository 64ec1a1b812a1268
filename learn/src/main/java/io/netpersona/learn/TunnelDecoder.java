package io.netpersona.learn;

import static io.netpersona.learn.IpDecoder.MAX_EXTENSION_HEADERS;
import static io.netpersona.learn.PacketDecoder.u16;

import java.nio.ByteBuffer;

/**
 * The tunnels whose inner packets nDPI counts as the flows: GRE (with IP, Ethernet or PPTP's PPP inside),
 * GTP-U, VXLAN, TZSP and CAPWAP data. When the inside is not IP, the outer packet is put back as it was
 * and stays a flow of its own.
 */
final class TunnelDecoder {
    private static final int GTP_U = 2152, VXLAN = 4789, TZSP = 37008, CAPWAP_DATA = 5247;
    private final PacketDecoder link;
    private final IpDecoder ip;

    TunnelDecoder(PacketDecoder link, IpDecoder ip) {
        this.link = link;
        this.ip = ip;
    }

    /** The inner packet of a UDP tunnel; the UDP packet itself when it is not one or its inside is not IP. */
    DecodeResult udp(ByteBuffer b, Packet p, int off, int end, int depth) {
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
    DecodeResult gre(ByteBuffer b, int off, int end, int depth) {
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
            case 0x0800 -> ip.v4(b, o, end, depth);
            case 0x86dd -> ip.v6(b, o, end, depth);
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
        return protocol == 0x21 ? ip.v4(b, o, end, depth) : protocol == 0x57 ? ip.v6(b, o, end, depth) : null;
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
        return ip.byVersion(b, o, end, depth);
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
            case 0x0800 -> ip.v4(b, o + 8, end, depth);
            case 0x86dd -> ip.v6(b, o + 8, end, depth);
            default -> null;
        };
    }
}
