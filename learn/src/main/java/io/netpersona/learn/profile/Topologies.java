package io.netpersona.learn.profile;

import io.netpersona.model.TopologyKind;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The topology that fits a traffic matrix (the graph of addresses that exchanged bytes):
 * <ol>
 *   <li><b>star</b> when one address (the hub) is an end of at least {@link #STAR_SHARE} of the bytes;
 *   <li><b>mesh</b> when at least {@link #MESH_DENSITY} of all possible pairs exchanged traffic;
 *   <li><b>tree</b> when the graph has no cycle: rooted at the address with the most bytes, fanout its
 *       largest number of children;
 *   <li>otherwise <b>mesh</b>: cycles and no hub call for links between the pairs that talk.
 * </ol>
 * The hub of a star or root of a tree is the application's busiest address when it qualifies.
 */
final class Topologies {
    static final double STAR_SHARE = 0.9, MESH_DENSITY = 0.5;

    private Topologies() {
    }

    static Profile.TopologyFit fit(List<Profile.MatrixEntry> matrix, Set<InetAddress> app) {
        Map<InetAddress, Long> bytes = new HashMap<>();
        Map<InetAddress, Set<InetAddress>> edges = new HashMap<>();
        long total = 0;
        for (Profile.MatrixEntry e : matrix) {
            if (e.bytes() == 0 || e.a().equals(e.b())) {
                continue;
            }
            bytes.merge(e.a(), e.bytes(), Long::sum);
            bytes.merge(e.b(), e.bytes(), Long::sum);
            edges.computeIfAbsent(e.a(), k -> new HashSet<>()).add(e.b());
            edges.computeIfAbsent(e.b(), k -> new HashSet<>()).add(e.a());
            total += e.bytes();
        }
        if (bytes.isEmpty()) {
            InetAddress only = app.iterator().next();
            return new Profile.TopologyFit(TopologyKind.STAR, only, 0, "no traffic between two addresses: a star of one");
        }
        InetAddress hub = null;
        for (var e : bytes.entrySet()) {
            boolean better = hub == null || e.getValue() > bytes.get(hub)
                    || (e.getValue().equals(bytes.get(hub)) && app.contains(e.getKey()) && !app.contains(hub));
            if (better) {
                hub = e.getKey();
            }
        }
        int n = bytes.size();
        long edgeCount = edges.values().stream().mapToLong(Set::size).sum() / 2;
        double hubShare = (double) bytes.get(hub) / total;
        String counts = n + " addresses, " + edgeCount + " pairs that exchanged traffic";
        if (hubShare >= STAR_SHARE) {
            return new Profile.TopologyFit(TopologyKind.STAR, hub, 0, "star: " + Address.text(hub) + " is an end of "
                    + Peers.pct(hubShare) + " of the bytes (" + counts + ")");
        }
        double density = n < 2 ? 0 : edgeCount / (n * (n - 1) / 2.0);
        if (density >= MESH_DENSITY) {
            return new Profile.TopologyFit(TopologyKind.MESH, null, 0, "mesh: " + Peers.pct(density)
                    + " of all pairs exchanged traffic and no address carries " + Peers.pct(STAR_SHARE) + " (" + counts + ")");
        }
        int components = components(edges);
        if (edgeCount == n - components) {
            int fanout = Math.max(2, Math.min(64, fanout(edges, hub)));
            return new Profile.TopologyFit(TopologyKind.TREE, hub, fanout, "tree: no cycles; rooted at the busiest address "
                    + Address.text(hub) + ", at most " + fanout + " children per node (" + counts + ")");
        }
        return new Profile.TopologyFit(TopologyKind.MESH, null, 0, "mesh: no hub and the pairs form cycles (" + counts + ")");
    }

    private static int components(Map<InetAddress, Set<InetAddress>> edges) {
        Set<InetAddress> seen = new HashSet<>();
        int n = 0;
        for (InetAddress start : edges.keySet()) {
            if (seen.add(start)) {
                n++;
                ArrayDeque<InetAddress> queue = new ArrayDeque<>(List.of(start));
                while (!queue.isEmpty()) {
                    for (InetAddress next : edges.get(queue.poll())) {
                        if (seen.add(next)) {
                            queue.add(next);
                        }
                    }
                }
            }
        }
        return n;
    }

    private static int fanout(Map<InetAddress, Set<InetAddress>> edges, InetAddress root) {
        Set<InetAddress> seen = new HashSet<>(List.of(root));
        ArrayDeque<InetAddress> queue = new ArrayDeque<>(List.of(root));
        int most = 0;
        while (!queue.isEmpty()) {
            int children = 0;
            for (InetAddress next : edges.get(queue.poll())) {
                if (seen.add(next)) {
                    queue.add(next);
                    children++;
                }
            }
            most = Math.max(most, children);
        }
        return most;
    }
}
