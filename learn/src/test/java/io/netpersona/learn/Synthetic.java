package io.netpersona.learn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds captures and packets byte by byte, for the format edges the shared captures do not have. */
final class Synthetic {
    private Synthetic() {
    }

    /** A growing little- or big-endian byte sequence. */
    static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteOrder order;

        Bytes(ByteOrder order) {
            this.order = order;
        }

        Bytes u8(int v) {
            out.write(v);
            return this;
        }

        Bytes u16(int v) {
            return put(ByteBuffer.allocate(2).order(order).putShort((short) v).array());
        }

        Bytes u32(long v) {
            return put(ByteBuffer.allocate(4).order(order).putInt((int) v).array());
        }

        Bytes u64(long v) {
            return put(ByteBuffer.allocate(8).order(order).putLong(v).array());
        }

        Bytes put(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        int size() {
            return out.size();
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    static byte[] pcapHeader(ByteOrder order, boolean nanos, int linkType) {
        return new Bytes(order).u32(nanos ? 0xa1b23c4dL : 0xa1b2c3d4L).u16(2).u16(4).u32(0).u32(0).u32(65535)
                .u32(linkType).bytes();
    }

    static byte[] pcapRecord(ByteOrder order, long seconds, long fraction, byte[] frame) {
        return new Bytes(order).u32(seconds).u32(fraction).u32(frame.length).u32(frame.length).put(frame).bytes();
    }

    static byte[] sectionHeader(ByteOrder order) {
        return new Bytes(order).u32(0x0a0d0d0aL).u32(28).u32(0x1a2b3c4dL).u16(1).u16(0).u64(-1).u32(28).bytes();
    }

    /** An interface description with an if_tsresol option (and a comment option to skip), or none when resolution < 0. */
    static byte[] interfaceBlock(ByteOrder order, int linkType, int resolution) {
        Bytes body = new Bytes(order).u16(linkType).u16(0).u32(0);
        // opt_comment "x", padded to 4 bytes
        body.u16(1).u16(1).u8('x').u8(0).u8(0).u8(0);
        if (resolution >= 0) {
            body.u16(9).u16(1).u8(resolution).u8(0).u8(0).u8(0);
        }
        body.u16(0).u16(0);
        return block(order, 1, body.bytes());
    }

    static byte[] enhancedPacket(ByteOrder order, int iface, long ts, byte[] frame) {
        Bytes body = new Bytes(order).u32(iface).u32(ts >>> 32).u32(ts).u32(frame.length).u32(frame.length).put(frame);
        pad(body);
        // an epb_flags option, to be skipped
        body.u16(2).u16(4).u32(1).u16(0).u16(0);
        return block(order, 6, body.bytes());
    }

    static byte[] simplePacket(ByteOrder order, byte[] frame) {
        Bytes body = new Bytes(order).u32(frame.length).put(frame);
        pad(body);
        return block(order, 3, body.bytes());
    }

    static byte[] obsoletePacket(ByteOrder order, int iface, long ts, byte[] frame) {
        Bytes body = new Bytes(order).u16(iface).u16(0).u32(ts >>> 32).u32(ts).u32(frame.length).u32(frame.length)
                .put(frame);
        pad(body);
        return block(order, 2, body.bytes());
    }

    static byte[] block(ByteOrder order, int type, byte[] body) {
        return new Bytes(order).u32(type).u32(body.length + 12).put(body).u32(body.length + 12).bytes();
    }

    private static void pad(Bytes b) {
        while (b.size() % 4 != 0) {
            b.u8(0);
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static Path write(Path dir, String name, byte[]... parts) {
        try {
            return Files.write(dir.resolve(name), concat(parts));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- packets (network byte order) ----

    static byte[] ipv4(String src, String dst, int protocol, byte[] transport) {
        Bytes b = new Bytes(ByteOrder.BIG_ENDIAN).u8(0x45).u8(0).u16(20 + transport.length).u16(1).u16(0x4000)
                .u8(64).u8(protocol).u16(0).put(addr(src)).put(addr(dst)).put(transport);
        return b.bytes();
    }

    static byte[] ipv6(String src, String dst, int next, byte[] rest) {
        return new Bytes(ByteOrder.BIG_ENDIAN).u32(0x60000000L).u16(rest.length).u8(next).u8(64).put(addr(src))
                .put(addr(dst)).put(rest).bytes();
    }

    static byte[] udp(int sport, int dport, byte[] payload) {
        return new Bytes(ByteOrder.BIG_ENDIAN).u16(sport).u16(dport).u16(8 + payload.length).u16(0).put(payload).bytes();
    }

    /** A TCP segment with the given flags; a timestamp option when tsVal >= 0. */
    static byte[] tcp(int sport, int dport, long seq, long ack, int flags, long tsVal, long tsEcr, byte[] payload) {
        boolean ts = tsVal >= 0;
        Bytes b = new Bytes(ByteOrder.BIG_ENDIAN).u16(sport).u16(dport).u32(seq).u32(ack)
                .u8((ts ? 8 : 5) << 4).u8(flags).u16(65535).u16(0).u16(0);
        if (ts) {
            b.u8(1).u8(1).u8(8).u8(10).u32(tsVal).u32(tsEcr);
        }
        return b.put(payload).bytes();
    }

    static byte[] ethernet(int etherType, byte[] payload) {
        return new Bytes(ByteOrder.BIG_ENDIAN).put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2}).u16(etherType)
                .put(payload).bytes();
    }

    static byte[] addr(String ip) {
        try {
            return java.net.InetAddress.getByName(ip).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }
}
