package io.netpersona.substrate.linux;

import io.netpersona.substrate.Metrics;
import io.netpersona.substrate.linux.netlink.Address;
import io.netpersona.substrate.linux.netlink.Link;
import io.netpersona.substrate.linux.netlink.TcObject;
import io.netpersona.substrate.linux.netlink.TcpSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Netlink's records in the shapes the driver reads from processes: the JSON of {@code ip -s -j link} and
 * {@code ip -j addr} (the fields ip prints that the driver reads, with ip's names for flags, link types,
 * scopes and states) and {@link Metrics.TcpSocket} as {@link TcpInfoParser} reads {@code ss -tinH}. So
 * a read answers the same whichever way it was made.
 */
final class NetlinkViews {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** ip's order of flag names (print_link_flags), with their IFF_* bits. */
    private static final Map<String, Integer> FLAGS = flags();
    private static final String[] OPER = {"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"};
    private static final Map<Integer, String> LINK_TYPES = Map.ofEntries(Map.entry(1, "ether"), Map.entry(24, "ieee1394"),
            Map.entry(32, "infiniband"), Map.entry(512, "ppp"), Map.entry(768, "ipip"), Map.entry(769, "tunnel6"),
            Map.entry(772, "loopback"), Map.entry(776, "sit"), Map.entry(778, "gre"), Map.entry(801, "ieee802.11"),
            Map.entry(823, "gre6"), Map.entry(824, "netlink"), Map.entry(65534, "none"), Map.entry(65535, "void"));
    /** ss's names of the TCP states, by state number. */
    private static final String[] STATES = {"UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2",
        "TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING"};
    private static final int IFF_UP = 0x1, IFF_RUNNING = 0x40;
    /** The field of a qdisc or class read over netlink that holds its configuration, for fingerprints. */
    static final String CONFIG = "rtnetlink";

    private NetlinkViews() {}

    private static Map<String, Integer> flags() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("LOOPBACK", 0x8);
        m.put("BROADCAST", 0x2);
        m.put("POINTOPOINT", 0x10);
        m.put("MULTICAST", 0x1000);
        m.put("NOARP", 0x80);
        m.put("ALLMULTI", 0x200);
        m.put("PROMISC", 0x100);
        m.put("MASTER", 0x400);
        m.put("SLAVE", 0x800);
        m.put("DEBUG", 0x4);
        m.put("DYNAMIC", 0x8000);
        m.put("AUTOMEDIA", 0x4000);
        m.put("PORTSEL", 0x2000);
        m.put("NOTRAILERS", 0x20);
        m.put("UP", IFF_UP);
        m.put("LOWER_UP", 0x10000);
        m.put("DORMANT", 0x20000);
        m.put("ECHO", 0x40000);
        return m;
    }

    /** {@code ip -s -j link show}: one object per device, with {@code stats64} when the kernel sent counters. */
    static ArrayNode links(List<Link> links) {
        ArrayNode out = F.arrayNode();
        for (Link l : links) {
            ObjectNode o = device(l);
            l.counters().ifPresent(c -> {
                ObjectNode s = o.putObject("stats64");
                s.putObject("rx").put("bytes", c.rxBytes()).put("packets", c.rxPackets()).put("errors", c.rxErrors())
                        .put("dropped", c.rxDropped()).put("over_errors", c.rxOverErrors()).put("multicast", c.multicast());
                s.putObject("tx").put("bytes", c.txBytes()).put("packets", c.txPackets()).put("errors", c.txErrors())
                        .put("dropped", c.txDropped()).put("carrier_errors", c.txCarrierErrors())
                        .put("collisions", c.collisions());
            });
            out.add(o);
        }
        return out;
    }

    /**
     * The fields of {@code ip -j -d link show} that do not need the device's kind: what {@link #links} gives
     * without counters, and the MTU range the device takes ({@code min_mtu}, {@code max_mtu}).
     */
    static ArrayNode devices(List<Link> links) {
        ArrayNode out = F.arrayNode();
        for (Link l : links) {
            ObjectNode o = device(l);
            if (l.minMtu() >= 0) {
                number(o, "min_mtu", l.minMtu());
            }
            if (l.maxMtu() >= 0) {
                number(o, "max_mtu", l.maxMtu());
            }
            out.add(o);
        }
        return out;
    }

    /** {@code ip -j addr show}: every device (also those without addresses) with its {@code addr_info}. */
    static ArrayNode addresses(List<Link> links, List<Address> addresses) {
        Map<Integer, ArrayNode> byDevice = new LinkedHashMap<>();
        ArrayNode out = F.arrayNode();
        for (Link l : links) {
            ObjectNode o = device(l);
            byDevice.put(l.index(), o.putArray("addr_info"));
            out.add(o);
        }
        for (Address a : addresses) {
            ArrayNode into = byDevice.get(a.index());
            String family = a.family() == 2 ? "inet" : a.family() == 10 ? "inet6" : null;
            if (into == null || family == null) {
                continue; // a device that came between the two dumps, or a family ip -j addr does not list here
            }
            ObjectNode i = into.addObject().put("family", family).put("local", a.local());
            if (!a.peer().isEmpty()) {
                i.put("address", a.peer());
            }
            i.put("prefixlen", a.prefixLength());
            if (!a.broadcast().isEmpty()) {
                i.put("broadcast", a.broadcast());
            }
            i.put("scope", scope(a.scope()));
            if (!a.label().isEmpty()) {
                i.put("label", a.label());
            }
        }
        return out;
    }

    private static ObjectNode device(Link l) {
        ObjectNode o = F.objectNode().put("ifindex", l.index()).put("ifname", l.name());
        ArrayNode flags = o.putArray("flags");
        if ((l.flags() & IFF_UP) != 0 && (l.flags() & IFF_RUNNING) == 0) {
            flags.add("NO-CARRIER");
        }
        FLAGS.forEach((name, bit) -> {
            if ((l.flags() & bit) != 0) {
                flags.add(name);
            }
        });
        number(o, "mtu", l.mtu());
        o.put("operstate", l.operState() < OPER.length ? OPER[l.operState()] : "UNKNOWN");
        o.put("link_type", LINK_TYPES.getOrDefault(l.type(), "[" + l.type() + "]"));
        if (!l.address().isEmpty()) {
            o.put("address", l.address());
        }
        return o;
    }

    /**
     * Qdiscs or classes with the fields of tc's listings that name them and count their traffic (kind,
     * handle, parent or root, a class's leaf, bytes, packets, drops, overlimits, requeues, backlog, qlen), and
     * {@link #CONFIG}: their configuration as the kernel holds it, which fingerprints compare. Not their options
     * in tc's words: tc prints them rounded, and reads them so ({@link HostView#classes}, {@link HostView#qdiscs}).
     */
    static ArrayNode tc(List<TcObject> objects, boolean classes) {
        ArrayNode out = F.arrayNode();
        for (TcObject t : objects) {
            // tc prints a qdisc's handle as its major number ("0:" for a device's default qdisc)
            ObjectNode o = out.addObject().put("kind", t.kind())
                    .put("handle", classes ? handle(t.handle()) : Integer.toHexString(t.handle() >>> 16) + ":");
            if (t.parent() == TcObject.ROOT) {
                o.put("root", true);
            } else {
                o.put("parent", handle(t.parent()));
            }
            String leaf = classes && t.info() != 0 ? handle(t.info()) : "";
            if (!leaf.isEmpty()) {
                o.put("leaf", leaf);
            }
            o.put(CONFIG, t.kind() + " " + o.path("parent").asString("root") + (leaf.isEmpty() ? "" : " leaf " + leaf)
                    + " " + t.options());
            t.counters().ifPresent(c -> o.put("bytes", c.bytes()).put("packets", c.packets()).put("drops", c.drops())
                    .put("overlimits", c.overlimits()).put("requeues", c.requeues()).put("backlog", c.backlog())
                    .put("qlen", c.qlen()));
        }
        return out;
    }

    /** A handle as tc prints it (print_tc_classid): {@code 1:10}, {@code 10:} for minor 0, hex. */
    static String handle(int h) {
        if (h == TcObject.ROOT) {
            return "root";
        }
        if (h == 0) {
            return "none";
        }
        int major = h >>> 16;
        int minor = h & 0xffff;
        if (major == 0) {
            return ":" + Integer.toHexString(minor);
        }
        return Integer.toHexString(major) + ":" + (minor == 0 ? "" : Integer.toHexString(minor));
    }

    /** An int where it fits, as JSON parsed from ip holds it (so the two compare equal), else a long. */
    private static void number(ObjectNode o, String name, long value) {
        if (value <= Integer.MAX_VALUE) {
            o.put(name, (int) value);
        } else {
            o.put(name, value);
        }
    }

    /** ip's names of the address scopes (rt_scopes), the number for any other. */
    static String scope(int scope) {
        return switch (scope) {
            case 0 -> "global";
            case 200 -> "site";
            case 253 -> "link";
            case 254 -> "host";
            case 255 -> "nowhere";
            default -> Integer.toString(scope);
        };
    }

    /**
     * The sockets as {@code ss -tinH} prints them and {@link TcpInfoParser} reads them: ss prints the
     * congestion control and the rest only with tcp_info, rtt only once there is a sample (and then its
     * variance), times in milliseconds, the delivery rate in bits per second, the retransmits and the data
     * segments sent in total.
     */
    static List<Metrics.TcpSocket> sockets(List<TcpSocket> sockets, IntFunction<String> deviceName) {
        List<Metrics.TcpSocket> out = new ArrayList<>(sockets.size());
        for (TcpSocket s : sockets) {
            String state = s.state() < STATES.length ? STATES[s.state()] : "UNKNOWN";
            String local = end(s.localAddress(), s.localPort(), s.boundDevice(), deviceName);
            String peer = end(s.peerAddress(), s.peerPort(), 0, deviceName);
            out.add(s.info().map(i -> new Metrics.TcpSocket(local, peer, state, s.congestionControl(),
                    i.rttUs() == 0 ? 0 : i.rttUs() / 1000.0, i.rttUs() == 0 ? 0 : i.rttVarUs() / 1000.0, i.totalRetrans(),
                    i.deliveryRate() * 8, i.sndCwnd(), i.dataSegsOut(), i.dsackDups(), i.timeouts()))
                    .orElse(new Metrics.TcpSocket(local, peer, state, "", 0, 0, 0, 0, 0)));
        }
        return out;
    }

    /** ss's {@code 10.0.0.1:80}, {@code [fd00::1]:80}, {@code *} for the IPv6 wildcard and port 0, {@code %dev} for a bound device. */
    private static String end(String address, int port, int device, IntFunction<String> deviceName) {
        String a = address.equals("::") ? "*" : address.contains(":") ? "[" + address + "]" : address;
        String dev = device == 0 ? "" : "%" + deviceName.apply(device);
        return a + dev + ":" + (port == 0 ? "*" : Integer.toString(port));
    }
}
