package io.netpersona.substrate.linux;

import io.netpersona.model.Persona;
import io.netpersona.model.Tcp;
import io.netpersona.substrate.Capabilities;
import io.netpersona.substrate.Resource;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code spec.tcp.congestionControl}: {@code congctl} on every unicast route of the application's
 * namespace main table (IPv4 and IPv6), and on the routes this persona itself adds there (its topology's
 * and its policy table's), because a TCP socket takes its congestion control from its route when it
 * connects or accepts. A namespace's own default cannot be cubic here: {@code tcp_allowed_congestion_control}
 * lets namespaces pick only reno and bbr (LAB.md), while a route may name any algorithm the kernel has.
 *
 * <p>Runs after the compilers whose routes it tunes. The machine's own routes are shared by every
 * application, so a persona without a namespace is refused.
 */
final class CongestionCompiler implements FieldCompiler {
    static final String FIELD = "spec.tcp.congestionControl";
    /** The names {@link TopologyPlan} gives the devices of a persona's virtual network. */
    private static final java.util.regex.Pattern PERSONA_DEVICE = java.util.regex.Pattern.compile("np[0-9a-f]{1,4}-.*");
    private final Supplier<Capabilities> capabilities;

    CongestionCompiler(Supplier<Capabilities> capabilities) {
        this.capabilities = capabilities;
    }

    @Override
    public void compile(Persona persona, AppContext app, HostView view, Desired out) {
        Tcp tcp = persona.spec().tcp();
        if (tcp == null || tcp.congestionControl() == null) {
            return;
        }
        String cc = tcp.congestionControl().name().toLowerCase(Locale.ROOT);
        Capabilities caps = capabilities.get();
        if (!caps.has("congestion/" + cc)) {
            out.problem(FIELD, cc + " (expected: one this host offers: " + offered(caps) + "; "
                    + caps.whyNot("congestion/" + cc) + ")");
            return;
        }
        if (app.scope().isEmpty()) {
            out.problem(FIELD, cc + " (expected: a persona with spec.app.netns; the host's own routes are shared by "
                    + "every application, and a congestion control on them would change it for all of them)");
            return;
        }
        Map<Resource.Key, Resource> routes = new LinkedHashMap<>();
        Set<String> own = ownDevices(app.scope(), out);
        for (String family : List.of(RouteKind.INET, RouteKind.INET6)) {
            for (Resource r : RouteKind.table(view, app.scope(), family, "main")) {
                // a device this persona makes gets its connected routes predicted below, not taken as found; the
                // devices of other personas' topologies, and their routes, are theirs
                String dev = r.attr("dev");
                if (r.attr("type") == null && !own.contains(dev) && (dev == null || !PERSONA_DEVICE.matcher(dev).matches())) {
                    routes.put(r.key(), r);
                }
            }
        }
        connectedRoutesOfOwnDevices(app.scope(), out).forEach(r -> routes.put(r.key(), r));
        for (Resource r : out.resources().values()) {
            if (r.kind().equals(RouteKind.KIND) && r.scope().equals(app.scope())) {
                routes.put(r.key(), r);
            }
        }
        // no routes while its links are down is fine (the next plan tunes them when they come back); no device is not
        boolean devices = false;
        for (var link : view.devices(app.scope())) {
            devices |= !link.path("link_type").asString("").equals("loopback");
        }
        if (routes.isEmpty() && !devices) {
            out.problem(FIELD, cc + " (expected: a namespace with a network device whose routes can carry it; "
                    + app.scope() + " has only loopback)");
            return;
        }
        routes.values().forEach(r -> out.add(RouteKind.withCongctl(r, cc)));
    }

    static String offered(Capabilities caps) {
        return caps.features().values().stream()
                .filter(c -> c.name().startsWith("congestion/") && c.name().indexOf('/', 11) < 0 && c.available())
                .map(c -> c.name().substring("congestion/".length()))
                .collect(Collectors.joining(", "));
    }

    /** The devices in {@code scope} that the persona's other fields create. */
    private static Set<String> ownDevices(String scope, Desired out) {
        Set<String> own = new HashSet<>();
        for (Resource r : out.resources().values()) {
            if (r.kind().equals(LinkKind.BRIDGE) || r.kind().equals(LinkKind.VETH)) {
                if (r.scope().equals(scope)) {
                    own.add(r.id());
                }
                if (scope.equals(r.attr("peer-netns"))) {
                    own.add(r.attr("peer"));
                }
            }
        }
        return own;
    }

    /**
     * The IPv4 routes the kernel adds for the addresses of devices the persona creates, as it adds them,
     * so that the first apply already tunes them (they exist only after its links are made).
     */
    private static List<Resource> connectedRoutesOfOwnDevices(String scope, Desired out) {
        List<Resource> routes = new java.util.ArrayList<>();
        for (Resource r : out.resources().values()) {
            if (!r.kind().equals(LinkKind.BRIDGE) && !r.kind().equals(LinkKind.VETH)) {
                continue;
            }
            String prefix = r.scope().equals(scope) ? "" : scope.equals(r.attr("peer-netns")) ? "peer-" : null;
            String list = prefix == null ? null : r.attr(prefix + "addresses");
            if (list == null) {
                continue;
            }
            String dev = prefix.isEmpty() ? r.id() : r.attr("peer");
            for (String cidr : list.split(",")) {
                if (!Addresses.isV6(cidr) && !cidr.endsWith("/32")) {
                    routes.add(RouteKind.of(scope, new RouteKind.Key(RouteKind.INET, "main", Addresses.network4(cidr), 0),
                            Map.of("dev", dev, "proto", "kernel", "scope", "link", "src", cidr.split("/")[0])));
                }
            }
        }
        return routes;
    }
}
