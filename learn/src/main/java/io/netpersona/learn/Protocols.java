package io.netpersona.learn;

/** Names of IP protocol numbers (and {@link Packet#ARP}), as the flow table prints them. */
final class Protocols {
    private Protocols() {
    }

    static String name(int protocol) {
        return switch (protocol) {
            case Packet.TCP -> "TCP";
            case Packet.UDP -> "UDP";
            case Packet.ICMP -> "ICMP";
            case Packet.ICMPV6 -> "ICMPV6";
            case Packet.SCTP -> "SCTP";
            case 2 -> "IGMP";
            case 47 -> "GRE";
            case 50 -> "ESP";
            case 51 -> "AH";
            case 89 -> "OSPF";
            case 103 -> "PIM";
            case 112 -> "VRRP";
            case 113 -> "PGM";
            case Packet.ARP -> "ARP";
            default -> Integer.toString(protocol);
        };
    }
}
