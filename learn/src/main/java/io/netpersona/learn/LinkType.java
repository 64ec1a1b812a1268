package io.netpersona.learn;

/** The link types the decoder understands (tcpdump.org LINKTYPE_ numbers, with the DLT_ aliases seen in files). */
public final class LinkType {
    /** Not a link type: a pcapng packet that names an interface its section never described. */
    public static final int NO_INTERFACE = -1;
    /** BSD loopback: a 4-byte address family in the writer's byte order. */
    public static final int NULL = 0;
    public static final int ETHERNET = 1;
    /** PPP, also carrying Cisco HDLC frames as libpcap does for serial links. */
    public static final int PPP = 9;
    /** DLT_RAW on most BSDs. */
    public static final int RAW_BSD = 12;
    /** DLT_RAW on OpenBSD. */
    public static final int RAW_OPENBSD = 14;
    public static final int PPP_HDLC = 50;
    public static final int PPP_ETHER = 51;
    public static final int RAW = 101;
    public static final int C_HDLC = 104;
    /** OpenBSD loopback: like {@link #NULL} but always big-endian. */
    public static final int LOOP = 108;
    public static final int LINUX_SLL = 113;
    /** Per-packet information header (802.11 captures) in front of another link type. */
    public static final int PPI = 192;
    public static final int IPV4 = 228;
    public static final int IPV6 = 229;
    public static final int LINUX_SLL2 = 276;

    private LinkType() {
    }

    /** Whether {@link PacketDecoder} can decode frames of this link type. */
    public static boolean supported(int linkType) {
        return switch (linkType) {
            case NULL, ETHERNET, PPP, RAW_BSD, RAW_OPENBSD, PPP_HDLC, PPP_ETHER, RAW, C_HDLC, LOOP, LINUX_SLL, PPI,
                 IPV4, IPV6, LINUX_SLL2 -> true;
            default -> false;
        };
    }
}
