package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The devices, addresses, routes and sysctls of one persona's virtual network between namespaces, worked
 * out without touching the host. Every persona gets its own /24 in 10.250.0.0/16 and device names
 * {@code np<minor>-...}, both from the number allocated to it on this machine (unique among the personas
 * here), so two topologies never share a name and rarely an address range (the compiler checks).
 *
 * <ul>
 * <li>star: a bridge {@code -br} in the hub (.1/24); each other member i joins it with a veth
 * ({@code -up} in the member, address .(i+2)/24; {@code -p<i>} in the hub, a bridge port).
 * <li>mesh: a veth between every pair (i &lt; j) with a /31 each ({@code -m<j>} in member i, {@code -m<i>} in j).
 * <li>tree: nodes breadth-first from the root, node k's parent is (k-1)/fanout; every node with children
 * has a bridge with a small subnet for them, forwards, and sends no redirects (so that traffic keeps
 * climbing through the parents instead of being told to skip one); every other node reaches the
 * persona's /24 through its parent, and every node reaches its descendants' subnets through the child above them.
 * </ul>
 */
record TopologyPlan(List<Resource> resources) {
    static final int MAX_STAR = 253;
    static final int MAX_MESH = 16;

    static String devicePrefix(int minor) {
        return "np" + Integer.toHexString(minor);
    }

    /** The persona's /24 as its first three octets. */
    static String subnet(int minor) {
        return "10.250." + (minor % 256) + ".";
    }

    static TopologyPlan star(String hub, List<String> members, int minor) {
        String p = devicePrefix(minor);
        String net = subnet(minor);
        List<Resource> out = new ArrayList<>();
        out.add(LinkKind.bridge(hub, p + "-br", List.of(net + "1/24")));
        for (int i = 0; i < members.size(); i++) {
            if (!members.get(i).equals(hub)) {
                out.add(LinkKind.veth(hub, p + "-p" + i, List.of(), p + "-br", members.get(i), p + "-up",
                        List.of(net + (i + 2) + "/24"), null));
            }
        }
        return new TopologyPlan(out);
    }

    static TopologyPlan mesh(List<String> members, int minor) {
        String p = devicePrefix(minor);
        String net = subnet(minor);
        List<Resource> out = new ArrayList<>();
        int pair = 0;
        for (int i = 0; i < members.size(); i++) {
            for (int j = i + 1; j < members.size(); j++, pair++) {
                out.add(LinkKind.veth(members.get(i), p + "-m" + j, List.of(net + (2 * pair) + "/31"), null,
                        members.get(j), p + "-m" + i, List.of(net + (2 * pair + 1) + "/31"), null));
            }
        }
        return new TopologyPlan(out);
    }

    /** The size of each internal node's subnet: a network, a bridge, fanout children and a broadcast address. */
    static int block(int fanout) {
        return Integer.highestOneBit(fanout + 2) << 1;
    }

    /** Whether a tree of {@code nodes} fits in one /24. Internal nodes are exactly the first ones breadth-first. */
    static boolean fits(int nodes, int fanout) {
        return internal(nodes, fanout) * block(fanout) <= 256;
    }

    static int internal(int nodes, int fanout) {
        return nodes < 2 ? 0 : (nodes - 2) / fanout + 1;
    }

    /** {@code nodes.get(0)} is the root. */
    static TopologyPlan tree(List<String> nodes, int fanout, int minor) {
        String p = devicePrefix(minor);
        String net = subnet(minor);
        int b = block(fanout);
        int len = 32 - Integer.numberOfTrailingZeros(b);
        int inner = internal(nodes.size(), fanout);
        List<Resource> out = new ArrayList<>();
        for (int q = 0; q < inner; q++) {
            String ns = nodes.get(q);
            out.add(LinkKind.bridge(ns, p + "-br", List.of(net + (q * b + 1) + "/" + len)));
            out.add(SysctlKind.of(ns, "net.ipv4.ip_forward", "1"));
            out.add(SysctlKind.of(ns, "net.ipv4.conf.all.send_redirects", "0"));
            out.add(SysctlKind.of(ns, "net.ipv4.conf." + p + "-br.send_redirects", "0"));
        }
        for (int k = 1; k < nodes.size(); k++) {
            int parent = (k - 1) / fanout;
            out.add(LinkKind.veth(nodes.get(parent), p + "-p" + k, List.of(), p + "-br", nodes.get(k), p + "-up",
                    List.of(uplink(k, fanout, net) + "/" + len), null));
            out.add(route(nodes.get(k), net + "0/24", net + (parent * b + 1), p + "-up"));
        }
        for (int q = 0; q < inner; q++) {
            for (int d = q + 1; d < inner; d++) {
                int child = childAbove(q, d, fanout);
                if (child >= 0) {
                    out.add(route(nodes.get(q), net + (d * b) + "/" + len, uplink(child, fanout, net), p + "-br"));
                }
            }
        }
        return new TopologyPlan(out);
    }

    /** Node k's address on its parent's bridge. */
    private static String uplink(int k, int fanout, String net) {
        int parent = (k - 1) / fanout;
        return net + (parent * block(fanout) + 2 + (k - 1 - parent * fanout));
    }

    /** The child of {@code q} whose subtree holds {@code d}, or -1 when d is not below q. */
    static int childAbove(int q, int d, int fanout) {
        int n = d;
        while (n > 0) {
            int parent = (n - 1) / fanout;
            if (parent == q) {
                return n;
            }
            n = parent;
        }
        return -1;
    }

    private static Resource route(String scope, String dst, String gateway, String dev) {
        return RouteKind.of(scope, new RouteKind.Key(RouteKind.INET, "main", dst, 0),
                Map.of("dev", dev, "gateway", gateway, "proto", "static", "scope", "global"));
    }
}
