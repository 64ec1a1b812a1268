package io.netpersona.learn;

import java.nio.ByteBuffer;
import java.util.function.BiConsumer;

/**
 * Finds a flow's names as its packets pass: DNS answers (into the meter's {@link DnsNames}, for the flows
 * that follow) and questions, the TLS SNI of a ClientHello (also one split over segments), the SNI of a QUIC
 * client's Initial packets, the HTTP Host. Only DNS messages and the first few payload packets of a flow are
 * parsed, so that a long flow costs nothing here after its start. Not thread-safe: one per meter.
 */
final class FlowNames {
    /** Names are looked for in the first payload packets of a TCP flow, this many of them (both sides together). */
    private static final int NAME_LOOKS = 4;

    private final DnsNames dns;
    /**
     * Where a QUIC client's Initial datagrams go to be opened, when not here: a copy of each, with its flow, to
     * the thread that later hands the flow on ({@link FlowHandOff}), which opens them in the same order with
     * {@link #quicOpened} before it reads the flow. Null: opened here, at once.
     */
    private BiConsumer<FlowState, byte[]> quicElsewhere;

    FlowNames(DnsNames dns) {
        this.dns = dns;
    }

    /** Sends the QUIC Initial datagrams to {@code elsewhere} instead of opening them here (see {@link #quicElsewhere}). */
    void openQuicElsewhere(BiConsumer<FlowState, byte[]> elsewhere) {
        this.quicElsewhere = elsewhere;
    }

    /** Looks for names in a packet with payload of flow {@code f}, sent by {@code side}. */
    void look(FlowState f, Packet p, int side) {
        ByteBuffer b = p.buffer;
        if (p.protocol == Packet.UDP) {
            if (isDns(p)) {
                String asked = dns.read(b, p.payloadOffset, p.payloadLength, f.dnsQuery.isEmpty());
                if (asked != null && f.dnsQuery.isEmpty()) {
                    f.dnsQuery = asked;
                }
            } else if (!p.fragment) {
                quic(f, p, side);
            }
            return;
        }
        if (p.protocol != Packet.TCP) {
            return;
        }
        if (f.hello != null) {
            helloContinued(f, p, side);
            return;
        }
        if (f.nameLooks >= NAME_LOOKS) {
            return;
        }
        f.nameLooks++;
        int off = p.payloadOffset, len = p.payloadLength;
        if (ServerNames.looksLikeClientHello(b, off, len)) {
            String sni = ServerNames.tlsServerName(b, off, len);
            if (sni == ServerNames.INCOMPLETE) {
                f.hello = new HelloBuffer(b, off, len, p.seq);
                f.helloSide = side;
            } else if (sni != null) {
                f.tlsServerName = sni;
                f.nameLooks = NAME_LOOKS;
            }
            return;
        }
        String host = ServerNames.httpHost(b, off, len);
        if (host != null) {
            f.httpHost = host;
            f.nameLooks = NAME_LOOKS;
        }
    }

    /** Reads a packet of a flow that another meter keeps only for the DNS answers it may carry. */
    void answers(Packet p) {
        if (isDns(p)) {
            dns.read(p.buffer, p.payloadOffset, p.payloadLength, false);
        }
    }

    /** The SNI of a QUIC client's Initial packets: looked for in a flow's first datagrams only. */
    private void quic(FlowState f, Packet p, int side) {
        if (quicElsewhere != null) {
            quicHandedOn(f, p, side);
            return;
        }
        if (f.quic == null) {
            if (!startsQuicInitial(f, p)) {
                return;
            }
            f.quic = new QuicInitial();
            f.quicSide = side;
        }
        if (side != f.quicSide) {
            return;
        }
        String sni = f.quic.add(p.buffer, p.payloadOffset, p.payloadLength);
        if (sni != ServerNames.INCOMPLETE) {
            f.quic = null;
            f.nameLooks = NAME_LOOKS;
            if (sni != null) {
                f.tlsServerName = sni;
            }
        }
    }

    /**
     * A flow's look for a QUIC client's first Initial packet, while it has looks left: whether {@code p} is one.
     * A Google QUIC hello instead names the flow and ends its looks.
     */
    private static boolean startsQuicInitial(FlowState f, Packet p) {
        if (f.nameLooks >= NAME_LOOKS) {
            return false;
        }
        f.nameLooks++;
        if (QuicInitial.looksLikeInitial(p.buffer, p.payloadOffset, p.payloadLength)) {
            return true;
        }
        String google = QuicInitial.googleHello(p.buffer, p.payloadOffset, p.payloadLength);
        if (google != null) {
            f.tlsServerName = google;
            f.nameLooks = NAME_LOOKS;
        }
        return false;
    }

    /**
     * {@link #quic} with the datagrams opened elsewhere: the same looks, the same Google hellos, and the same
     * datagrams to open, but without waiting for what opening them says. It hands on at most
     * {@link QuicInitial#MAX_PACKETS} of the client's datagrams, all that {@link QuicInitial#add} ever reads of a
     * flow; the opener skips those that come after the hello was whole or given up on ({@link FlowState#quicDone}),
     * as {@link #quic} does not hand them to it.
     */
    private void quicHandedOn(FlowState f, Packet p, int side) {
        if (f.quicHandedOn < 0) {
            if (!startsQuicInitial(f, p)) {
                return;
            }
            f.quicHandedOn = 0;
            f.quicSide = side;
        }
        if (side != f.quicSide || f.quicHandedOn >= QuicInitial.MAX_PACKETS) {
            return;
        }
        f.quicHandedOn++;
        byte[] datagram = new byte[p.payloadLength];
        p.buffer.get(p.payloadOffset, datagram);
        quicElsewhere.accept(f, datagram);
    }

    /** Opens a datagram {@link #quicHandedOn} handed on, on the thread that hands {@code f} on when it ends. */
    static void quicOpened(FlowState f, byte[] datagram) {
        if (f.quicDone) {
            return;
        }
        if (f.quic == null) {
            f.quic = new QuicInitial();
        }
        String sni = f.quic.add(ByteBuffer.wrap(datagram), 0, datagram.length);
        if (sni != ServerNames.INCOMPLETE) {
            f.quic = null;
            f.quicDone = true;
            if (sni != null) {
                f.tlsServerName = sni;
            }
        }
    }

    private static boolean isDns(Packet p) {
        return p.protocol == Packet.UDP && p.payloadLength > 0 && !p.fragment
                && (p.srcPort == 53 || p.dstPort == 53 || p.srcPort == 5353 || p.dstPort == 5353);
    }

    private void helloContinued(FlowState f, Packet p, int side) {
        HelloBuffer h = f.hello;
        if (side != f.helloSide || h.isRetransmission(p.seq)) {
            return;
        }
        if (!h.append(p.buffer, p.payloadOffset, p.payloadLength, p.seq)) {
            f.hello = null;
            return;
        }
        String sni = h.serverName();
        if (sni != ServerNames.INCOMPLETE) {
            f.hello = null;
            if (sni != null) {
                f.tlsServerName = sni;
                f.nameLooks = NAME_LOOKS;
            }
        }
    }
}
