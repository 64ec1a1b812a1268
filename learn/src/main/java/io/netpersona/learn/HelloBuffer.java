package io.netpersona.learn;

import java.nio.ByteBuffer;

/**
 * The start of a TLS ClientHello that did not fit its TCP segment, kept until the next in-order segment
 * of the same side arrives. Bounded in bytes and in segments: a hello that needs more is given up.
 */
final class HelloBuffer {
    static final int MAX_BYTES = 16 * 1024, MAX_SEGMENTS = 4;
    private final byte[] bytes;
    private int length;
    private int nextSeq;
    private int segments;

    HelloBuffer(ByteBuffer b, int off, int len, int seq) {
        bytes = new byte[Math.min(MAX_BYTES, Math.max(len, 5 + PacketDecoder.u16(b, off + 3)))];
        append(b, off, len, seq);
    }

    /** Adds a segment; false when it is not the next one or the hello grew past the bounds. */
    boolean append(ByteBuffer b, int off, int len, int seq) {
        if (segments > 0 && seq != nextSeq) {
            return false;
        }
        if (++segments > MAX_SEGMENTS) {
            return false;
        }
        int n = Math.min(len, bytes.length - length);
        b.get(off, bytes, length, n);
        length += n;
        nextSeq = seq + len;
        return true;
    }

    /** The SNI, null when there is none, {@link ServerNames#INCOMPLETE} while more is needed and fits. */
    String serverName() {
        String name = ServerNames.tlsServerName(ByteBuffer.wrap(bytes, 0, length), 0, length);
        if (name == ServerNames.INCOMPLETE && length >= bytes.length) {
            return null;
        }
        return name;
    }

    boolean isRetransmission(int seq) {
        return seq - nextSeq < 0;
    }
}
