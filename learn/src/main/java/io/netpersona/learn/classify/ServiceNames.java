package io.netpersona.learn.classify;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Domains of well-known services and nDPI's category for each service: a name matches a domain when it is
 * the domain or ends with a dot and the domain, and the longest matching domain wins. This is public knowledge
 * about where services live on the Internet (what nDPI's host lists hold too), not about any capture.
 */
final class ServiceNames {
    private ServiceNames() {
    }

    private static final Map<String, Signature.Service> DOMAINS = new HashMap<>();

    private static void add(String service, String category, String... domains) {
        Signature.Service s = new Signature.Service(service, category);
        for (String d : domains) {
            if (DOMAINS.put(d, s) != null) {
                throw new IllegalStateException("domain " + d + " is listed twice");
            }
        }
    }

    static {
        // video and music
        add("YouTube", "Media", "youtube.com", "googlevideo.com", "ytimg.com", "youtu.be", "youtube-nocookie.com",
                "yt3.ggpht.com", "youtubei.googleapis.com", "youtube.googleapis.com");
        add("YouTubeUpload", "Media", "upload.youtube.com", "youtube-ui.l.google.com");
        add("NetFlix", "Video", "netflix.com", "nflxvideo.net", "nflximg.net", "nflximg.com", "nflxext.com",
                "nflxso.net", "netflix.net");
        add("Twitch", "Video", "twitch.tv", "ttvnw.net", "jtvnw.net", "twitchcdn.net", "twitchsvc.net");
        add("Hulu", "Streaming", "hulu.com", "huluim.com", "hulustream.com");
        add("Vimeo", "Video", "vimeo.com", "vimeocdn.com");
        add("Dailymotion", "Video", "dailymotion.com", "dmcdn.net");
        add("AmazonVideo", "Video", "primevideo.com", "aiv-cdn.net", "aiv-delivery.net", "media-amazon.com");
        add("DisneyPlus", "Video", "disneyplus.com", "dssott.com", "bamgrid.com", "disney-plus.net");
        add("iQIYI", "Streaming", "iqiyi.com", "qiyi.com", "71.am", "iq.com", "qiyipic.com");
        add("Bilibili", "Video", "bilibili.com", "bilivideo.com", "hdslb.com");
        add("Zoom", "Video", "zoom.us", "zoom.com", "zoomgov.com");
        add("Spotify", "Music", "spotify.com", "scdn.co", "spotifycdn.com", "spotifycdn.net", "spotify.map.fastly.net");
        add("Deezer", "Music", "deezer.com", "dzcdn.net");
        add("SoundCloud", "Music", "soundcloud.com", "sndcdn.com");
        add("AppleiTunes", "Streaming", "itunes.apple.com", "music.apple.com", "mzstatic.com", "itunes.com");
        add("YandexMusic", "Music", "music.yandex.ru", "music.yandex.net", "music.yandex.com");
        add("Pandora", "Streaming", "pandora.com", "p-cdn.com");
        add("Tidal", "Music", "tidal.com", "tidalhifi.com");
        add("Vevo", "Video", "vevo.com");
        // social networks
        add("Facebook", "SocialNetwork", "facebook.com", "fbcdn.net", "facebook.net", "fbsbx.com", "fb.com", "fb.me");
        add("Instagram", "SocialNetwork", "instagram.com", "cdninstagram.com", "ig.me");
        add("Twitter", "SocialNetwork", "twitter.com", "twimg.com", "t.co", "x.com");
        add("LinkedIn", "SocialNetwork", "linkedin.com", "licdn.com");
        add("Pinterest", "SocialNetwork", "pinterest.com", "pinimg.com");
        add("VK", "SocialNetwork", "vk.com", "vk.me", "userapi.com", "vkuser.net", "vkontakte.ru");
        add("Snapchat", "SocialNetwork", "snapchat.com", "sc-cdn.net", "snapads.com", "snap-dev.net", "feelinsonice.appspot.com");
        add("Reddit", "SocialNetwork", "reddit.com", "redd.it", "redditmedia.com", "redditstatic.com");
        add("TikTok", "SocialNetwork", "tiktok.com", "tiktokcdn.com", "tiktokv.com", "musical.ly", "byteoversea.com",
                "ibytedtos.com", "tiktokcdn-us.com");
        add("Tumblr", "SocialNetwork", "tumblr.com");
        // chat and mail
        add("WhatsApp", "Chat", "whatsapp.net", "whatsapp.com", "wa.me");
        add("WhatsAppFiles", "Download", "mmg.whatsapp.net", "media.whatsapp.net", "mmg-fna.whatsapp.net");
        add("Telegram", "Chat", "telegram.org", "t.me", "telegram.me", "tdesktop.com", "telesco.pe");
        add("Signal", "Chat", "signal.org", "whispersystems.org", "signal.art");
        add("WeChat", "Chat", "wechat.com", "weixin.qq.com", "wechatapp.com", "servicewechat.com");
        add("QQ", "Chat", "qq.com", "gtimg.cn", "qpic.cn");
        add("Viber", "Chat", "viber.com", "cdn.viber.com");
        add("FacebookMessenger", "Chat", "messenger.com", "edge-chat.facebook.com", "mqtt.c10r.facebook.com");
        add("Line", "Chat", "line.me", "line-apps.com", "line-scdn.net", "naver.jp");
        add("KakaoTalk", "Chat", "kakao.com", "kakaocdn.net", "kakaotalk.com");
        add("DingTalk", "Chat", "dingtalk.com", "dingtalkapps.com");
        add("Threema", "Chat", "threema.ch");
        add("GoogleMeet", "Chat", "meet.google.com");
        add("GoogleChat", "Chat", "chat.google.com");
        add("GMail", "Email", "gmail.com", "mail.google.com", "googlemail.com", "inbox.google.com");
        add("Outlook", "Email", "outlook.com", "hotmail.com", "outlook.office365.com", "outlook.live.com", "live.com");
        add("YandexMail", "Email", "mail.yandex.ru", "mail.yandex.net", "mail.yandex.com");
        add("Yahoo", "Web", "yahoo.com", "yimg.com");
        // calls and games
        add("Skype_Teams", "VoIP", "skype.com", "skypeassets.com", "teams.microsoft.com", "lync.com");
        add("Webex", "VoIP", "webex.com", "wbx2.com");
        add("Steam", "Game", "steampowered.com", "steamcommunity.com", "steamcontent.com", "steamstatic.com",
                "steamserver.net");
        add("RiotGames", "Game", "riotgames.com", "leagueoflegends.com", "riotcdn.net", "pvp.net");
        add("EpicGames", "Game", "epicgames.com", "epicgames.dev", "unrealengine.com");
        add("Blizzard", "Game", "blizzard.com", "battle.net", "battlenet.com.cn");
        add("Xbox", "Game", "xboxlive.com", "xbox.com");
        add("Playstation", "Game", "playstation.com", "playstation.net", "sonyentertainmentnetwork.com");
        add("Roblox", "Game", "roblox.com", "rbxcdn.com");
        add("Activision", "Game", "activision.com", "callofduty.com", "demonware.net");
        add("EA", "Game", "ea.com", "origin.com");
        add("Ubisoft", "Game", "ubi.com", "ubisoft.com");
        add("GaijinEntertainment", "Game", "gaijin.net", "gaijinent.com", "warthunder.com");
        add("Nintendo", "Game", "nintendo.net", "nintendo.com");
        add("Supercell", "Game", "supercell.com", "supercell.net");
        add("Minecraft", "Game", "minecraft.net", "mojang.com");
        add("NetEaseGames", "Game", "easebar.com", "netease.games");
        add("Mumble", "VoIP", "mumble.info");
        // tunnels
        add("OperaVPN", "VPN", "sec-tunnel.com", "opera-proxy.net");
        add("TunnelBear", "VPN", "tunnelbear.com", "lazerpenguin.com");
        add("NordVPN", "VPN", "nordvpn.com", "nordcdn.com", "nord-apps.com");
        add("ExpressVPN", "VPN", "expressvpn.com", "expressapisv2.net");
        add("ProtonVPN", "VPN", "protonvpn.com", "protonvpn.ch", "vpn-api.proton.me");
        add("Windscribe", "VPN", "windscribe.com", "windscribe.net");
        add("HotspotShield", "VPN", "hotspotshield.com", "hsselite.com", "northghost.com");
        add("Psiphon", "VPN", "psiphon.ca", "psiphon3.com");
        add("PrivateInternetAccess", "VPN", "privateinternetaccess.com", "piaproxy.net");
        add("CloudflareWarp", "VPN", "cloudflareclient.com", "warp.plus");
        add("FortiClient", "VPN", "forticlient.com", "fortinet.net");
        add("Surfshark", "VPN", "surfshark.com");
        add("Mullvad", "VPN", "mullvad.net");
        add("IPVanish", "VPN", "ipvanish.com");
        add("Tailscale", "VPN", "tailscale.com", "tailscale.io");
        add("Softether", "VPN", "softether.net", "vpngate.net", "softether.org");
        // updates, downloads, storage
        add("WindowsUpdate", "SoftwareUpdate", "windowsupdate.com", "update.microsoft.com", "delivery.mp.microsoft.com",
                "download.windowsupdate.com", "dl.delivery.mp.microsoft.com");
        add("AppleSoftwareUpdate", "SoftwareUpdate", "swcdn.apple.com", "swdist.apple.com", "mesu.apple.com",
                "swscan.apple.com", "updates.cdn-apple.com");
        add("PlayStore", "SoftwareUpdate", "play.googleapis.com", "android.clients.google.com", "play.google.com",
                "play-fe.googleapis.com", "play-lh.googleusercontent.com");
        add("Crashlytics", "DataTransfer", "crashlytics.com", "firebase-settings.crashlytics.com");
        add("Dropbox", "Cloud", "dropbox.com", "dropboxapi.com", "dropboxusercontent.com", "dropboxstatic.com");
        add("AmazonAWS", "Cloud", "amazonaws.com", "awsstatic.com");
        add("Azure", "Cloud", "azure.com", "windows.net", "azureedge.net", "azurewebsites.net");
        add("AliCloud", "Cloud", "aliyun.com", "aliyuncs.com", "alicdn.com");
        add("YandexDisk", "Cloud", "disk.yandex.ru", "disk.yandex.net", "disk.yandex.com");
        // the network's own services: name resolution over HTTPS/TLS, certificate status, speed tests
        add("DoH_DoT", "Network", "dns.google", "cloudflare-dns.com", "dns.quad9.net", "doh.opendns.com",
                "dns.adguard.com", "dns.nextdns.io", "doh.cleanbrowsing.org", "dns.adguard-dns.com", "mozilla.cloudflare-dns.com");
        add("OCSP", "Network", "ocsp.digicert.com", "ocsp.pki.goog", "ocsp.sectigo.com", "ocsp.usertrust.com",
                "ocsp.comodoca.com", "ocsp.globalsign.com", "ocsp.entrust.net", "ocsp.apple.com", "ocsp.msocsp.com",
                "r3.o.lencr.org", "o.lencr.org", "ocsp.godaddy.com");
        add("Ookla", "Network", "speedtest.net", "ookla.com");
    }

    private static final Signature.Service RESOLVER = new Signature.Service("DoH_DoT", "Network"),
            OCSP = new Signature.Service("OCSP", "Network");

    /**
     * Whether the name's first label is how public resolvers name their DNS-over-HTTPS/TLS endpoints (dns, doh
     * or dot) or certificate authorities their status responders (ocsp), with an optional number or
     * dash-suffix ({@code dns10.}, {@code doh-2.}, {@code ocsp2.}).
     */
    static boolean resolverName(String n) {
        int dot = n.indexOf('.');
        if (dot < 0 || n.indexOf('.', dot + 1) < 0 && !n.endsWith(".google")) {
            return false; // a bare registered domain (dns.com) is a company, not an endpoint
        }
        String first = n.substring(0, dot);
        for (String prefix : new String[] {"dns", "doh", "dot", "ocsp"}) {
            if (first.startsWith(prefix)) {
                String rest = first.substring(prefix.length());
                return rest.isEmpty() || rest.chars().allMatch(Character::isDigit) || rest.startsWith("-");
            }
        }
        return false;
    }

    /** The service of a server name, null when none is known. */
    static Signature.Service of(String name) {
        if (name == null || name.isEmpty()) {
            return null;
        }
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        int colon = n.indexOf(':');
        if (colon >= 0 && n.indexOf(':', colon + 1) < 0) {
            n = n.substring(0, colon); // an HTTP Host with a port
        }
        if (resolverName(n)) {
            return n.startsWith("ocsp") ? OCSP : RESOLVER;
        }
        for (String d = n; ; ) {
            Signature.Service s = DOMAINS.get(d);
            if (s != null) {
                return s;
            }
            int dot = d.indexOf('.');
            if (dot < 0) {
                return null;
            }
            d = d.substring(dot + 1);
        }
    }
}
