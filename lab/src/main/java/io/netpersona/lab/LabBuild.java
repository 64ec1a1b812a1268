package io.netpersona.lab;

import io.netpersona.model.Rate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The processes that build a lab from nothing, in order: namespaces, then each namespace's devices,
 * addresses and routes as one {@code ip -batch}, the wires' queues as one {@code tc -batch} each, the
 * router's loss rules as one {@code nft -f}. About 30 processes for the default lab. Pure: renders text,
 * runs nothing.
 */
final class LabBuild {
    /** The deep FIFO of an untuned device: 1000 packets, about 600 ms at 20 Mbit/s. */
    static final int FIFO_PACKETS = 1000;
    static final String NFT_TABLE = "netpersona_lab";
    private static final int PREF_FROM_SITE = 1100, PREF_ONWARD = 1200, PREF_BACK = 1300, PREF_TO_SITE = 1400;

    private LabBuild() {}

    static List<Step> steps(LabLayout l) {
        List<Step> steps = new ArrayList<>();
        steps.add(Step.ip("create the namespaces", "", l.namespaces().stream().map(ns -> "netns add " + ns).toList()));
        for (String ns : l.namespaces()) {
            steps.add(sysctls(l, ns));
        }
        steps.add(Step.ip("build the router " + l.router(), l.router(), router(l)));
        for (Site s : Site.values()) {
            steps.add(Step.ip("build the wire " + l.wire(s), l.wire(s), wire(l, s)));
            steps.add(Step.tc("shape the wire " + l.wire(s), l.wire(s), wireQueues(l, s, "add")));
            steps.add(Step.ip("build the host " + l.host(s), l.host(s), host(l, s)));
            for (String app : l.config().site(s).apps()) {
                steps.add(Step.ip("build the application " + l.app(s, app), l.app(s, app),
                        leaf(l, l.appAddress(s, app) + "/24", l.bridgeAddress(s))));
            }
        }
        for (int i = 1; i <= l.config().clients(); i++) {
            steps.add(Step.ip("build the client " + l.client(i), l.client(i), leaf(l, l.clientAddress(i) + "/24", l.clientRouterAddress())));
        }
        steps.add(Step.nft("set the loss of the paths in " + l.router(), l.router(), lossRules(l)));
        return steps;
    }

    /** IPv6 off (the lab is IPv4; no router solicitations in the queues), no reverse-path filter (the TUN detour would fail it). */
    private static Step sysctls(LabLayout l, String ns) {
        List<String> argv = new ArrayList<>(List.of("sysctl", "-q", "-w",
                "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1",
                "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0"));
        if (ns.equals(l.router()) || ns.startsWith(l.prefix() + "host-")) {
            argv.add("net.ipv4.ip_forward=1");
        }
        return Step.exec("set up " + ns, ns, argv.toArray(String[]::new));
    }

    /**
     * A site's traffic takes a detour through its TUN delay element in both directions. Packets written
     * back by the element arrive with iif = the TUN device and follow the main table (or, to the other
     * site, that site's detour too, so site-to-site traffic sees both delays).
     */
    static List<String> router(LabLayout l) {
        List<String> lines = new ArrayList<>(List.of("link set lo up",
                "link add " + l.clientBridge() + " type bridge",
                "addr add " + l.clientRouterAddress() + "/24 dev " + l.clientBridge(),
                "link set " + l.clientBridge() + " up"));
        for (int i = 1; i <= l.config().clients(); i++) {
            lines.add("link add " + l.clientPort(i) + " type veth peer name " + l.eth() + " netns " + l.client(i));
            lines.add("link set " + l.clientPort(i) + " master " + l.clientBridge());
            lines.add("link set " + l.clientPort(i) + " up");
        }
        for (Site s : Site.values()) {
            Site other = s == Site.A ? Site.B : Site.A;
            String link = l.routerLink(s), tun = l.delayDevice(s);
            lines.add("link add " + link + " type veth peer name " + l.wireToRouter(s) + " netns " + l.wire(s));
            lines.add("addr add " + l.routerAddress(s) + "/24 dev " + link);
            lines.add("link set " + link + " up");
            lines.add("tuntap add dev " + tun + " mode tun");
            lines.add("link set " + tun + " mtu " + l.config().site(s).mtu() + " up");
            lines.add("route add " + l.appSubnet(s) + " via " + l.uplinkAddress(s) + " dev " + link);
            lines.add("route add default dev " + tun + " table " + l.table(s));
            lines.add("rule add pref " + PREF_FROM_SITE + " iif " + link + " lookup " + l.table(s));
            lines.add("rule add pref " + PREF_ONWARD + " iif " + tun + " to " + l.sitePrefix(other) + " lookup " + l.table(other));
            lines.add("rule add pref " + PREF_BACK + " iif " + tun + " lookup main");
            lines.add("rule add pref " + PREF_TO_SITE + " to " + l.sitePrefix(s) + " lookup " + l.table(s));
        }
        return lines;
    }

    private static List<String> wire(LabLayout l, Site s) {
        String br = l.wireBridge(s);
        return List.of("link set lo up",
                "link add " + br + " type bridge",
                "link add " + l.wireToHost(s) + " type veth peer name " + l.uplink(s) + " netns " + l.host(s),
                "link set " + l.wireToHost(s) + " master " + br,
                "link set " + l.wireToRouter(s) + " master " + br,
                "link set " + l.wireToHost(s) + " up",
                "link set " + l.wireToRouter(s) + " up",
                "link set " + br + " up");
    }

    /**
     * Both ports of the wire get the bottleneck: tbf at the uplink's rate over a 1000-packet FIFO. tbf, not
     * htb, because tbf cuts TSO/GSO super-packets (up to 64 KiB from a veth) into MTU-sized ones before they
     * enter the FIFO, so 1000 packets means 1000 wire packets, as on a real device. The burst is small (one
     * millisecond of the rate, at least 4 packets) so the rate holds over short times too.
     */
    static List<String> wireQueues(LabLayout l, Site s, String verb) {
        Rate rate = l.config().site(s).rate();
        long burst = Math.max(4 * 1514, rate.bitsPerSecond() / 8 / 1000);
        List<String> lines = new ArrayList<>();
        for (String dev : List.of(l.wireToHost(s), l.wireToRouter(s))) {
            lines.add("qdisc " + verb + " dev " + dev + " root handle 1: tbf rate " + rate.bitsPerSecond() + "bit burst " + burst
                    + " limit " + (FIFO_PACKETS * 1514));
            if (verb.equals("add")) {
                lines.add("qdisc add dev " + dev + " parent 1:1 handle 10: pfifo limit " + FIFO_PACKETS);
            }
        }
        return lines;
    }

    /** The host routes between its applications' bridge and its uplink. Default routes use cubic, as on a stock Linux (this kernel's namespaces default to bbr, which hides the bufferbloat the lab must show). */
    private static List<String> host(LabLayout l, Site s) {
        String br = l.hostBridge(s), up = l.uplink(s);
        List<String> lines = new ArrayList<>(List.of("link set lo up",
                "addr add " + l.uplinkAddress(s) + "/24 dev " + up,
                "link set " + up + " up",
                "route add default via " + l.routerAddress(s) + " dev " + up + " congctl cubic",
                "link add " + br + " type bridge",
                "addr add " + l.bridgeAddress(s) + "/24 dev " + br,
                "link set " + br + " up"));
        for (String app : l.config().site(s).apps()) {
            lines.addAll(appPort(l, s, app));
        }
        return lines;
    }

    static List<String> appPort(LabLayout l, Site s, String app) {
        String port = l.appPort(s, app);
        return List.of("link add " + port + " type veth peer name " + l.eth() + " netns " + l.app(s, app),
                "link set " + port + " master " + l.hostBridge(s),
                "link set " + port + " up");
    }

    /** An application or a client: one device, one address, a default route. */
    static List<String> leaf(LabLayout l, String cidr, String gateway) {
        return List.of("link set lo up",
                "addr add " + cidr + " dev " + l.eth(),
                "link set " + l.eth() + " up",
                "route add default via " + gateway + " dev " + l.eth() + " congctl cubic");
    }

    /**
     * The loss of each path, per direction, replacing the whole table in one transaction. Matched on the
     * router's link to the site, which each packet crosses once ({@code oifname} towards the site,
     * {@code iifname} from it), not on the TUN device, which the forward hook sees on both passes.
     * Counters before the drop rules count what the path carried.
     */
    static String lossRules(LabLayout l) {
        StringBuilder s = new StringBuilder();
        s.append("table ip ").append(NFT_TABLE).append("\ndelete table ip ").append(NFT_TABLE).append('\n');
        s.append("table ip ").append(NFT_TABLE).append(" {\n  chain forward {\n    type filter hook forward priority 0; policy accept;\n");
        for (Site site : Site.values()) {
            long perMille = Math.round(l.config().site(site).lossPercent() * 10);
            String link = l.routerLink(site);
            for (String dir : List.of("to", "from")) {
                String match = (dir.equals("to") ? "oifname \"" : "iifname \"") + link + "\"";
                String name = dir + "-" + site.letter();
                s.append("    ").append(match).append(" counter comment \"").append(name).append("\"\n");
                if (perMille > 0) {
                    s.append("    ").append(match).append(" numgen random mod 1000 < ").append(perMille)
                            .append(" counter drop comment \"loss-").append(name).append("\"\n");
                }
            }
        }
        s.append("  }\n}\n");
        return s.toString();
    }

    static String percent(double pct) {
        return String.format(Locale.ROOT, "%.1f", pct).replaceAll("\\.0$", "");
    }
}
