package io.netpersona.substrate.linux.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Netlink's framing, in the host's byte order: messages in a datagram ({@code struct nlmsghdr}, aligned
 * to 4) and attributes in a message ({@code struct rtattr}/{@code nlattr}, aligned to 4). Every length is
 * checked against what is there, so a short or hostile buffer gives a {@link NetlinkException}, never a
 * read past its end.
 */
final class Frames {
    static final int HEADER = 16;
    static final int NLMSG_NOOP = 1, NLMSG_ERROR = 2, NLMSG_DONE = 3, NLMSG_OVERRUN = 4;
    static final int NLM_F_REQUEST = 1, NLM_F_MULTI = 2, NLM_F_ACK = 4, NLM_F_DUMP = 0x300;
    /** rtattr types carry two flag bits (nested, network byte order) above the type. */
    private static final int TYPE_MASK = 0x3fff;

    private Frames() {}

    static ByteBuffer order(ByteBuffer b) {
        return b.order(ByteOrder.nativeOrder());
    }

    static int align(int n) {
        return (n + 3) & ~3;
    }

    /** A dump request: header ({@code NLM_F_REQUEST | NLM_F_DUMP}) and the family's request struct. */
    static byte[] request(int type, int seq, byte[] body) {
        return request(type, NLM_F_REQUEST | NLM_F_DUMP, seq, body);
    }

    /** A request with these header flags ({@link #NLM_F_ACK} for one answer followed by an acknowledgement). */
    static byte[] request(int type, int flags, int seq, byte[] body) {
        int len = HEADER + body.length;
        ByteBuffer b = order(ByteBuffer.allocate(align(len)));
        b.putInt(len).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
        b.put(body);
        return b.array();
    }

    /** A netlink attribute: its length, its type and {@code value}, padded to the alignment. */
    static byte[] attr(int type, byte[] value) {
        ByteBuffer b = order(ByteBuffer.allocate(align(4 + value.length)));
        b.putShort((short) (4 + value.length)).putShort((short) type).put(value);
        return b.array();
    }

    /** {@code parts} one after the other (attributes, or a fixed header and its attributes). */
    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    /**
     * Adds to {@code into} the payloads of the messages of {@code type} with sequence number {@code seq}
     * in one datagram (messages of another sequence are left from an earlier request and skipped).
     * True when the dump is complete ({@code NLMSG_DONE}).
     */
    static boolean read(ByteBuffer datagram, int seq, int type, List<ByteBuffer> into) {
        ByteBuffer d = order(datagram.slice());
        int at = 0;
        while (d.limit() - at >= HEADER) {
            int len = messageLength(d, at);
            int msgType = Short.toUnsignedInt(d.getShort(at + 4));
            int msgSeq = d.getInt(at + 8);
            ByteBuffer payload = order(d.slice(at + HEADER, len - HEADER));
            at += Math.min(align(len), d.limit() - at);
            if (msgSeq != seq) {
                continue;
            }
            switch (msgType) {
                case NLMSG_NOOP -> { }
                case NLMSG_ERROR -> {
                    if (payload.remaining() < 4) {
                        throw new NetlinkException("truncated netlink error message");
                    }
                    int error = payload.getInt(0);
                    if (error != 0) {
                        throw new NetlinkException("the kernel refused the dump", -error);
                    }
                    return true; // an acknowledgement
                }
                case NLMSG_DONE -> {
                    // a dump that failed part-way says so in its DONE message (negative errno)
                    if (payload.remaining() >= 4 && payload.getInt(0) < 0) {
                        throw new NetlinkException("the dump ended with an error", -payload.getInt(0));
                    }
                    return true;
                }
                case NLMSG_OVERRUN -> throw new NetlinkException("netlink overrun: messages were lost");
                default -> {
                    if (msgType == type) {
                        into.add(payload);
                    }
                }
            }
        }
        return false;
    }

    /** The length of the message at {@code at}, checked to hold a header and to end inside the datagram. */
    private static int messageLength(ByteBuffer d, int at) {
        int len = d.getInt(at);
        if (len < HEADER || len > d.limit() - at) {
            throw new NetlinkException("malformed netlink message: length " + Integer.toUnsignedString(len)
                    + " at offset " + at + " of a " + d.limit() + "-byte datagram");
        }
        return len;
    }

    /** An acknowledgement: the request's sequence number, 0 or the errno it failed with, and the kernel's message. */
    record Ack(int seq, int errno, String message) {}

    private static final int NLM_F_ACK_TLVS = 0x200, NLMSGERR_ATTR_MSG = 1;

    /** The acknowledgements ({@code NLMSG_ERROR}) in a datagram; other messages are skipped. */
    static List<Ack> acks(ByteBuffer datagram) {
        ByteBuffer d = order(datagram.slice());
        List<Ack> out = new java.util.ArrayList<>();
        int at = 0;
        while (d.limit() - at >= HEADER) {
            int len = messageLength(d, at);
            int type = Short.toUnsignedInt(d.getShort(at + 4));
            int flags = Short.toUnsignedInt(d.getShort(at + 6));
            if (type == NLMSG_ERROR) {
                if (len < HEADER + 4 + HEADER) {
                    throw new NetlinkException("truncated netlink acknowledgement");
                }
                int error = d.getInt(at + HEADER);
                int seq = d.getInt(at + HEADER + 4 + 8); // the request's own header follows the error code
                String message = "";
                if (error != 0 && (flags & NLM_F_ACK_TLVS) != 0) {
                    int requestLength = d.getInt(at + HEADER + 4);
                    int tlvs = HEADER + 4 + ((flags & 0x100) != 0 ? HEADER : align(requestLength)); // NLM_F_CAPPED
                    if (tlvs < len) {
                        ByteBuffer msg = attributes(order(d.slice(at, len)), tlvs).get(NLMSGERR_ATTR_MSG);
                        message = msg == null ? "" : string(msg);
                    }
                }
                out.add(new Ack(seq, -error, message));
            }
            at += Math.min(align(len), d.limit() - at);
        }
        return out;
    }

    /**
     * The attributes from {@code offset} to the end of a payload, by type (flag bits removed); the first
     * of a type wins, as a kernel sends each once. Fewer than 4 bytes left over are padding.
     */
    static Map<Integer, ByteBuffer> attributes(ByteBuffer payload, int offset) {
        Map<Integer, ByteBuffer> out = new HashMap<>();
        ByteBuffer p = order(payload.duplicate());
        int at = offset;
        while (p.limit() - at >= 4) {
            int len = Short.toUnsignedInt(p.getShort(at));
            int type = Short.toUnsignedInt(p.getShort(at + 2)) & TYPE_MASK;
            if (len < 4 || len > p.limit() - at) {
                throw new NetlinkException("malformed attribute: type " + type + ", length " + len + " at offset " + at
                        + " of a " + p.limit() + "-byte message");
            }
            out.putIfAbsent(type, order(p.slice(at + 4, len - 4)));
            at += Math.min(align(len), p.limit() - at);
        }
        return out;
    }

    /** A NUL-terminated string attribute (up to its first NUL, or all of it). */
    static String string(ByteBuffer a) {
        int n = 0;
        while (n < a.limit() && a.get(n) != 0) {
            n++;
        }
        byte[] b = new byte[n];
        a.get(0, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    static long u32(ByteBuffer a, int offset) {
        return a != null && a.limit() - offset >= 4 && offset >= 0 ? Integer.toUnsignedLong(a.getInt(offset)) : 0;
    }

    /** An unsigned 64-bit counter (its bit pattern; counters do not reach 2^63). */
    static long u64(ByteBuffer a, int offset) {
        return a != null && a.limit() - offset >= 8 && offset >= 0 ? a.getLong(offset) : 0;
    }

    /** An unsigned 16-bit field in the host's byte order, as tcp_info's are. */
    static int u16(ByteBuffer a, int offset) {
        return a != null && a.limit() - offset >= 2 && offset >= 0 ? Short.toUnsignedInt(a.getShort(offset)) : 0;
    }

    static int u8(ByteBuffer a, int offset) {
        return a != null && a.limit() - offset >= 1 && offset >= 0 ? Byte.toUnsignedInt(a.get(offset)) : 0;
    }

    static byte[] bytes(ByteBuffer a) {
        byte[] b = new byte[a.limit()];
        a.get(0, b);
        return b;
    }

    /** Fails unless the fixed header of a message of {@code what} is all there. */
    static void require(ByteBuffer payload, int size, String what) {
        if (payload.limit() < size) {
            throw new NetlinkException("truncated " + what + ": " + payload.limit() + " bytes (expected: at least " + size + ")");
        }
    }
}
