package io.netpersona.learn;

/** What {@link PacketDecoder} made of a frame: an IP packet, or why it is not one a flow can take. */
public enum DecodeResult {
    /** An IP packet with its transport header (ports where the protocol has them). */
    IP("ip"),
    /**
     * A later IPv4 or IPv6 fragment: addresses and protocol, but no transport header. Fragments are not
     * reassembled, and later ones belong to no flow (the first fragment, with the ports, does), as in nDPI.
     */
    FRAGMENT("ip-fragment"),
    /** A frame of a link protocol other than IP (ARP, LLDP, spanning tree, ...): not a problem, not a flow. */
    NOT_IP("not-ip"),
    /**
     * An ARP frame for IPv4, when the decoder was asked for them: a flow between the sender's and the target's
     * protocol addresses ({@link Packet#ARP}, ports 0, no payload).
     */
    ARP("arp"),
    /**
     * A record whose length on the wire is below its captured length or above 262,144 bytes (libpcap's
     * ceiling): its header is damaged, so its bytes are not trusted (tcpdump skips such records too).
     */
    BAD_FRAME_LENGTH("bad-frame-length"),
    /** A link type the decoder does not know. */
    UNSUPPORTED_LINK_TYPE("unsupported-link-type"),
    /** A pcapng packet of an interface its section never described. */
    UNKNOWN_INTERFACE("unknown-interface"),
    /** Link-layer header (Ethernet, VLAN tags, SLL, PPP, ...) cut short. */
    TRUNCATED_LINK("truncated-link-header"),
    /**
     * IP header cut short by the capture; with {@link FlowMeter.Options#wholePacketsOnly()}, also any IP
     * packet the capture did not keep whole.
     */
    TRUNCATED_IP("truncated-ip-header"),
    /** IP header that cannot be right (wrong version, header length below the minimum, ...). */
    BAD_IP_HEADER("bad-ip-header"),
    /** TCP, UDP, ICMP or SCTP header cut short by the capture: still a flow, with ports 0. */
    TRUNCATED_TRANSPORT("truncated-transport-header"),
    /** TCP header length below 20 bytes: still a flow (the ports are there), without payload. */
    BAD_TRANSPORT_HEADER("bad-transport-header"),
    /** More nested encapsulations or IPv6 extension headers than the decoder follows. */
    TOO_DEEP("too-deep");

    private final String label;

    DecodeResult(String label) {
        this.label = label;
    }

    /** A short lower-case name for reports: {@code truncated-ip-header}. */
    public String label() {
        return label;
    }

    /** Whether the frame is a packet of a flow: IP (its transport header may be cut short or odd), or ARP. */
    public boolean inFlow() {
        return this == IP || this == TRUNCATED_TRANSPORT || this == BAD_TRANSPORT_HEADER || this == ARP;
    }
}
