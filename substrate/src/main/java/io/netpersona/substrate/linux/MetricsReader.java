package io.netpersona.substrate.linux;

import io.netpersona.model.Persona;
import io.netpersona.model.PortSelector;
import io.netpersona.model.Protocol;
import io.netpersona.substrate.Metrics;
import io.netpersona.substrate.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * An application's metrics from the kernel, each source read once per namespace per observation: the
 * named counters of the persona's firewall table ({@code nft -j list counters}; for an application behind a
 * host, its {@code p<minor>_rx/tx/dropped} counters in the host's shared table), its TCP sockets and its
 * devices' counters (over netlink, no process; {@code ss -tinH} and {@code ip -s -j link} where netlink
 * cannot be read). Queue figures come from the QoS classes, whose reader fills {@link Metrics#queues()}.
 *
 * <p>Only a namespace is the application's alone. For an application in the machine's own namespace
 * there are no counters (its firewall is refused there) and no devices of its own; its sockets are the
 * ones on its declared TCP ports.
 */
final class MetricsReader {
    /** {@code keys}: the persona's resources that exist now (its entries in a host's table among them). */
    Metrics read(Persona persona, HostView view, long now, Collection<Resource.Key> keys,
            java.util.function.Function<Resource.Key, List<String>> addresses) {
        String netns = persona.spec().app().netns();
        String scope = netns == null ? "" : netns;
        if (!view.namespaceExists(scope)) {
            return Metrics.none(now);
        }
        Optional<Resource.Key> hostEntries = keys.stream().filter(k -> k.kind().equals(HostEntriesKind.KIND)).findFirst();
        // without a firewall table there are no counters to read, and no process is spent on asking
        Metrics.Counters traffic = hostEntries.isPresent()
                ? hostTraffic(view, hostEntries.get(), addresses.apply(hostEntries.get()))
                : netns == null || persona.spec().security() == null ? new Metrics.Counters(0, 0, 0, 0)
                : traffic(view.nftCounters(scope, NftTableKind.FAMILY, FirewallScript.table(persona.name())));
        if (netns == null) {
            return new Metrics(now, traffic, hostSockets(persona, view), List.of(), List.of());
        }
        return new Metrics(now, traffic, view.tcpSockets(scope), List.of(), devices(scope, view));
    }

    private static List<Metrics.TcpSocket> hostSockets(Persona persona, HostView view) {
        List<PortSelector> declared = persona.spec().app().ports() == null ? List.of() : persona.spec().app().ports();
        Set<String> ports = declared.stream().filter(p -> p.proto() == Protocol.TCP).map(p -> ":" + p.port())
                .collect(Collectors.toSet());
        if (ports.isEmpty()) {
            return List.of();
        }
        return view.tcpSockets("").stream()
                .filter(s -> ports.stream().anyMatch(s.local()::endsWith)).toList();
    }

    /** The counters of the application's addresses in the host table's counting sets. */
    static Metrics.Counters hostTraffic(HostView view, Resource.Key entries, List<String> addresses) {
        Optional<NftIndex> ix = view.nftIndex(entries.scope(), HostTable.FAMILY, HostTable.NAME);
        if (ix.isEmpty()) {
            return new Metrics.Counters(0, 0, 0, 0);
        }
        long[] sums = new long[6];
        for (String a : addresses) {
            String f = a.contains(":") ? "6" : "4";
            for (int i = 0; i < HostTable.COUNTING.size(); i++) {
                NftIndex.Counter c = ix.get().counter(HostTable.COUNTING.get(i) + f, a);
                sums[2 * i] += c.bytes();
                sums[2 * i + 1] += c.packets();
            }
        }
        return new Metrics.Counters(sums[0], sums[1], sums[2], sums[3], sums[4], sums[5]);
    }

    /** The counters named rx, tx and dropped in a listing of a persona's own table's counters. */
    private static Metrics.Counters traffic(JsonNode counters) {
        long[] rx = {0, 0};
        long[] tx = {0, 0};
        long[] dropped = {0, 0};
        for (JsonNode item : counters.path("nftables")) {
            JsonNode c = item.path("counter");
            long[] into = switch (c.path("name").asString("")) {
                case FirewallScript.RX -> rx;
                case FirewallScript.TX -> tx;
                case FirewallScript.DROPPED -> dropped;
                default -> null;
            };
            if (into != null) {
                into[0] = c.path("bytes").asLong();
                into[1] = c.path("packets").asLong();
            }
        }
        return new Metrics.Counters(rx[0], rx[1], tx[0], tx[1], dropped[0], dropped[1]);
    }

    private static List<Metrics.Device> devices(String scope, HostView view) {
        List<Metrics.Device> out = new ArrayList<>();
        for (JsonNode link : view.linkStats(scope)) {
            if (link.path("link_type").asString("").equals("loopback")) {
                continue; // what the application says to itself is not network traffic
            }
            JsonNode rx = link.path("stats64").path("rx");
            JsonNode tx = link.path("stats64").path("tx");
            out.add(new Metrics.Device(scope, link.path("ifname").asString(), rx.path("bytes").asLong(),
                    rx.path("packets").asLong(), rx.path("dropped").asLong(), tx.path("bytes").asLong(),
                    tx.path("packets").asLong(), tx.path("dropped").asLong()));
        }
        return out;
    }
}
