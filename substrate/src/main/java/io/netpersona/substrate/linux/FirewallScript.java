package io.netpersona.substrate.linux;

import io.netpersona.model.Action;
import io.netpersona.model.AllowRule;
import io.netpersona.model.Cidr;
import io.netpersona.model.Direction;
import io.netpersona.model.Limits;
import io.netpersona.model.Protocol;
import io.netpersona.model.Security;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The nftables table that realises a persona's {@code spec.security} inside the application's namespace
 * (pure text; {@link FirewallCompiler} checks the persona first).
 *
 * <p>Allowed flows become set elements, never one rule per flow: per direction and protocol a port set
 * for flows from or to anywhere, and {@code address . port} interval sets per address family for flows
 * restricted by {@code from} / {@code to}; ICMP and any-protocol flows are address sets. The chains
 * {@code input} and {@code output} carry the policy; what they refuse goes through chain {@code refuse},
 * which logs (rate limited) and counts it. Two late base chains count what was let through, so the
 * {@code rx} and {@code tx} counters are the application's traffic and {@code dropped} what it was spared.
 */
final class FirewallScript {
    /** Names of the table's counter objects, read back by {@link MetricsReader}. */
    static final String RX = "rx";
    static final String TX = "tx";
    static final String DROPPED = "dropped";
    /** A flood of drops may log this many lines a second, no more. */
    static final String LOG_RATE = "limit rate 10/second burst 20 packets";
    private static final String ANY_PORT = "0-65535";
    private static final Cidr ANY4 = Cidr.parse("0.0.0.0/0");
    private static final Cidr ANY6 = Cidr.parse("::/0");
    private static final String NEIGHBOUR_DISCOVERY =
            "icmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } accept";

    private FirewallScript() {}

    /** The table's name for a persona: one table per persona per namespace. */
    static String table(String persona) {
        return "netpersona-" + persona;
    }

    static String render(String persona, Security security) {
        boolean drop = security.defaultAction() == Action.DROP;
        Limits limits = security.limits() == null ? new Limits(null, null) : security.limits();
        Map<String, AllowSet> sets = sets(security.allow() == null ? List.of() : security.allow());
        StringBuilder s = new StringBuilder("table inet " + table(persona) + " {\n");
        for (String c : List.of(RX, TX, DROPPED)) {
            s.append("\tcounter ").append(c).append(" {\n\t}\n\n");
        }
        for (AllowSet set : sets.values()) {
            set.render(s);
        }
        if (limits.connectionsPerSource() != null) {
            for (String f : List.of("4", "6")) {
                s.append("\tset persrc").append(f).append(" {\n\t\ttype ipv").append(f)
                        .append("_addr\n\t\tsize 65535\n\t\tflags dynamic\n\t}\n\n");
            }
        }
        List<String> in = base("iif", drop);
        in.addAll(limitRules(limits));
        List<String> out = base("oif", drop);
        for (AllowSet set : sets.values()) {
            (set.direction == Direction.INGRESS ? in : out).add(set.rule());
        }
        if (drop) {
            in.add("goto refuse");
            out.add("goto refuse");
        }
        String policy = " priority filter; policy " + (drop ? "drop" : "accept") + ";";
        chain(s, "input", "type filter hook input" + policy, in);
        chain(s, "output", "type filter hook output" + policy, out);
        chain(s, "refuse", null, refuse(persona, security));
        chain(s, "count_in", "type filter hook input priority filter + 10; policy accept;",
                List.of("iif != \"lo\" counter name \"" + RX + "\""));
        chain(s, "count_out", "type filter hook output priority filter + 10; policy accept;",
                List.of("oif != \"lo\" counter name \"" + TX + "\""));
        s.setLength(s.length() - 1); // no blank line before the table's closing brace
        return s.append("}\n").toString();
    }

    /** The intrusion-detection limits, for connections to the application; before the allow rules, which would accept. */
    private static List<String> limitRules(Limits limits) {
        List<String> rules = new ArrayList<>();
        if (limits.newConnectionsPerSecond() != null) {
            // a burst of one second's worth: a client opening a few connections at once is not an attack
            int n = limits.newConnectionsPerSecond();
            rules.add("ct state new limit rate over " + n + "/second burst " + n + " packets goto refuse");
        }
        if (limits.connectionsPerSource() != null) {
            int n = limits.connectionsPerSource();
            rules.add("ct state new add @persrc4 { ip saddr ct count over " + n + " } goto refuse");
            rules.add("ct state new add @persrc6 { ip6 saddr ct count over " + n + " } goto refuse");
        }
        return rules;
    }

    private static List<String> refuse(String persona, Security security) {
        List<String> rules = new ArrayList<>();
        if (Boolean.TRUE.equals(security.logDropped())) {
            rules.add(LOG_RATE + " log prefix \"netpersona " + persona + " drop \"");
        }
        rules.add("counter name \"" + DROPPED + "\"");
        rules.add("drop");
        return rules;
    }

    /** What every filter chain starts with, so the namespace keeps working under a drop policy. */
    private static List<String> base(String device, boolean drop) {
        List<String> rules = new ArrayList<>();
        rules.add(device + " \"lo\" accept");
        rules.add("ct state established,related accept");
        if (drop) {
            rules.add(NEIGHBOUR_DISCOVERY);
        }
        return rules;
    }

    private static void chain(StringBuilder s, String name, String head, List<String> rules) {
        s.append("\tchain ").append(name).append(" {\n");
        if (head != null) {
            s.append("\t\t").append(head).append('\n');
        }
        rules.forEach(r -> s.append("\t\t").append(r).append('\n'));
        s.append("\t}\n\n");
    }

    /** The allow rules grouped into sets, in a fixed order, with elements that other elements cover left out. */
    static Map<String, AllowSet> sets(List<AllowRule> rules) {
        Map<String, AllowSet> sets = new TreeMap<>();
        for (AllowRule r : rules) {
            boolean in = r.direction() == Direction.INGRESS;
            Cidr peer = in ? r.from() : r.to();
            Protocol proto = r.proto();
            if (proto != null && proto.hasPorts()) {
                String p = proto.name().toLowerCase(Locale.ROOT);
                String family = peer == null ? "" : peer.network().isIpv4() ? "4" : "6";
                add(sets, r.direction(), p + family, peer, r.port(), true, r.dependency());
            } else if (proto == Protocol.ICMP) {
                add(sets, r.direction(), "icmp4", peer == null ? ANY4 : peer, null, false, r.dependency());
            } else if (proto == Protocol.ICMPV6) {
                add(sets, r.direction(), "icmp6", peer == null ? ANY6 : peer, null, false, r.dependency());
            } else {
                for (Cidr c : peer == null ? List.of(ANY4, ANY6) : List.of(peer)) {
                    add(sets, r.direction(), c.network().isIpv4() ? "any4" : "any6", c, null, false, r.dependency());
                }
            }
        }
        Map<String, AllowSet> ordered = new LinkedHashMap<>();
        for (String dir : List.of("in_", "out_")) {
            for (String kind : List.of("tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "icmp4", "icmp6", "any4", "any6")) {
                AllowSet set = sets.get(dir + kind);
                if (set != null) {
                    ordered.put(set.name(), set.withoutCovered());
                }
            }
        }
        return ordered;
    }

    private static void add(Map<String, AllowSet> sets, Direction d, String kind, Cidr peer, Integer port,
            boolean ports, String dependency) {
        String name = (d == Direction.INGRESS ? "in_" : "out_") + kind;
        sets.computeIfAbsent(name, n -> new AllowSet(n, d, kind, ports, new ArrayList<>()))
                .elements().add(new Element(peer, port, dependency));
    }

    /** One allowed flow as a set element: a peer prefix (null: anywhere) and a port (null: every port). */
    record Element(Cidr peer, Integer port, String dependency) {
        boolean coveredBy(Element o) {
            boolean peerCovered = o.peer == null || (peer != null && o.peer.prefixLength() <= peer.prefixLength()
                    && o.peer.contains(peer.network()));
            return peerCovered && (o.port == null || o.port.equals(port));
        }

        String text(boolean ports) {
            String addr = peer == null ? null : peer.prefixLength() == peer.network().bits()
                    ? peer.network().toString() : peer.toString();
            String p = port == null ? ANY_PORT : port.toString();
            String base = !ports ? addr : addr == null ? p : addr + " . " + p;
            return dependency == null ? base : base + " comment \"" + dependency + "\"";
        }
    }

    /** A set of allowed flows of one direction, protocol and address family, and the rule that uses it. */
    record AllowSet(String name, Direction direction, String kind, boolean ports, List<Element> elements) {
        AllowSet withoutCovered() {
            List<Element> kept = new ArrayList<>();
            for (int i = 0; i < elements.size(); i++) {
                Element e = elements.get(i);
                boolean covered = false;
                for (int j = 0; j < elements.size() && !covered; j++) {
                    Element o = elements.get(j);
                    // of two equal elements, the first stays
                    covered = j != i && e.coveredBy(o) && (!o.coveredBy(e) || j < i);
                }
                if (!covered) {
                    kept.add(e);
                }
            }
            kept.sort(Comparator.comparing((Element e) -> e.peer() == null ? "" : e.peer().toString())
                    .thenComparing(e -> e.port() == null ? Integer.MAX_VALUE : e.port()));
            return new AllowSet(name, direction, kind, ports, kept);
        }

        String type() {
            String family = kind.endsWith("4") ? "ipv4_addr" : kind.endsWith("6") ? "ipv6_addr" : null;
            if (!ports) {
                return family;
            }
            return family == null ? "inet_service" : family + " . inet_service";
        }

        String rule() {
            String dir = direction == Direction.INGRESS ? "saddr" : "daddr";
            String ip = kind.endsWith("4") ? "ip " + dir : "ip6 " + dir;
            String proto = kind.substring(0, kind.length() - (kind.endsWith("4") || kind.endsWith("6") ? 1 : 0));
            return switch (proto) {
                case "tcp", "udp" -> (kind.equals(proto) ? "" : ip + " . ") + proto + " dport @" + name + " accept";
                case "icmp" -> "meta l4proto " + (kind.endsWith("4") ? "icmp " : "ipv6-icmp ") + ip + " @" + name + " accept";
                default -> ip + " @" + name + " accept";
            };
        }

        void render(StringBuilder s) {
            s.append("\tset ").append(name).append(" {\n\t\ttype ").append(type()).append("\n\t\tflags interval\n");
            s.append("\t\telements = { ").append(String.join(", ", elements.stream().map(e -> e.text(ports)).toList()))
                    .append(" }\n\t}\n\n");
        }
    }
}
