package io.netpersona.learn.profile;

import io.netpersona.learn.Flow;
import io.netpersona.learn.Packet;

/**
 * Which end of a flow is the server (the side that accepted the conversation). TCP says it outright when the
 * handshake was seen: the side that sent the SYN is the client. Otherwise ports decide, in this order:
 * a port below 1024 against one above serves; a port below Linux's ephemeral range (32768) against one in it
 * serves; failing both, the side that spoke first is the client.
 */
final class ServerSide {
    static final int EPHEMERAL = 32768, WELL_KNOWN = 1024;

    private ServerSide() {
    }

    /** Whether the flow's {@code dst} is its server. */
    static boolean isDst(Flow f) {
        // a SYN answered by a SYN/ACK: the meter keeps a flow's first sender as src, and the SYN comes first
        if (f.protocol() == Packet.TCP && f.handshake().synToSynAckNanos() >= 0) {
            return true;
        }
        int s = f.srcPort(), d = f.dstPort();
        if (s > 0 && d > 0 && (s < WELL_KNOWN) != (d < WELL_KNOWN)) {
            return d < WELL_KNOWN;
        }
        if (s > 0 && d > 0 && (s < EPHEMERAL) != (d < EPHEMERAL)) {
            return d < EPHEMERAL;
        }
        return true;
    }
}
