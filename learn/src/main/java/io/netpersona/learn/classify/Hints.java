package io.netpersona.learn.classify;

import io.netpersona.model.TrafficClass;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * General knowledge the model gets as features, never as answers: the class the usual service of a
 * well-known port belongs to (from the IANA registry and how nDPI categorises that protocol), and the class
 * that common words in server names suggest. Both are about protocols and services in general; nothing here
 * names a capture or an address. The forest learns how far to trust each hint, flow behaviour decides the rest.
 */
final class Hints {
    private Hints() {
    }

    private static final Map<Integer, TrafficClass> TCP = new HashMap<>(), UDP = new HashMap<>();
    private static final Map<String, TrafficClass> WORDS = new HashMap<>();

    private static void tcp(TrafficClass c, int... ports) {
        for (int p : ports) {
            TCP.put(p, c);
        }
    }

    private static void udp(TrafficClass c, int... ports) {
        for (int p : ports) {
            UDP.put(p, c);
        }
    }

    private static void both(TrafficClass c, int... ports) {
        tcp(c, ports);
        udp(c, ports);
    }

    private static void words(TrafficClass c, String... words) {
        for (String w : words) {
            WORDS.put(w, c);
        }
    }

    static {
        // name resolution, addressing, management, discovery, time, authentication, monitoring
        both(TrafficClass.CONTROL, 53, 853, 5353, 5355, 137, 138, 139, 1900, 67, 68, 546, 547, 123, 161, 162, 514,
                1812, 1813, 1645, 1646, 88, 389, 636, 3702, 5351, 10050, 10051, 179, 520, 521, 1985, 445, 3268, 464,
                6514, 2055, 4739, 6343, 9995, 8612);
        // the web, remote access, proxies, news
        tcp(TrafficClass.INTERACTIVE, 80, 443, 8080, 8008, 8000, 8443, 3128, 8888, 3389, 5900, 5901, 22, 23, 1080,
                5938, 119, 563, 5222, 5223, 5269, 8009, 4899, 6568, 2083, 2087, 2096);
        udp(TrafficClass.INTERACTIVE, 443, 80, 3389, 5938);
        // databases, message brokers, remote procedure calls, service location
        both(TrafficClass.TRANSACTIONAL, 3306, 5432, 1433, 1434, 1521, 27017, 6379, 9042, 11211, 9200, 9300, 1883,
                8883, 5672, 5671, 9092, 5683, 5684, 4222, 61613, 61616, 111, 135, 427, 1099, 4730, 2575, 30490,
                7400, 7401, 7410, 8086, 2181, 5984, 7000, 7001, 9160, 50000, 3050, 26257, 8529, 28015, 9090,
                1414, 7474);
        // file transfer, synchronisation, peer-to-peer distribution, updates
        both(TrafficClass.BULK, 20, 21, 69, 873, 2049, 6881, 6882, 6883, 6884, 6885, 6886, 6887, 6888, 6889, 6969,
                6346, 6347, 4662, 4672, 22000, 21027, 548, 989, 990, 115, 3260, 988, 6789, 6800);
        // media streaming
        both(TrafficClass.STREAMING, 554, 1935, 8554, 4070, 1755, 7070, 5004, 5005, 8200, 32400);
        // mail and chat
        both(TrafficClass.MESSAGING, 25, 465, 587, 110, 995, 143, 993, 6667, 6697, 1863, 5050, 4244, 5228, 5242, 2525);
        udp(TrafficClass.MESSAGING, 8000);
        // calls and games
        both(TrafficClass.REALTIME, 5060, 5061, 2427, 2727, 4569, 3478, 3479, 5349, 19302, 27015, 27016, 27005, 3074,
                3075, 64738, 2000, 1719, 1720, 6112, 3724, 9339, 27960, 7777, 28960, 25565, 19132);
        // VPNs and tunnels
        both(TrafficClass.TUNNEL, 500, 4500, 1194, 51820, 1701, 1723, 655, 9001, 41641, 992, 5555, 1293);

        words(TrafficClass.STREAMING, "youtube", "googlevideo", "ytimg", "netflix", "nflxvideo", "nflximg", "spotify",
                "scdn", "twitch", "ttvnw", "hulu", "vimeo", "dailymotion", "itunes", "deezer", "soundcloud", "video",
                "videos", "stream", "streaming", "media", "music", "tv", "live", "vod", "hls", "dash", "iqiyi", "bilibili",
                "tiktok", "tiktokcdn", "zoom", "agora", "primevideo", "disneyplus", "dssott", "aiv", "radio");
        words(TrafficClass.MESSAGING, "whatsapp", "telegram", "signal", "wechat", "weixin", "viber", "kakao",
                "kakaotalk", "mail", "imap", "smtp", "pop", "pop3", "chat", "messenger", "slack", "threema", "line",
                "naver", "gmail", "outlook", "mx", "irc", "xmpp", "dingtalk", "qq", "icq", "skype");
        words(TrafficClass.TUNNEL, "vpn", "tunnelbear", "nordvpn", "expressvpn", "protonvpn", "windscribe", "wireguard",
                "tor", "psiphon", "warp", "tunnel", "openvpn", "surfshark", "hotspotshield", "forticlient");
        words(TrafficClass.BULK, "update", "updates", "download", "downloads", "dl", "windowsupdate", "files",
                "torrent", "tracker", "mirror", "mirrors", "backup", "sync", "storage", "upload", "releases", "packages",
                "repo", "archive", "ftp");
        words(TrafficClass.REALTIME, "game", "games", "gaming", "steam", "steampowered", "riot", "riotgames",
                "battle", "blizzard", "xbox", "playstation", "voip", "sip", "turn", "stun", "call", "epicgames",
                "ea", "unity3d", "photonengine", "gamesparks", "roblox", "supercell", "minecraft");
        words(TrafficClass.CONTROL, "dns", "doh", "dot", "ntp", "time", "ocsp", "crl", "pki", "resolver",
                "connectivitycheck", "msftncsi", "captive", "ntp1", "ntp2", "pool", "wpad", "local", "arpa");
        words(TrafficClass.TRANSACTIONAL, "db", "database", "sql", "mysql", "postgres", "redis", "mongo", "mongodb",
                "kafka", "mqtt", "rpc", "amqp", "rabbitmq", "api", "graphql", "soap");
        words(TrafficClass.INTERACTIVE, "www", "web", "cdn", "static", "assets", "img", "images", "login", "account",
                "accounts", "shop", "search", "news", "facebook", "instagram", "twitter", "google", "bing", "yahoo",
                "amazon", "wikipedia", "reddit", "github", "dropbox", "office", "microsoft", "apple", "icloud");
    }

    /** The class of the usual service on {@code port} for the protocol, null when it has none. */
    static TrafficClass port(int protocol, int port) {
        return switch (protocol) {
            case 6 -> TCP.get(port);
            case 17 -> UDP.get(port);
            default -> null;
        };
    }

    /** The class of a protocol without ports: ICMP, IGMP, routing and redundancy are control; ESP, AH, GRE tunnel. */
    static TrafficClass protocol(int protocol) {
        return switch (protocol) {
            case 1, 2, 58, 89, 103, 112, 88 -> TrafficClass.CONTROL;
            case 47, 50, 51, 4, 41, 115 -> TrafficClass.TUNNEL;
            default -> null;
        };
    }

    /**
     * Votes of the words in a server name: the name is cut at dots, dashes and digits, and each known word
     * adds one to its class in {@code votes}. Returns the number of known words.
     */
    static int words(String name, double[] votes) {
        if (name.isEmpty()) {
            return 0;
        }
        int known = 0;
        String n = name.toLowerCase(Locale.ROOT);
        int start = -1;
        for (int i = 0; i <= n.length(); i++) {
            char c = i < n.length() ? n.charAt(i) : '.';
            boolean letter = c >= 'a' && c <= 'z';
            if (letter && start < 0) {
                start = i;
            } else if (!letter && start >= 0) {
                TrafficClass t = WORDS.get(n.substring(start, i));
                if (t != null) {
                    votes[t.ordinal()]++;
                    known++;
                }
                start = -1;
            }
        }
        return known;
    }
}
