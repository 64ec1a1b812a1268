package io.netpersona.substrate.linux;

import io.netpersona.model.Action;
import io.netpersona.model.Cidr;
import io.netpersona.model.Direction;
import io.netpersona.model.Dscp;
import io.netpersona.model.IpAddress;
import io.netpersona.model.Limits;
import io.netpersona.model.Persona;
import io.netpersona.model.Qos;
import io.netpersona.model.Security;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one nftables table a host keeps for all the applications behind it, {@code inet netpersona}: the
 * firewall in the forward path and the QoS steering in postrouting. Its rules are fixed (the skeleton);
 * each persona contributes set and map elements keyed by its application's addresses, and named objects
 * only for what a set element cannot carry (a chain that logs its drops under its name, a per-source
 * connection count).
 *
 * <p>Counters and rate limits live in the elements themselves: the {@code fw_rx}, {@code fw_tx} and
 * {@code fw_dropped} sets count per element, and each element of {@code fw_newconn} carries its own
 * {@code limit rate over}, so a lookup that finds the element is the limit being exceeded. Rules cost the
 * kernel tens of microseconds each and base chains far more, a named object about ten, an element a few:
 * this is what lets a host apply a thousand personas in one transaction of tens of milliseconds (bench/).
 */
final class HostTable {
    static final String FAMILY = "inet";
    static final String NAME = "netpersona";
    static final String TABLE = FAMILY + " " + NAME;
    private static final List<String> FAMILIES = List.of("4", "6");
    private static final List<String> PROTOS = List.of("tcp", "udp", "icmp", "any");
    /** The sets that count per element (the persona's traffic and what it was spared). */
    static final List<String> COUNTING = List.of("fw_rx", "fw_tx", "fw_dropped");

    private HostTable() {}

    /** The skeleton: every set, map and chain; no element. */
    static String skeleton() {
        StringBuilder s = new StringBuilder("table " + TABLE + " {\n");
        for (String f : FAMILIES) {
            String addr = "ipv" + f + "_addr";
            for (String dir : List.of("in", "out")) {
                for (String p : PROTOS) {
                    String type = p.equals("tcp") || p.equals("udp") ? addr + " . " + addr + " . inet_service" : addr + " . " + addr;
                    set(s, "fw_" + dir + "_" + p + f, type, "flags interval");
                    if (p.equals("tcp") || p.equals("udp")) {
                        // flows from or to anywhere on one port: a hash lookup, far cheaper to fill than an interval set
                        set(s, "fw_" + dir + "_" + p + f + "p", addr + " . inet_service", null);
                    }
                }
            }
            set(s, "fw_drop" + f, addr, null);
            for (String c : COUNTING) {
                set(s, c + f, addr, "counter");
            }
            set(s, "fw_newconn" + f, addr, "limit rate over 1/second");
            map(s, "fw_connlimit" + f, addr, "verdict");
            map(s, "fw_log" + f, addr, "verdict");
            map(s, "qos_prio" + f, addr, "classid");
            map(s, "qos_dscp" + f, addr, "verdict");
        }
        chain(s, "forward", "type filter hook forward priority filter; policy accept;",
                List.of("ct state established,related accept", "jump fw_ingress", "jump fw_egress"));
        chain(s, "fw_ingress", null, direction("in", "daddr", "saddr"));
        chain(s, "fw_egress", null, direction("out", "saddr", "daddr"));
        chain(s, "refuse_in", null, refuse("daddr"));
        chain(s, "refuse_out", null, refuse("saddr"));
        chain(s, "count", "type filter hook forward priority filter + 10; policy accept;", List.of(
                "ip daddr @fw_rx4", "ip6 daddr @fw_rx6", "ip saddr @fw_tx4", "ip6 saddr @fw_tx6"));
        chain(s, "qos", "type filter hook postrouting priority filter; policy accept;", List.of(
                "meta priority set ip saddr map @qos_prio4", "meta priority set ip6 saddr map @qos_prio6",
                "ip saddr vmap @qos_dscp4", "ip6 saddr vmap @qos_dscp6"));
        // nft 1.0.6 cannot set a DSCP from a map: one tiny chain per code point, reached through qos_dscp
        for (int v = 0; v < 64; v++) {
            chain(s, "dscp_" + v, null, List.of("ip dscp set " + v, "return"));
            chain(s, "dscp6_" + v, null, List.of("ip6 dscp set " + v, "return"));
        }
        s.setLength(s.length() - 1);
        return s.append("}\n").toString();
    }

    /** Allowed flows return to the forward chain; what a managed application does not allow is refused. */
    private static List<String> direction(String dir, String app, String peer) {
        List<String> rules = new ArrayList<>();
        String refuse = "goto refuse_" + dir;
        if (dir.equals("in")) {
            rules.add("ip daddr vmap @fw_connlimit4");
            rules.add("ip6 daddr vmap @fw_connlimit6");
            // the element's own limit decides: the lookup matches only while its rate is exceeded
            rules.add("ct state new ip daddr @fw_newconn4 " + refuse);
            rules.add("ct state new ip6 daddr @fw_newconn6 " + refuse);
        }
        for (String f : FAMILIES) {
            String ip = f.equals("4") ? "ip" : "ip6";
            String pair = ip + " " + app + " . " + ip + " " + peer;
            rules.add(ip + " " + app + " . tcp dport @fw_" + dir + "_tcp" + f + "p return");
            rules.add(ip + " " + app + " . udp dport @fw_" + dir + "_udp" + f + "p return");
            rules.add(pair + " . tcp dport @fw_" + dir + "_tcp" + f + " return");
            rules.add(pair + " . udp dport @fw_" + dir + "_udp" + f + " return");
            rules.add("meta l4proto " + (f.equals("4") ? "icmp " : "ipv6-icmp ") + pair + " @fw_" + dir + "_icmp" + f + " return");
            rules.add(pair + " @fw_" + dir + "_any" + f + " return");
        }
        rules.add("ip " + app + " @fw_drop4 " + refuse);
        rules.add("ip6 " + app + " @fw_drop6 " + refuse);
        return rules;
    }

    private static List<String> refuse(String app) {
        // a persona that logs has a chain of its own here, so the log line names it and its flood is its own;
        // the lookup in fw_dropped is what counts the drop, in the element's counter
        return List.of(
                "ip " + app + " vmap @fw_log4",
                "ip6 " + app + " vmap @fw_log6",
                "ip " + app + " @fw_dropped4",
                "ip6 " + app + " @fw_dropped6",
                "drop");
    }

    private static void set(StringBuilder s, String name, String type, String extra) {
        s.append("\tset ").append(name).append(" {\n\t\ttype ").append(type).append('\n');
        if (extra != null) {
            s.append("\t\t").append(extra).append('\n');
        }
        s.append("\t}\n\n");
    }

    private static void map(StringBuilder s, String name, String key, String value) {
        s.append("\tmap ").append(name).append(" {\n\t\ttype ").append(key).append(" : ").append(value).append("\n\t}\n\n");
    }

    private static void chain(StringBuilder s, String name, String head, List<String> rules) {
        s.append("\tchain ").append(name).append(" {\n");
        if (head != null) {
            s.append("\t\t").append(head).append('\n');
        }
        rules.forEach(r -> s.append("\t\t").append(r).append('\n'));
        s.append("\t}\n\n");
    }

    /** A persona's own named objects start with this: {@code p<minor in hex>_}. */
    static String prefix(int minor) {
        return "p" + Integer.toHexString(minor) + "_";
    }

    /**
     * What a persona puts into the table, for an application with {@code addresses}: elements by set or map
     * (in the form nft prints them) and its own objects ({@code counter NAME}, {@code limit NAME},
     * {@code set NAME}, {@code chain NAME} mapped to their body).
     */
    record Entries(Map<String, List<String>> elements, Map<String, String> objects) {}

    static Entries entries(Persona persona, List<IpAddress> addresses, int minor, String classid) {
        String p = prefix(minor);
        Map<String, List<String>> el = new TreeMap<>();
        Map<String, String> objects = new LinkedHashMap<>();
        Security sec = persona.spec().security();
        Qos qos = persona.spec().qos();
        for (IpAddress a : addresses) {
            String f = a.isIpv4() ? "4" : "6";
            put(el, "fw_rx" + f, a.toString());
            put(el, "fw_tx" + f, a.toString());
            if (qos != null) {
                put(el, "qos_prio" + f, a + " : " + classid);
                if (qos.dscp() != null) {
                    put(el, "qos_dscp" + f, a + " : jump dscp" + (a.isIpv4() ? "_" : "6_") + qos.dscp().value());
                }
            }
            if (sec != null) {
                firewall(el, sec, a, f, p);
            }
        }
        if (sec != null) {
            if (Boolean.TRUE.equals(sec.logDropped())) {
                objects.put("chain " + p + "log", FirewallScript.LOG_RATE + " log prefix \"netpersona " + persona.name() + " drop \"");
            }
            Limits limits = sec.limits() == null ? new Limits(null, null) : sec.limits();
            if (limits.connectionsPerSource() != null) {
                int n = limits.connectionsPerSource();
                objects.put("set " + p + "src4", "type ipv4_addr; size 65535; flags dynamic;");
                objects.put("set " + p + "src6", "type ipv6_addr; size 65535; flags dynamic;");
                objects.put("chain " + p + "conn", "ct state new add @" + p + "src4 { ip saddr ct count over " + n
                        + " } goto refuse_in; ct state new add @" + p + "src6 { ip6 saddr ct count over " + n + " } goto refuse_in");
            }
        }
        return new Entries(el, objects);
    }

    private static void firewall(Map<String, List<String>> el, Security sec, IpAddress a, String f, String p) {
        put(el, "fw_dropped" + f, a.toString());
        Limits limits = sec.limits() == null ? new Limits(null, null) : sec.limits();
        if (limits.newConnectionsPerSecond() != null) {
            put(el, "fw_newconn" + f, a + " " + newConnLimit(limits.newConnectionsPerSecond()));
        }
        if (limits.connectionsPerSource() != null) {
            put(el, "fw_connlimit" + f, a + " : jump " + p + "conn");
        }
        if (Boolean.TRUE.equals(sec.logDropped())) {
            put(el, "fw_log" + f, a + " : jump " + p + "log");
        }
        if (sec.defaultAction() == Action.DROP) {
            put(el, "fw_drop" + f, a.toString());
        }
        allowed(el, sec, a, f);
    }

    private static final Cidr ANY4 = Cidr.parse("0.0.0.0/0");
    private static final Cidr ANY6 = Cidr.parse("::/0");

    /*
     * The allowed flows in a method of their own, apart from the flags above: run once per persona and address,
     * the two as one method were compiled by the optimizing compiler into some 50 KB of code (most of a
     * second of its CPU on this machine, while the first applies ran); each part alone inlines less.
     */
    private static void allowed(Map<String, List<String>> el, Security sec, IpAddress a, String f) {
        Cidr any = a.isIpv4() ? ANY4 : ANY6;
        // the persona's sets of every family land in one host set per family: regroup, then drop what is covered
        Map<String, FirewallScript.AllowSet> merged = new TreeMap<>();
        for (FirewallScript.AllowSet set : FirewallScript.sets(sec.allow() == null ? List.of() : sec.allow()).values()) {
            String setFamily = set.kind().endsWith("4") ? "4" : set.kind().endsWith("6") ? "6" : null;
            if (setFamily != null && !setFamily.equals(f)) {
                continue;
            }
            String name = "fw_" + (set.direction() == Direction.INGRESS ? "in" : "out") + "_"
                    + withoutFamily(set.kind()) + f;
            FirewallScript.AllowSet into = merged.computeIfAbsent(name,
                    n -> new FirewallScript.AllowSet(n, set.direction(), set.kind(), set.ports(), new ArrayList<>()));
            for (FirewallScript.Element e : set.elements()) {
                into.elements().add(new FirewallScript.Element(e.peer() == null ? any : e.peer(), e.port(), null));
            }
        }
        for (FirewallScript.AllowSet set : merged.values()) {
            for (FirewallScript.Element e : set.withoutCovered().elements()) {
                if (set.ports() && e.port() != null && e.peer().prefixLength() == 0) {
                    put(el, set.name() + "p", a + " . " + e.port());
                } else {
                    String port = e.port() == null ? "0-65535" : e.port().toString();
                    put(el, set.name(), set.ports() ? a + " . " + text(e.peer()) + " . " + port : a + " . " + text(e.peer()));
                }
            }
        }
    }

    /** A set kind without its family digit at the end (without a pattern: replaceAll compiles one per call). */
    private static String withoutFamily(String kind) {
        char last = kind.isEmpty() ? ' ' : kind.charAt(kind.length() - 1);
        return last == '4' || last == '6' ? kind.substring(0, kind.length() - 1) : kind;
    }

    /** An element's limit as nft prints it: it leaves out a burst of 5 packets, its default. */
    static String newConnLimit(int perSecond) {
        return "limit rate over " + perSecond + "/second" + (perSecond == 5 ? "" : " burst " + perSecond + " packets");
    }

    /** A prefix as nft prints it: a whole address without its /32 or /128. */
    private static String text(Cidr c) {
        return c.prefixLength() == c.network().bits() ? c.network().toString() : c.toString();
    }

    private static void put(Map<String, List<String>> el, String set, String element) {
        List<String> list = el.computeIfAbsent(set, k -> new ArrayList<>());
        if (!list.contains(element)) {
            list.add(element);
        }
    }
}
