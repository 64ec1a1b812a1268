package io.netpersona.learn;

import java.nio.ByteBuffer;

/** Server names from the first payload of a connection: the SNI of a TLS ClientHello, the Host of an HTTP request. */
final class ServerNames {
    /** Returned by {@link #tlsServerName} for a ClientHello that goes on past the bytes given. */
    static final String INCOMPLETE = new String("incomplete");
    private static final int MAX_NAME = 255;
    private static final int HTTP_SCAN = 4096;

    private ServerNames() {
    }

    static boolean looksLikeClientHello(ByteBuffer b, int off, int len) {
        return len >= 6 && b.get(off) == 0x16 && b.get(off + 1) == 3 && b.get(off + 5) == 1;
    }

    /** The SNI of the ClientHello at {@code off}; null when there is none, {@link #INCOMPLETE} when cut short. */
    static String tlsServerName(ByteBuffer b, int off, int len) {
        if (!looksLikeClientHello(b, off, len)) {
            return null;
        }
        int end = off + len;
        int recordEnd = off + 5 + PacketDecoder.u16(b, off + 3);
        boolean cut = recordEnd > end;
        int limit = Math.min(end, recordEnd);
        // handshake header (4), client version (2), random (32)
        int o = off + 5 + 4 + 2 + 32;
        if (o + 1 > limit) {
            return cut ? INCOMPLETE : null;
        }
        o += 1 + (b.get(o) & 0xff);
        if (o + 2 > limit) {
            return cut ? INCOMPLETE : null;
        }
        o += 2 + PacketDecoder.u16(b, o);
        if (o + 1 > limit) {
            return cut ? INCOMPLETE : null;
        }
        o += 1 + (b.get(o) & 0xff);
        if (o + 2 > limit) {
            return cut ? INCOMPLETE : null;
        }
        int extensionsEnd = Math.min(limit, o + 2 + PacketDecoder.u16(b, o));
        o += 2;
        while (o + 4 <= extensionsEnd) {
            int type = PacketDecoder.u16(b, o);
            int length = PacketDecoder.u16(b, o + 2);
            o += 4;
            if (type == 0) {
                if (o + length > extensionsEnd) {
                    return cut ? INCOMPLETE : null;
                }
                // server_name_list: length, then entries of type, length, name
                if (length >= 5 && b.get(o + 2) == 0) {
                    int nameLength = PacketDecoder.u16(b, o + 3);
                    if (nameLength <= length - 5) {
                        return ascii(b, o + 5, nameLength);
                    }
                }
                return null;
            }
            o += length;
        }
        return cut ? INCOMPLETE : null;
    }

    /** The Host header of the HTTP request at {@code off}, without a port; null when it is not a request or has none. */
    static String httpHost(ByteBuffer b, int off, int len) {
        if (!httpRequest(b, off, len)) {
            return null;
        }
        // scanned in a copy: byte by byte, an array costs a fraction of a direct buffer's checked reads
        int end = Math.min(len, HTTP_SCAN);
        byte[] a = new byte[end];
        b.get(off, a);
        for (int o = 0; o + 7 <= end; o++) {
            if (a[o] == '\n' && lower(a[o + 1]) == 'h' && lower(a[o + 2]) == 'o' && lower(a[o + 3]) == 's'
                    && lower(a[o + 4]) == 't' && a[o + 5] == ':') {
                int start = o + 6;
                while (start < end && (a[start] == ' ' || a[start] == '\t')) {
                    start++;
                }
                int stop = start;
                boolean bracket = start < end && a[start] == '[';
                while (stop < end && a[stop] != '\r' && a[stop] != '\n' && a[stop] != ' ' && (bracket || a[stop] != ':')) {
                    stop++;
                }
                return stop > start ? ascii(a, start, stop - start) : null;
            }
            if (a[o] == '\r' && o + 3 < end && a[o + 1] == '\n' && a[o + 2] == '\r') {
                return null;
            }
        }
        return null;
    }

    private static boolean httpRequest(ByteBuffer b, int off, int len) {
        if (len < 16) {
            return false;
        }
        // a method is upper-case letters followed by a space: GET, POST, HEAD, PUT, OPTIONS, CONNECT, ...
        int i = 0;
        while (i < 8 && b.get(off + i) >= 'A' && b.get(off + i) <= 'Z') {
            i++;
        }
        return i >= 3 && b.get(off + i) == ' ';
    }

    private static int lower(byte c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    /** {@link #ascii(ByteBuffer, int, int)} of an array. */
    private static String ascii(byte[] a, int off, int len) {
        if (len <= 0 || len > MAX_NAME) {
            return null;
        }
        for (int i = 0; i < len; i++) {
            int c = a[off + i] & 0xff;
            if (c <= 0x20 || c >= 0x7f) {
                return null;
            }
        }
        return new String(a, off, len, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Printable ASCII only, at most 255 characters; null otherwise. */
    static String ascii(ByteBuffer b, int off, int len) {
        if (len <= 0 || len > MAX_NAME) {
            return null;
        }
        char[] chars = new char[len];
        for (int i = 0; i < len; i++) {
            int c = b.get(off + i) & 0xff;
            if (c <= 0x20 || c >= 0x7f) {
                return null;
            }
            chars[i] = (char) c;
        }
        return new String(chars);
    }
}
