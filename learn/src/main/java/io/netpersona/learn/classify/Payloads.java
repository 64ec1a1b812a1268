package io.netpersona.learn.classify;

import io.netpersona.learn.Flow;

/**
 * Application protocols recognised from the first payload bytes one side sent ({@link Flow.Heads}), from
 * their published wire formats: magic numbers, fixed header fields, the words a text protocol opens with.
 * Ports only narrow a test where a format alone is too loose to trust. Returns null when no format fits.
 */
final class Payloads {
    private Payloads() {
    }

    /**
     * One side's head with the transport and both ports of its flow, and the length of the side's first
     * payload (0 when unknown).
     */
    record Head(Flow.Heads heads, boolean side, boolean tcp, int ownPort, int peerPort, int payload) {
        int at(int i) {
            return heads.at(side, i);
        }

        int length() {
            return heads.length(side);
        }

        int u16(int i) {
            return at(i) << 8 | at(i + 1);
        }

        long u32(int i) {
            return (long) u16(i) << 16 | u16(i + 2);
        }

        boolean starts(String prefix) {
            return Shapes.startsWith(heads, side, prefix);
        }

        boolean startsAny(String... prefixes) {
            for (String p : prefixes) {
                if (starts(p)) {
                    return true;
                }
            }
            return false;
        }

        boolean port(int... ports) {
            for (int p : ports) {
                if (ownPort == p || peerPort == p) {
                    return true;
                }
            }
            return false;
        }

        /** Bytes from {@code from} on, all zero (up to what was kept, at least one). */
        boolean zeros(int from, int to) {
            if (length() < to) {
                return false;
            }
            for (int i = from; i < to; i++) {
                if (at(i) != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    static Signature sure(String protocol, String category) {
        return new Signature(protocol, category, true);
    }

    static Signature guess(String protocol, String category) {
        return new Signature(protocol, category, false);
    }

    static Signature of(Head h) {
        if (h.length() == 0) {
            return null;
        }
        Signature s = TextPayloads.of(h);
        if (s == null) {
            s = h.tcp() ? tcp(h) : udp(h);
        }
        return s != null ? s : both(h);
    }

    private static Signature tcp(Head h) {
        // NetBIOS session message, then an SMB header: version 1 (0xff) or 2/3 (0xfe)
        if (h.at(0) == 0 && h.length() >= 8 && (h.at(4) == 0xff || h.at(4) == 0xfe) && h.at(5) == 'S' && h.at(6) == 'M'
                && h.at(7) == 'B') {
            return sure(h.at(4) == 0xff ? "NetBIOS.SMBv1" : "SMBv23", "System");
        }
        // TPKT and an X.224 connection request or confirm: RDP
        if (h.at(0) == 3 && h.at(1) == 0 && h.length() >= 6 && (h.at(5) == 0xe0 || h.at(5) == 0xd0) && h.port(3389)) {
            return sure("RDP", "RemoteAccess");
        }
        // MySQL's greeting: a 3-byte length, sequence 0, protocol version 10, a version text
        if (h.at(3) == 0 && h.at(4) == 10 && h.at(5) >= '1' && h.at(5) <= '9' && h.at(6) == '.') {
            return sure("MySQL", "Database");
        }
        // PostgreSQL: a startup message of protocol 3.0, or the SSL request code 80877103
        if (h.length() >= 8 && h.at(0) == 0 && h.at(1) == 0 && ((h.u32(4) == 0x00030000L)
                || (h.u32(0) == 8 && h.u32(4) == 80877103L))) {
            return sure("PostgreSQL", "Database");
        }
        // MongoDB: a message header whose opcode (at 12, little-endian) is OP_MSG, OP_QUERY or OP_REPLY
        if (h.length() >= 16 && h.at(3) == 0 && h.at(14) == 0 && h.at(15) == 0 && ((h.at(12) == 0xdd && h.at(13) == 0x07)
                || (h.at(12) == 0xd4 && h.at(13) == 0x07) || (h.at(12) == 1 && h.at(13) == 0 && h.port(27017)))) {
            return sure("MongoDB", "Database");
        }
        // Redis: RESP arrays of bulk strings, or its inline ping
        if ((h.at(0) == '*' && h.at(1) >= '1' && h.at(1) <= '9' && (h.at(2) == '\r' || h.at(3) == '\r'))
                || (h.port(6379) && h.startsAny("PING", "+PONG", "AUTH ", "-NOAUTH"))) {
            return sure("Redis", "Database");
        }
        // MQTT: CONNECT, a remaining length of one or two bytes, and the protocol name "MQTT" or "MQIsdp"
        int name = h.at(1) >= 0x80 ? 3 : 2;
        if (h.at(0) == 0x10 && h.at(name) == 0 && h.at(name + 2) == 'M' && h.at(name + 3) == 'Q'
                && (h.at(name + 1) == 4 && h.at(name + 4) == 'T' || h.at(name + 1) == 6 && h.at(name + 4) == 'I')) {
            return sure("MQTT", "RPC");
        }
        // PPTP control: a length, message type 1 and the magic cookie 0x1a2b3c4d
        if (h.u16(2) == 1 && h.u32(4) == 0x1a2b3c4dL) {
            return sure("PPTP", "VPN");
        }
        // OpenVPN over TCP: a packet length, then a hard-reset opcode (client v1/v2/v3) with key id 0
        if (h.u16(0) >= 14 && h.u16(0) < 1600 && (h.at(2) == 0x38 || h.at(2) == 0x08 || h.at(2) == 0x50 || h.at(2) == 0x40)
                && h.port(1194, 443, 1195)) {
            return sure("OpenVPN", "VPN");
        }
        // eDonkey/eMule: protocol byte, a little-endian length, and the hello opcode
        if ((h.at(0) == 0xe3 || h.at(0) == 0xc5) && h.at(5) == 0x01 && h.at(4) == 0 && h.at(3) == 0) {
            return sure("eDonkey", "Download");
        }
        // Telegram's MTProto transports open with 0xef (abridged) or 0xeeeeeeee / 0xdddddddd (intermediate/padded)
        if (h.port(443, 80, 5222) && (h.u32(0) == 0xeeeeeeeeL || h.u32(0) == 0xddddddddL)) {
            return sure("Telegram", "Chat");
        }
        // WhatsApp's chat connection: "WA" and a protocol version, or the Noise prologue "ED" 0 1
        if (h.port(443, 5222, 80) && ((h.at(0) == 'W' && h.at(1) == 'A' && h.at(2) <= 6)
                || (h.at(0) == 'E' && h.at(1) == 'D' && h.at(2) == 0 && h.at(3) == 1))) {
            return sure("WhatsApp", "Chat");
        }
        // TeamViewer: its two magic bytes on its port
        if (h.port(5938) && ((h.at(0) == 0x17 && h.at(1) == 0x24) || (h.at(0) == 0x11 && h.at(1) == 0x30))) {
            return sure("TeamViewer", "RemoteAccess");
        }
        // SOCKS 4 (connect/bind) and 5 (method negotiation)
        if (h.port(1080) && ((h.at(0) == 5 && h.at(1) >= 1 && h.at(1) <= 9 && h.length() == 2 + h.at(1))
                || (h.at(0) == 4 && (h.at(1) == 1 || h.at(1) == 2)))) {
            return sure("SOCKS", "Web");
        }
        // AJP13: the web server's packets start 0x1234, the container's "AB", each with a length
        if (h.port(8009) && (h.u16(0) == 0x1234 || h.at(0) == 'A' && h.at(1) == 'B')) {
            return sure("AJP", "Web");
        }
        if (h.port(4899)) {
            return sure("Radmin", "RemoteAccess");
        }
        // Telnet option negotiation: IAC and WILL/WONT/DO/DONT
        if (h.at(0) == 0xff && h.at(1) >= 0xfb && h.at(1) <= 0xfe && h.port(23)) {
            return sure("Telnet", "RemoteAccess");
        }
        // RTMP: version 3 and a 1536-byte handshake (C0+C1) on its port
        if (h.at(0) == 3 && h.port(1935)) {
            return sure("RTMP", "Media");
        }
        // BGP: every message opens with a marker of sixteen 0xff bytes
        if (h.length() >= 16 && h.u32(0) == 0xffffffffL && h.u32(4) == 0xffffffffL && h.u32(8) == 0xffffffffL
                && h.u32(12) == 0xffffffffL) {
            return sure("BGP", "Network");
        }
        // Telegram's abridged MTProto transport announces itself with one 0xef byte
        if (h.at(0) == 0xef && h.port(443, 80, 5222, 8888)) {
            return sure("Telegram", "Chat");
        }
        // Kafka: a request's length, an API key below 100 and a small API version, on its port
        if (h.port(9092) && h.at(0) == 0 && h.u16(4) < 100 && h.u16(6) < 20) {
            return sure("Kafka", "RPC");
        }
        // Kerberos and LDAP over TCP: a length, then an ASN.1 AS/TGS request or an LDAP message
        if (h.port(88) && h.u16(0) == 0 && (h.at(4) == 0x6a || h.at(4) == 0x6c || h.at(4) == 0x6b || h.at(4) == 0x6d || h.at(4) == 0x7e)) {
            return sure("Kerberos", "Network");
        }
        if (h.port(389, 3268) && h.at(0) == 0x30) {
            return sure("LDAP", "System");
        }
        return null;
    }

    private static Signature udp(Head h) {
        if (h.starts("GND") && h.length() >= 8) {
            return sure("Gnutella", "Download");
        }
        if (gnutellaDescriptor(h)) {
            return sure("Gnutella", "Download");
        }
        // DNSCrypt's answers start with its resolver magic "r6fnvWj8"
        if (h.starts("r6fnvWj8")) {
            return sure("DNScrypt", "Network");
        }
        if (h.starts("SpotUdp0")) {
            return sure("Spotify", "Music");
        }
        // WireGuard: message type 1..4, three reserved zero bytes, and each type's fixed length
        if (h.at(0) >= 1 && h.at(0) <= 4 && h.zeros(1, 4) && switch (h.at(0)) {
            case 1 -> h.payload() == 148;
            case 2 -> h.payload() == 92;
            case 3 -> h.payload() == 64;
            default -> h.payload() >= 32 && h.payload() % 16 == 0;
        }) {
            return sure("WireGuard", "VPN");
        }
        // Source engine and Quake-derived games: four 0xff bytes, then a query or a connectionless command
        if (h.u32(0) == 0xffffffffL && h.length() >= 5) {
            return sure("Source_Engine", "Game");
        }
        // RakNet's offline messages carry a 16-byte magic: after the id (open connection) or after a timestamp (ping)
        if (raknetMagic(h, 1) || raknetMagic(h, 9)) {
            return sure("RakNet", "Game");
        }
        // OpenVPN over UDP: a hard-reset opcode with key id 0 and an 8-byte session id
        if ((h.at(0) == 0x38 || h.at(0) == 0x40 || h.at(0) == 0x50 || h.at(0) == 0x28) && h.port(1194, 1195, 1197, 1198)) {
            return sure("OpenVPN", "VPN");
        }
        // IKE (ISAKMP) on its ports; with NAT traversal on 4500 it follows four zero bytes
        if (h.port(500) && h.length() >= 16) {
            return sure("IPSec", "VPN");
        }
        if (h.port(4500)) {
            return sure("IPSec", "VPN");
        }
        // NTP: version 1..4, mode 1..5, on its port
        int version = (h.at(0) >> 3) & 7, mode = h.at(0) & 7;
        if (h.port(123) && version >= 1 && version <= 4 && mode >= 1 && mode <= 5) {
            return sure("NTP", "System");
        }
        // DHCP: a BOOTP request or reply for Ethernet addresses
        if (h.port(67, 68) && (h.at(0) == 1 || h.at(0) == 2) && h.at(1) == 1 && h.at(2) == 6) {
            return sure("DHCP", "Network");
        }
        if (h.port(546, 547) && h.at(0) >= 1 && h.at(0) <= 13) {
            return sure("DHCPV6", "Network");
        }
        // RADIUS: a code, an identifier and a length, on its ports
        if (h.port(1812, 1813, 1645, 1646, 3799) && (h.at(0) >= 1 && h.at(0) <= 5 || h.at(0) >= 11 && h.at(0) <= 13
                || h.at(0) >= 40 && h.at(0) <= 45)) {
            return sure("Radius", "Network");
        }
        // SNMP: an ASN.1 sequence, version 0, 1 or 3
        if (h.port(161, 162) && h.at(0) == 0x30) {
            return sure("SNMP", "Network");
        }
        // Service Location Protocol version 1 or 2: function 1..11
        if (h.port(427) && (h.at(0) == 1 || h.at(0) == 2) && h.at(1) >= 1 && h.at(1) <= 11) {
            return sure("Service_Location_Protocol", "RPC");
        }
        // NetBIOS datagram service: message types 0x10..0x16
        if (h.port(138) && h.at(0) >= 0x10 && h.at(0) <= 0x16) {
            return sure("NetBIOS", "System");
        }
        // Kerberos over UDP: an ASN.1 application tag of a request or reply
        if (h.port(88) && (h.at(0) == 0x6a || h.at(0) == 0x6c || h.at(0) == 0x6b || h.at(0) == 0x6d || h.at(0) == 0x7e)) {
            return sure("Kerberos", "Network");
        }
        // QQ's OICQ: start byte 0x02 and a version on its port
        if (h.port(8000) && h.at(0) == 0x02 && h.length() >= 7) {
            return sure("OICQ", "Chat");
        }
        // CoAP version 1 on its ports
        if (h.port(5683, 5684) && (h.at(0) >> 6) == 1) {
            return sure("COAP", "RPC");
        }
        // MGCP's verbs
        if (h.port(2427, 2727) && h.startsAny("AUEP ", "AUCX ", "CRCX ", "MDCX ", "DLCX ", "RQNT ", "NTFY ", "RSIP ", "EPCF ", "200 ")) {
            return sure("MGCP", "VoIP");
        }
        if (h.port(4569) && h.length() >= 12) {
            return sure("IAX", "VoIP");
        }
        // Discord's voice IP discovery: type 1 (request) or 2 (response), a length of 70, an SSRC, then an
        // address field that is empty in the request and holds the address as text in the response
        if ((h.u16(0) == 1 && h.zeros(8, 16) || h.u16(0) == 2 && addressText(h)) && h.u16(2) == 70 && h.payload() == 74) {
            return sure("Discord", "Collaborative");
        }
        // ONC RPC calls: message type 0, RPC version 2, then the program (NFS 100003, the port mapper 100000)
        if (h.u32(4) == 0 && h.u32(8) == 2 && h.length() >= 16) {
            long program = h.u32(12);
            boolean nfs = program == 100003L || program == 100005L || program == 100021L || program == 100024L;
            return nfs || h.port(2049) ? sure("NFS", "DataTransfer") : guess("RPC", "RPC");
        }
        Signature owned = OwnedPorts.udp(h);
        if (owned != null) {
            return owned;
        }
        // Syncthing's discovery announcement magic
        if (h.u32(0) == 0x2ea7d90bL) {
            return sure("Syncthing", "Download");
        }
        return null;
    }

    /**
     * A Gnutella message in a datagram: a 16-byte message id, a known payload type, TTL and hops, and a
     * little-endian payload length that accounts for exactly the rest of the datagram.
     */
    private static boolean gnutellaDescriptor(Head h) {
        if (h.length() < 23 || h.payload() < 23) {
            return false;
        }
        int type = h.at(16);
        boolean known = switch (type) {
            case 0x00, 0x01, 0x02, 0x30, 0x31, 0x32, 0x40, 0x41, 0x44, 0x80, 0x81 -> true;
            default -> false;
        };
        long length = h.at(19) | h.at(20) << 8 | h.at(21) << 16 | (long) h.at(22) << 24;
        return known && h.at(17) + h.at(18) <= 16 && length == h.payload() - 23;
    }

    private static boolean addressText(Head h) {
        for (int i = 8; i < h.length(); i++) {
            int c = h.at(i);
            if (!(c >= '0' && c <= '9' || c == '.' || c == ':' || c == 0 || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return h.length() > 8 && h.at(8) != 0;
    }

    private static boolean raknetMagic(Head h, int at) {
        int[] magic = {0x00, 0xff, 0xff, 0x00, 0xfe, 0xfe, 0xfe, 0xfe};
        if (h.length() < at + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (h.at(at + i) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** Formats carried by TCP and UDP alike. */
    private static Signature both(Head h) {
        if (h.port(5938)) {
            return sure("TeamViewer", "RemoteAccess");
        }
        if (h.port(2049) && h.length() >= 8) {
            return sure("NFS", "DataTransfer");
        }
        if (h.port(646)) {
            return sure("LDP", "Network");
        }
        if (h.port(44818)) {
            return sure("EthernetIP", "Network");
        }
        if (h.port(9092)) {
            return guess("Kafka", "RPC");
        }
        return null;
    }
}
