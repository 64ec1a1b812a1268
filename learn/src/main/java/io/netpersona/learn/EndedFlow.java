package io.netpersona.learn;

/**
 * A flow as it ends, read straight from the meter's state: what a sink that writes rows needs, without
 * making a {@link Flow} (its addresses, sides, names and lists) for each of hundreds of thousands of flows.
 * One view is reused for every flow a sink hears: it is valid only during the call that hands it over;
 * {@link #flow()} makes the lasting {@link Flow}. The accessors mean what {@link Flow}'s of the same names do.
 * A view of a {@link Flow} made elsewhere ({@link #of(Flow)}) lets the same writer take both.
 */
public final class EndedFlow {
    private final String capture;
    private FlowState f;
    private Flow.End end;
    /** Set when this views a whole flow instead of a meter's state. */
    private final Flow whole;

    EndedFlow(String capture) {
        this.capture = capture;
        this.whole = null;
    }

    private EndedFlow(Flow whole) {
        this.capture = whole.capture();
        this.whole = whole;
    }

    /** A view of {@code flow}, for a writer of ended flows. */
    public static EndedFlow of(Flow flow) {
        return new EndedFlow(java.util.Objects.requireNonNull(flow, "flow"));
    }

    EndedFlow of(FlowState state, Flow.End why) {
        this.f = state;
        this.end = why;
        return this;
    }

    /** The flow this view shows, made whole: it outlives the call. */
    public Flow flow() {
        return whole != null ? whole : f.toFlow(capture, end);
    }

    public String capture() {
        return capture;
    }

    public int ipVersion() {
        return whole != null ? whole.ipVersion() : f.ipVersion;
    }

    public int protocol() {
        return whole != null ? whole.protocol() : f.protocol;
    }

    /** {@link Flow#protocolName()}. */
    public String protocolName() {
        return Protocols.name(protocol());
    }

    public int srcPort() {
        return whole != null ? whole.srcPort() : f.aPort;
    }

    public int dstPort() {
        return whole != null ? whole.dstPort() : f.bPort;
    }

    public int vlan() {
        return whole != null ? whole.vlan() : f.vlan;
    }

    public long firstNanos() {
        return whole != null ? whole.firstNanos() : f.first;
    }

    public long lastNanos() {
        return whole != null ? whole.lastNanos() : f.last;
    }

    /** Packets the side sent: {@code forward} is {@link Flow#forward()}, else {@link Flow#backward()}. */
    public long packets(boolean forward) {
        return whole != null ? side(forward).packets() : f.packets(forward ? 0 : 1);
    }

    public long bytes(boolean forward) {
        return whole != null ? side(forward).bytes() : f.bytes(forward ? 0 : 1);
    }

    public long retransmissions(boolean forward) {
        if (whole != null) {
            return side(forward).retransmissions();
        }
        return f.tcp == null ? 0 : f.tcp.retransmissions(forward ? 0 : 1);
    }

    /** {@link Flow.Handshake#rttNanos()}: -1 when the handshake was not seen whole. */
    public long handshakeRttNanos() {
        if (whole != null) {
            return whole.handshake().rttNanos();
        }
        return f.tcp == null ? -1 : f.tcp.handshakeRttNanos();
    }

    /** {@link Flow#rttNanos()}. */
    public long rttNanos() {
        if (whole != null) {
            return whole.rttNanos();
        }
        TcpState tcp = f.tcp;
        if (tcp != null && tcp.echoRttMeasured(0) && tcp.echoRttMeasured(1)) {
            return tcp.echoRttMeanNanos(0) + tcp.echoRttMeanNanos(1);
        }
        return handshakeRttNanos();
    }

    public String tlsServerName() {
        return whole != null ? whole.names().tlsServerName() : f.tlsServerName;
    }

    public String httpHost() {
        return whole != null ? whole.names().httpHost() : f.httpHost;
    }

    public String dnsName() {
        return whole != null ? whole.names().dnsName() : f.dnsName;
    }

    public String dnsQuery() {
        return whole != null ? whole.names().dnsQuery() : f.dnsQuery;
    }

    /** {@link Flow.Names#serverName()}. */
    public String serverName() {
        if (whole != null) {
            return whole.names().serverName();
        }
        return !f.tlsServerName.isEmpty() ? f.tlsServerName : !f.httpHost.isEmpty() ? f.httpHost : f.dnsName;
    }

    public Flow.End end() {
        return whole != null ? whole.end() : end;
    }

    /**
     * Writes the source's address ({@code src}) or the destination's as {@link IpText#of} would write the flow's
     * {@link Flow#srcAddress()} or {@link Flow#dstAddress()}, into {@code out} from {@code at} (which has room for
     * {@link IpText#MAX_CHARS}); returns the position after it.
     */
    public int address(boolean src, char[] out, int at) {
        if (whole != null) {
            String text = IpText.of(src ? whole.srcAddress() : whole.dstAddress());
            text.getChars(0, text.length(), out, at);
            return at + text.length();
        }
        return src ? IpText.write(f.ipVersion, f.aHi, f.aLo, out, at) : IpText.write(f.ipVersion, f.bHi, f.bLo, out, at);
    }

    private Flow.Side side(boolean forward) {
        return forward ? whole.forward() : whole.backward();
    }
}
