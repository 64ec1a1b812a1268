package io.netpersona.learn.classify;

import io.netpersona.learn.Flow;
import io.netpersona.learn.Packet;

/**
 * Which application protocol a flow speaks, as nDPI would name it, from fixed knowledge of protocols: the IP
 * protocol number, the first payload bytes of each side ({@link Payloads}), the names of known services in
 * the TLS SNI or HTTP Host ({@link ServiceNames}), and well-known ports as a last guess. Nothing here was
 * learned from captures, so it needs no training and no cross-validation fold.
 *
 * <p>A signature is {@linkplain Signature#confident() confident} when its protocol settles the nDPI category;
 * carriers such as TLS, QUIC, HTTP, STUN or RTP without a known service, and port guesses, are not.
 */
public final class Signatures {
    private Signatures() {
    }

    /**
     * More packets than a STUN exchange needs to find addresses and keep a binding (a dozen or two): what
     * follows is the media of a call (WebRTC, WhatsApp and others send it on the STUN flow's ports).
     */
    static final int CALL_PACKETS = 40;

    /** The flow's protocol, null when nothing is recognised. */
    public static Signature of(Flow f) {
        Signature s = bare(f);
        String name = f.names().serverName();
        if (s == null && !f.names().tlsServerName().isEmpty()) {
            s = new Signature("TLS", "Web", false);
        }
        if (s != null && carrier(s.protocol())) {
            Signature.Service service = ServiceNames.of(f.names().tlsServerName().isEmpty() ? f.names().httpHost()
                    : f.names().tlsServerName());
            if (service == null && s.protocol().startsWith("HTTP") && (f.dstPort() == 631 || f.srcPort() == 631)) {
                return new Signature("HTTP.IPP", "System", true); // the Internet Printing Protocol
            }
            if (service != null) {
                // a game's web pages and launcher downloads go over HTTP; its play does not
                boolean page = s.protocol().startsWith("HTTP") && service.category().equals("Game");
                return page ? new Signature(s.protocol() + "." + service.name(), "Web", true) : s.carrying(service);
            }
            Signature.Service resolved = ServiceNames.of(f.names().dnsName());
            if (resolved != null) {
                return s.carrying(resolved).unsure();
            }
            // nDPI's category of a carrier whose service it does not know is Web; DTLS carries calls as often
            boolean decides = !s.protocol().equals("DTLS") && s.protocol().equals(fromPayload(f));
            return decides ? new Signature(s.protocol(), s.category(), true) : s;
        }
        if (s == null && !name.isEmpty()) {
            Signature.Service service = ServiceNames.of(name);
            if (service != null) {
                return new Signature(service.name(), service.category(), false);
            }
        }
        return s;
    }

    /** The protocol the payload showed, empty when only a port (or nothing) suggested one. */
    private static String fromPayload(Flow f) {
        Signature s = f.protocol() == 6 || f.protocol() == 17 ? transport(f) : null;
        return s == null || s == Ports.of(f) ? "" : s.protocol();
    }

    private static boolean carrier(String protocol) {
        return switch (protocol) {
            case "TLS", "QUIC", "HTTP", "DTLS", "HTTP2" -> true;
            default -> false;
        };
    }

    /** The protocol without the service it carries. */
    private static Signature bare(Flow f) {
        switch (f.protocol()) {
            case 1, 58 -> {
                return new Signature(f.protocol() == 1 ? "ICMP" : "ICMPV6", "Network", true);
            }
            case 2 -> {
                return new Signature("IGMP", "Network", true);
            }
            case Packet.ARP -> {
                // address resolution is the network's own business, as nDPI files ICMP and IGMP
                return new Signature("ARP", "Network", true);
            }
            case 47 -> {
                return new Signature("GRE", "Network", true);
            }
            case 50, 51 -> {
                return new Signature("IPSec", "VPN", true);
            }
            case 89, 103, 112, 132 -> {
                return new Signature(switch (f.protocol()) {
                    case 89 -> "OSPF";
                    case 103 -> "IP_PIM";
                    case 112 -> "VRRP";
                    default -> "SCTP";
                }, "Network", true);
            }
            case 6, 17 -> {
                return transport(f);
            }
            default -> {
                return null;
            }
        }
    }

    private static Signature transport(Flow f) {
        boolean tcp = f.protocol() == 6;
        Flow.Heads h = f.heads();
        boolean query = Shapes.dns(h, true), answer = Shapes.dns(h, false);
        if (!f.names().dnsQuery().isEmpty() || ((query || answer) && dnsPort(f))
                || (!tcp && query && answer && h.at(true, 0) == h.at(false, 0) && h.at(true, 1) == h.at(false, 1))) {
            return dns(f);
        }
        for (boolean side : new boolean[] {true, false}) {
            if (Shapes.tls(h, side) && h.at(side, 0) == 0x16) {
                return implicitTls(f);
            }
            if (!tcp && h.at(side, 0) == 0x16 && h.at(side, 1) == 0xfe && h.at(side, 2) >= 0xfc) {
                return new Signature("DTLS", "Web", false);
            }
            if (!tcp && Shapes.quic(h, side)) {
                return new Signature("QUIC", "Web", false);
            }
        }
        for (boolean side : new boolean[] {true, false}) {
            Payloads.Head head = new Payloads.Head(h, side, tcp, side ? f.srcPort() : f.dstPort(),
                    side ? f.dstPort() : f.srcPort(), firstPayload(f, side));
            Signature s = Payloads.of(head);
            if (s != null) {
                return s;
            }
        }
        for (boolean side : new boolean[] {true, false}) {
            if (Shapes.tls(h, side)) {
                return new Signature("TLS", "Web", false);
            }
            if (Shapes.stun(h, side, firstPayload(f, side))) {
                // a few binding checks find addresses; a long STUN flow is a call whose media shares its ports
                return f.packets() > CALL_PACKETS ? new Signature("STUN", "VoIP", true)
                        : new Signature("STUN", "Network", false);
            }
        }
        return Ports.of(f);
    }

    /** TLS, named by the ports of protocols that start with it (DNS, mail); plain TLS elsewhere. */
    private static Signature implicitTls(Flow f) {
        for (int port : new int[] {f.dstPort(), f.srcPort()}) {
            switch (port) {
                case 853 -> {
                    return new Signature("TLS.DoH_DoT", "Network", true);
                }
                case 993 -> {
                    return new Signature("IMAPS", "Email", true);
                }
                case 995 -> {
                    return new Signature("POPS", "Email", true);
                }
                case 465 -> {
                    return new Signature("SMTPS", "Email", true);
                }
                default -> {
                }
            }
        }
        return new Signature("TLS", "Web", false);
    }

    private static boolean dnsPort(Flow f) {
        for (int p : new int[] {53, 5353, 5355, 137, 853, 5300}) {
            if (f.srcPort() == p || f.dstPort() == p) {
                return true;
            }
        }
        return false;
    }

    /** DNS and its relatives, told apart by port: multicast DNS, LLMNR, the NetBIOS name service. */
    private static Signature dns(Flow f) {
        if (f.srcPort() == 5353 || f.dstPort() == 5353) {
            return new Signature("MDNS", "Network", true);
        }
        if (f.srcPort() == 5355 || f.dstPort() == 5355) {
            return new Signature("LLMNR", "Network", true);
        }
        if (f.srcPort() == 137 || f.dstPort() == 137) {
            return new Signature("NetBIOS", "System", true);
        }
        return new Signature("DNS", "Network", true);
    }

    private static int firstPayload(Flow f, boolean side) {
        for (Flow.FirstPacket p : f.firstPackets()) {
            if (p.forward() == side && p.payloadBytes() > 0) {
                return p.payloadBytes();
            }
        }
        return 0;
    }
}
