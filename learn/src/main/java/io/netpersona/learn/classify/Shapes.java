package io.netpersona.learn.classify;

import io.netpersona.learn.Flow;

/**
 * What the first payload bytes of a flow look like: the fixed header shapes of common protocols (TLS records,
 * QUIC long headers, STUN's magic cookie, RTP version 2, DNS, text commands). Each test is about a protocol's
 * published wire format, so it holds for any capture; the model decides what a shape means for the class.
 */
final class Shapes {
    private Shapes() {
    }

    static boolean tls(Flow.Heads h, boolean side) {
        int type = h.at(side, 0);
        return type >= 0x14 && type <= 0x17 && h.at(side, 1) == 3 && h.at(side, 2) >= 0 && h.at(side, 2) <= 4;
    }

    /** QUIC long header (form and fixed bits set) with a version of QUIC v1, v2, an IETF draft or Google's Q0xx. */
    static boolean quic(Flow.Heads h, boolean side) {
        if ((h.at(side, 0) & 0xc0) != 0xc0 || h.length(side) < 5) {
            return false;
        }
        long v = (long) h.at(side, 1) << 24 | h.at(side, 2) << 16 | h.at(side, 3) << 8 | h.at(side, 4);
        return v == 1 || v == 0x6b3343cfL || (v >>> 8) == 0xff0000L || (v >>> 16) == 0x5130L || (v & 0x0f0f0f0fL) == 0x0a0a0a0aL;
    }

    /** STUN/TURN: two zero bits, a message type, and the magic cookie of RFC 5389 (or a classic RFC 3489 type). */
    static boolean stun(Flow.Heads h, boolean side, int payloadBytes) {
        if (h.length(side) < 8 || (h.at(side, 0) & 0xc0) != 0) {
            return false;
        }
        boolean cookie = h.at(side, 4) == 0x21 && h.at(side, 5) == 0x12 && h.at(side, 6) == 0xa4 && h.at(side, 7) == 0x42;
        int length = h.at(side, 2) << 8 | h.at(side, 3);
        return cookie || (h.at(side, 0) <= 1 && length + 20 == payloadBytes && (length & 3) == 0);
    }

    /** RTP version 2 with an audio/video or dynamic payload type, or RTCP's report types. */
    static boolean rtp(Flow.Heads h, boolean side) {
        if ((h.at(side, 0) & 0xc0) != 0x80 || h.length(side) < 12) {
            return false;
        }
        int type = h.at(side, 1) & 0x7f;
        return type <= 34 || type >= 96 || (h.at(side, 1) >= 200 && h.at(side, 1) <= 206);
    }

    /** A DNS-like message: one question, a standard opcode, few answers. */
    static boolean dns(Flow.Heads h, boolean side) {
        if (h.length(side) < 12) {
            return false;
        }
        int questions = h.at(side, 4) << 8 | h.at(side, 5);
        int opcode = (h.at(side, 2) >> 3) & 0x0f;
        int answers = h.at(side, 6) << 8 | h.at(side, 7);
        return questions == 1 && opcode <= 2 && answers < 64 && (h.at(side, 3) & 0x40) == 0;
    }

    /** The share of printable ASCII (and CR, LF, tab) in the head; 0 when there is none. */
    static double text(Flow.Heads h, boolean side) {
        int n = h.length(side);
        if (n == 0) {
            return 0;
        }
        int printable = 0;
        for (int i = 0; i < n; i++) {
            int c = h.at(side, i);
            if ((c >= 0x20 && c < 0x7f) || c == '\r' || c == '\n' || c == '\t') {
                printable++;
            }
        }
        return (double) printable / n;
    }

    static boolean startsWith(Flow.Heads h, boolean side, String prefix) {
        if (h.length(side) < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (h.at(side, i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** An HTTP request line (a method and a space) or an HTTP status line. */
    static boolean http(Flow.Heads h, boolean side) {
        for (String m : new String[] {"GET ", "POST ", "HEAD ", "PUT ", "OPTIONS ", "CONNECT ", "DELETE ", "PATCH ", "HTTP/1."}) {
            if (startsWith(h, side, m)) {
                return true;
            }
        }
        return false;
    }

    /** SIP's request methods and status line. */
    static boolean sip(Flow.Heads h, boolean side) {
        for (String m : new String[] {"INVITE ", "REGISTER ", "OPTIONS sip", "SIP/2.0", "NOTIFY ", "SUBSCRIBE ", "BYE ", "ACK ", "CANCEL "}) {
            if (startsWith(h, side, m)) {
                return true;
            }
        }
        return false;
    }

    /** Greetings of mail and file-transfer servers, and IRC/XMPP openings: chatty line protocols. */
    static boolean banner(Flow.Heads h, boolean side) {
        for (String m : new String[] {"220", "+OK", "* OK", "EHLO", "HELO", "NICK ", "<?xml", "<stream"}) {
            if (startsWith(h, side, m)) {
                return true;
            }
        }
        return false;
    }

    /** Peer-to-peer handshakes: BitTorrent's, its DHT's bencoded messages, Gnutella's. */
    static boolean peerToPeer(Flow.Heads h, boolean side) {
        return startsWith(h, side, "\u0013BitTorrent") || startsWith(h, side, "d1:") || startsWith(h, side, "GNUTELLA")
                || startsWith(h, side, "GND");
    }
}
