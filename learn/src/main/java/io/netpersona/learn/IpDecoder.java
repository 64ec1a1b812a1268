package io.netpersona.learn;

import static io.netpersona.learn.PacketDecoder.u16;

import java.nio.ByteBuffer;

/** IPv4, IPv6 and the transports above them, for {@link PacketDecoder}; tunnels re-enter it one level deeper. */
final class IpDecoder {
    static final long V4_MAPPED = 0xffff_0000_0000L;
    static final int MAX_DEPTH = 3, MAX_EXTENSION_HEADERS = 8;

    private final PacketDecoder link;
    private final TunnelDecoder tunnelDecoder;

    IpDecoder(PacketDecoder link) {
        this.link = link;
        this.tunnelDecoder = new TunnelDecoder(link, this);
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
                    return tunnelDecoder.udp(b, p, off, udpEnd, depth);
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
                    DecodeResult inner = tunnelDecoder.gre(b, off, end, depth + 1);
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
        if (end - o >= 12 && b.getInt(o) == 0x0101080a) {
            // the layout nearly every stack sends (two NOPs, then the timestamps): what the walk below finds
            p.hasTcpTimestamps = true;
            p.tsVal = b.getInt(o + 4);
            p.tsEcr = b.getInt(o + 8);
            return;
        }
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

}
