package io.netpersona.substrate.linux;

import io.netpersona.model.Persona;
import io.netpersona.model.Routing;
import io.netpersona.substrate.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * {@code spec.routing}: the application's traffic looks up a table of its own (ids().table()) holding a
 * default route through the preferred egress and, at higher metrics, one through each fallback. When the
 * preferred link goes down the kernel drops its routes and the next one carries the traffic; when the link
 * comes back its route is missing (drift) and the next plan puts it back.
 *
 * <p>Where and how the traffic is picked out (no nftables mark is needed, because a persona's application
 * is a namespace):
 * <ul>
 * <li>the egress interfaces are in the application's own namespace: rules {@code iif lo}, which match what
 * this namespace itself sends, so the socket's own route lookup already sees the table (its source address
 * and congestion control come from the chosen route, which a mark set later in the output path cannot do);
 * <li>they are in its host's namespace (HostPicture): rules {@code from ADDRESS} for each address of the
 * application, matched when the host forwards its packets.
 * </ul>
 * Each selector gets two rules: first the main table without its default routes ({@code
 * suppress_prefixlength 0}), so that connected and more specific routes still win, then the persona's table.
 * Gateways come from the main table's default routes through each interface, else from the persona's table
 * or its record (the kernel drops both with the link), else the route goes straight through the device.
 */
final class RoutingCompiler implements FieldCompiler {
    static final int PREF_BASE = 20000;
    static final int PREF_SLOTS = 6000;
    private final Function<String, Optional<Records.Record>> recorded;

    RoutingCompiler(Function<String, Optional<Records.Record>> recorded) {
        this.recorded = recorded;
    }

    static int pref(AppContext.Ids ids) {
        return PREF_BASE + 2 * (ids.minor() % PREF_SLOTS);
    }

    static int metric(int index) {
        return 10 * (index + 1);
    }

    @Override
    public void compile(Persona persona, AppContext app, HostView view, Desired out) {
        Routing routing = persona.spec().routing();
        if (routing == null) {
            return;
        }
        if (routing.preferredEgress() == null) {
            out.problem("spec.routing.preferredEgress", "missing (expected: the interface the application's traffic should leave by)");
            return;
        }
        if (app.scope().isEmpty()) {
            out.problem("spec.routing", "needs spec.app.netns (without a namespace the application's traffic cannot be "
                    + "told apart from the host's own by a routing rule)");
            return;
        }
        List<String> egress = new ArrayList<>();
        egress.add(routing.preferredEgress());
        if (routing.fallback() != null) {
            egress.addAll(routing.fallback());
        }
        Optional<String> where = where(egress, app, view);
        if (where.isEmpty()) {
            missing(routing, egress, app, view, out);
            return;
        }
        List<String> selectors = selectors(where.get(), app, view, out);
        for (String family : List.of(RouteKind.INET, RouteKind.INET6)) {
            family(family, egress, selectors, where.get(), app, view, out);
        }
    }

    /**
     * One family's routes and rules. The rules stay while every egress is down (the table is then empty and
     * lookups fall through to main), so that only the routes come and go with the links.
     */
    private void family(String family, List<String> egress, List<String> selectors, String scope, AppContext app,
            HostView view, Desired out) {
        String table = Integer.toString(app.ids().table());
        boolean routed = false;
        for (int i = 0; i < egress.size(); i++) {
            String dev = egress.get(i);
            routed |= !familyAddresses(view, scope, dev, family).isEmpty() || mainGateway(view, scope, family, dev).isPresent();
            if (up(view, scope, dev)) {
                route(app, view, scope, family, table, dev, metric(i)).ifPresent(out::add);
            }
        }
        if (!routed) {
            return;
        }
        for (String s : selectors) {
            if (s.equals("iif lo") || Addresses.isV6(s) == family.equals(RouteKind.INET6)) {
                out.add(RuleKind.of(scope, family, pref(app.ids()), s, "main", 0));
                out.add(RuleKind.of(scope, family, pref(app.ids()) + 1, s, table, null));
            }
        }
    }

    /** The application's namespace if it has every egress interface, else its host's if that one does. */
    private static Optional<String> where(List<String> egress, AppContext app, HostView view) {
        if (egress.stream().allMatch(d -> view.find(view.devices(app.scope()), "ifname", d).isPresent())) {
            return Optional.of(app.scope());
        }
        return app.host().map(HostPicture.Host::netns)
                .filter(h -> egress.stream().allMatch(d -> view.find(view.devices(h), "ifname", d).isPresent()));
    }

    private static void missing(Routing routing, List<String> egress, AppContext app, HostView view, Desired out) {
        String host = app.host().map(HostPicture.Host::netns).orElse(null);
        String expected = "an interface of the application's namespace " + app.scope()
                + (host == null ? "" : " or, for all of them, of its host's namespace " + (host.isEmpty() ? "(the machine's own)" : host));
        String base = host != null && egress.stream().noneMatch(d -> view.find(view.devices(app.scope()), "ifname", d).isPresent())
                ? host : app.scope();
        for (int i = 0; i < egress.size(); i++) {
            if (view.find(view.devices(base), "ifname", egress.get(i)).isEmpty()) {
                out.problem(i == 0 ? "spec.routing.preferredEgress" : "spec.routing.fallback[" + (i - 1) + "]",
                        egress.get(i) + " (expected: " + expected + ")");
            }
        }
    }

    /** {@code iif lo} in the application's own namespace; its addresses as sources in its host's. */
    private static List<String> selectors(String scope, AppContext app, HostView view, Desired out) {
        if (scope.equals(app.scope())) {
            return List.of("iif lo");
        }
        List<String> from = new ArrayList<>();
        for (Addresses.Assigned a : Addresses.of(view, app.scope(), null)) {
            if (a.global()) {
                from.add("from " + a.address());
            }
        }
        if (from.isEmpty()) {
            out.problem("spec.routing", "the application's namespace " + app.scope() + " has no address by which its "
                    + "host can tell its traffic apart (expected: an address on a device of " + app.scope() + ")");
        }
        return from;
    }

    private Optional<Resource> route(AppContext app, HostView view, String scope, String family, String table, String dev, int metric) {
        RouteKind.Key key = new RouteKind.Key(family, table, "default", metric);
        Map<String, String> a = new TreeMap<>();
        a.put("dev", dev);
        a.put("proto", "static");
        Optional<String> gateway = mainGateway(view, scope, family, dev)
                .or(() -> RouteKind.table(view, scope, family, table).stream()
                        .filter(r -> r.id().equals(key.id())).map(r -> r.attr("gateway")).filter(g -> g != null).findFirst())
                .or(() -> recorded.apply(app.persona()).flatMap(rec -> rec.entry(new Resource.Key(RouteKind.KIND, scope, key.id()))
                        .applied()).map(r -> r.attr("gateway")))
                .filter(g -> onLink(view, scope, dev, g));
        if (gateway.isPresent()) {
            a.put("gateway", gateway.get());
            a.put("scope", "global");
        } else if (!familyAddresses(view, scope, dev, family).isEmpty()) {
            a.put("scope", family.equals(RouteKind.INET6) ? "global" : "link");
        } else {
            return Optional.empty();
        }
        if (family.equals(RouteKind.INET6)) {
            a.put("pref", "medium");
        }
        return Optional.of(RouteKind.of(scope, key, a));
    }

    /** The gateway of the main table's best default route through {@code dev}. */
    private static Optional<String> mainGateway(HostView view, String scope, String family, String dev) {
        return RouteKind.table(view, scope, family, "main").stream()
                .filter(r -> r.id().split(" ")[2].equals("default") && dev.equals(r.attr("dev")) && r.attr("gateway") != null)
                .min(java.util.Comparator.comparingLong(r -> RouteKind.Key.parse(r.id()).metric()))
                .map(r -> r.attr("gateway"));
    }

    private static List<Addresses.Assigned> familyAddresses(HostView view, String scope, String dev, String family) {
        return Addresses.of(view, scope, dev).stream().filter(a -> a.family().equals(family) && a.global()).toList();
    }

    /** A remembered gateway is usable only while one of the device's prefixes still holds it. */
    private static boolean onLink(HostView view, String scope, String dev, String gateway) {
        if (gateway.toLowerCase(java.util.Locale.ROOT).startsWith("fe80:")) {
            return true;
        }
        return Addresses.of(view, scope, dev).stream()
                .anyMatch(a -> Addresses.contains(a.address(), a.prefixLength(), gateway));
    }

    /** The kernel refuses a route through a device that is administratively down. */
    private static boolean up(HostView view, String scope, String dev) {
        Optional<JsonNode> link = view.find(view.devices(scope), "ifname", dev);
        if (link.isEmpty()) {
            return false;
        }
        for (JsonNode f : link.get().path("flags")) {
            if (f.asString("").equals("UP")) {
                return true;
            }
        }
        return false;
    }
}
