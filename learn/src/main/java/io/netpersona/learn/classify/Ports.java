package io.netpersona.learn.classify;

import io.netpersona.learn.Flow;
import java.util.HashMap;
import java.util.Map;

/**
 * The usual protocol of a well-known port (IANA's registry and common practice), as a guess for flows whose
 * payload fits no known format: never {@linkplain Signature#confident() confident}, since any program may use
 * any port. The lower of the two ports is asked first, as servers usually have it.
 */
final class Ports {
    private Ports() {
    }

    private static final Map<Integer, Signature> TCP = new HashMap<>(), UDP = new HashMap<>();

    private static void add(Map<Integer, Signature> m, String protocol, String category, int... ports) {
        Signature s = new Signature(protocol, category, false);
        for (int p : ports) {
            m.put(p, s);
        }
    }

    private static void both(String protocol, String category, int... ports) {
        add(TCP, protocol, category, ports);
        add(UDP, protocol, category, ports);
    }

    static {
        add(TCP, "HTTP", "Web", 80, 8080, 8000, 8008, 8888, 3128);
        add(TCP, "TLS", "Web", 443, 8443);
        add(UDP, "QUIC", "Web", 443);
        add(TCP, "SSH", "RemoteAccess", 22);
        add(TCP, "Telnet", "RemoteAccess", 23);
        both("RDP", "RemoteAccess", 3389);
        add(TCP, "VNC", "RemoteAccess", 5900, 5901);
        add(TCP, "FTP_CONTROL", "Download", 21);
        add(TCP, "FTP_DATA", "Download", 20);
        add(UDP, "TFTP", "DataTransfer", 69);
        add(TCP, "RSYNC", "DataTransfer", 873);
        both("NFS", "DataTransfer", 2049);
        add(TCP, "SMTP", "Email", 25, 587);
        add(TCP, "SMTPS", "Email", 465);
        add(TCP, "POP3", "Email", 110);
        add(TCP, "POPS", "Email", 995);
        add(TCP, "IMAP", "Email", 143);
        add(TCP, "IMAPS", "Email", 993);
        add(TCP, "IRC", "Chat", 6667, 6697);
        add(TCP, "Jabber", "Web", 5222, 5269);
        both("DNS", "Network", 53, 853);
        both("MDNS", "Network", 5353);
        both("LLMNR", "Network", 5355);
        both("NetBIOS", "System", 137, 138, 139);
        add(TCP, "SMBv23", "System", 445);
        add(UDP, "SSDP", "System", 1900);
        add(UDP, "NTP", "System", 123);
        add(UDP, "DHCP", "Network", 67, 68);
        add(UDP, "SNMP", "Network", 161, 162);
        add(UDP, "Syslog", "System", 514);
        add(TCP, "RSH", "RemoteAccess", 514, 513);
        both("Kerberos", "Network", 88);
        both("LDAP", "System", 389);
        add(UDP, "Radius", "Network", 1812, 1813, 1645, 1646);
        both("Service_Location_Protocol", "RPC", 427);
        add(TCP, "MySQL", "Database", 3306);
        add(TCP, "PostgreSQL", "Database", 5432);
        add(TCP, "MsSQL-TDS", "Database", 1433);
        add(TCP, "Oracle", "Database", 1521);
        add(TCP, "Redis", "Database", 6379);
        add(TCP, "MongoDB", "Database", 27017);
        add(TCP, "MQTT", "RPC", 1883, 8883);
        add(TCP, "AMQP", "RPC", 5672);
        add(TCP, "Kafka", "RPC", 9092);
        add(UDP, "COAP", "RPC", 5683);
        both("SIP", "VoIP", 5060, 5061);
        both("RTSP", "Media", 554);
        add(TCP, "RTMP", "Media", 1935);
        both("STUN", "Network", 3478, 3479);
        both("BitTorrent", "Download", 6881, 6882, 6883, 6884, 6885, 6886, 6887, 6888, 6889, 6969);
        both("Gnutella", "Download", 6346, 6347);
        both("eDonkey", "Download", 4662, 4672);
        both("OpenVPN", "VPN", 1194);
        add(UDP, "WireGuard", "VPN", 51820);
        add(UDP, "IPSec", "VPN", 500, 4500);
        add(TCP, "PPTP", "VPN", 1723);
        add(UDP, "L2TP", "VPN", 1701);
        add(TCP, "SOCKS", "Web", 1080);
        both("Source_Engine", "Game", 27015);
        add(UDP, "Xbox", "Game", 3074);
        add(UDP, "Mumble", "VoIP", 64738);
        add(UDP, "Zabbix", "Network", 10050, 10051);
        add(TCP, "Zabbix", "Network", 10050, 10051);
    }

    static Signature of(Flow f) {
        Map<Integer, Signature> m = f.protocol() == 6 ? TCP : f.protocol() == 17 ? UDP : null;
        if (m == null) {
            return null;
        }
        int low = Math.min(f.srcPort(), f.dstPort()), high = Math.max(f.srcPort(), f.dstPort());
        Signature s = m.get(low);
        return s != null ? s : m.get(high);
    }
}
