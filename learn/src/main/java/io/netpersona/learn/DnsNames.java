package io.netpersona.learn;

import java.nio.ByteBuffer;

/**
 * Names from DNS answers seen in the capture: every A and AAAA record of a response maps its address to
 * the question's name (the name the client asked for, whatever CNAME chain led to the address), so flows
 * that later go to that address carry the name. Bounded: the addresses answered least recently go first.
 * Looking a name up changes nothing, so that meters that see the same DNS answers (one per shard of the
 * flows, see {@link FlowMeter}) hold the same names whatever flows each of them looks up.
 */
final class DnsNames {
    static final int CAPACITY = 1 << 16;
    private static final int MAX_POINTERS = 16, MAX_RECORDS = 64;

    private final AddressNames names = new AddressNames(CAPACITY);
    /** The question's name as it is read: at most 255 characters, each a byte. */
    private final byte[] text = new byte[256];
    private int textLength;

    /** The name last resolved to this address, or "" . */
    String name(long hi, long lo) {
        String n = names.get(hi, lo);
        return n == null ? "" : n;
    }

    int size() {
        return names.size();
    }

    /**
     * Reads a DNS message; for a response, remembers its addresses. Returns the question's name, or null
     * when the message is not one that can be read, or (unless {@code wantQuestion}) has no addresses.
     */
    String read(ByteBuffer b, int off, int len, boolean wantQuestion) {
        if (len < 12) {
            return null;
        }
        int end = off + len;
        int flags = PacketDecoder.u16(b, off + 2);
        int questions = PacketDecoder.u16(b, off + 4);
        int answers = PacketDecoder.u16(b, off + 6);
        boolean response = (flags & 0x8000) != 0;
        boolean addresses = response && (flags & 0x000f) == 0 && answers > 0;
        if (questions != 1 || !wantQuestion && !addresses) {
            // nothing to learn: the name is only read when it is needed
            return null;
        }
        textLength = 0;
        int o = name(b, off, off + 12, end, true);
        if (o < 0 || o + 4 > end || textLength == 0) {
            return null;
        }
        o += 4;
        String asked = new String(text, 0, textLength, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!addresses) {
            return asked;
        }
        for (int i = 0; i < Math.min(answers, MAX_RECORDS); i++) {
            o = name(b, off, o, end, false);
            if (o < 0 || o + 10 > end) {
                break;
            }
            int type = PacketDecoder.u16(b, o);
            int length = PacketDecoder.u16(b, o + 8);
            o += 10;
            if (o + length > end) {
                break;
            }
            if (type == 1 && length == 4) {
                names.put(0, 0xffff_0000_0000L | (b.getInt(o) & 0xffffffffL), asked);
            } else if (type == 28 && length == 16) {
                names.put(b.getLong(o), b.getLong(o + 8), asked);
            }
            o += length;
        }
        return asked;
    }

    /**
     * Reads (into {@link #text}, when {@code read}) or skips the name at {@code o}; returns the offset after it in
     * the record, or -1 when the name is malformed. Compression pointers are followed a bounded number of times.
     */
    private int name(ByteBuffer b, int message, int o, int end, boolean read) {
        int after = -1;
        for (int pointers = 0; o < end; ) {
            int length = b.get(o) & 0xff;
            if (length == 0) {
                return after >= 0 ? after : o + 1;
            }
            if ((length & 0xc0) == 0xc0) {
                if (o + 1 >= end || ++pointers > MAX_POINTERS) {
                    return -1;
                }
                if (after < 0) {
                    after = o + 2;
                }
                o = message + ((length & 0x3f) << 8 | (b.get(o + 1) & 0xff));
                continue;
            }
            if ((length & 0xc0) != 0 || o + 1 + length > end) {
                return -1;
            }
            if (read) {
                if (textLength + length + 1 > 255) {
                    return -1;
                }
                if (textLength > 0) {
                    text[textLength++] = '.';
                }
                // the label in one copy, then checked in the array: a direct buffer's reads one by one cost more
                b.get(o + 1, text, textLength, length);
                for (int i = textLength, stop = textLength + length; i < stop; i++) {
                    int c = text[i] & 0xff;
                    if (c <= 0x20 || c >= 0x7f) {
                        text[i] = '?';
                    }
                }
                textLength += length;
            }
            o += 1 + length;
        }
        return -1;
    }
}
