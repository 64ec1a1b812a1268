package io.netpersona.substrate.linux.netlink;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Netlink messages and attributes built by hand, in host order, aligned as the kernel aligns them. */
final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    }

    Bytes raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    Bytes pad() {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
        return this;
    }

    /** An attribute: length (header included, padding not), type, value, padding to 4. */
    Bytes attr(int type, byte[] value) {
        ByteBuffer h = le(4).putShort((short) (4 + value.length)).putShort((short) type);
        out.writeBytes(h.array());
        out.writeBytes(value);
        return pad();
    }

    Bytes attr(int type, String nulTerminated) {
        return attr(type, (nulTerminated + "\0").getBytes(StandardCharsets.UTF_8));
    }

    Bytes u32attr(int type, int v) {
        return attr(type, le(4).putInt(v).array());
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** One netlink message around a payload (the length field counts the payload without its padding). */
    static byte[] message(int type, int flags, int seq, byte[] payload) {
        ByteBuffer b = le(Frames.align(16 + payload.length));
        b.putInt(16 + payload.length).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0).put(payload);
        return b.array();
    }

    static ByteBuffer datagram(byte[]... messages) {
        Bytes b = new Bytes();
        for (byte[] m : messages) {
            b.raw(m);
        }
        return ByteBuffer.wrap(b.bytes());
    }

    static byte[] u64s(long... values) {
        ByteBuffer b = le(8 * values.length);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }
}
