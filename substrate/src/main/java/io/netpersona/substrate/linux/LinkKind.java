package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * A virtual device the driver creates: a bridge ({@code link-bridge}) or a veth pair ({@code link-veth}),
 * keyed by scope and device name, with its addresses (IPv4 and global IPv6, comma-separated), its bridge
 * ({@code master}) and whether it is up. A veth pair is one resource keyed by one end; the other end is
 * {@code peer} in {@code peer-netns}, with its own {@code peer-} attributes, because one command makes and
 * one command removes both. Bridges come before the veths that join them (two kinds, two orders).
 */
final class LinkKind implements ResourceKind {
    enum Type { BRIDGE, VETH }

    static final String BRIDGE = "link-bridge";
    static final String VETH = "link-veth";
    private final Type type;

    LinkKind(Type type) {
        this.type = type;
    }

    static Resource bridge(String scope, String name, List<String> addresses) {
        Map<String, String> a = new LinkedHashMap<>();
        side(a, "", addresses, null);
        return new Resource(BRIDGE, scope, check(name), a);
    }

    /** A veth pair from {@code name} in {@code scope} to {@code peer} in {@code peerNetns}. */
    static Resource veth(String scope, String name, List<String> addresses, String master, String peerNetns, String peer,
            List<String> peerAddresses, String peerMaster) {
        Map<String, String> a = new LinkedHashMap<>();
        side(a, "", addresses, master);
        side(a, "peer-", peerAddresses, peerMaster);
        a.put("peer", check(peer));
        a.put("peer-netns", peerNetns);
        return new Resource(VETH, scope, check(name), a);
    }

    private static void side(Map<String, String> a, String prefix, List<String> addresses, String master) {
        if (!addresses.isEmpty()) {
            a.put(prefix + "addresses", String.join(",", new TreeSet<>(addresses)));
        }
        if (master != null) {
            a.put(prefix + "master", check(master));
        }
        a.put(prefix + "up", "true");
    }

    private static String check(String device) {
        if (!io.netpersona.model.Names.isInterface(device)) {
            throw new IllegalArgumentException("device " + device + " (expected: " + io.netpersona.model.Names.IFNAME_EXPECTED + ")");
        }
        return device;
    }

    @Override
    public String name() {
        return type == Type.BRIDGE ? BRIDGE : VETH;
    }

    @Override
    public int order() {
        return type == Type.BRIDGE ? 10 : 11;
    }

    @Override
    public Optional<Resource> read(Resource.Key key, HostView view, Records.Entry recorded) {
        Optional<JsonNode> link = view.find(view.links(key.scope()), "ifname", key.id());
        if (link.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> a = new LinkedHashMap<>();
        String kind = link.get().path("linkinfo").path("info_kind").asString("");
        if (!kind.equals(type == Type.BRIDGE ? "bridge" : "veth")) {
            a.put("type", kind.isEmpty() ? "other" : kind);
        }
        describe(a, "", view, key.scope(), link.get());
        if (type == Type.VETH && a.get("type") == null) {
            String peerNs = peerNetns(view, key.scope(), link.get());
            a.put("peer-netns", peerNs);
            int index = link.get().path("link_index").asInt(-1);
            for (JsonNode l : view.links(peerNs)) {
                if (l.path("ifindex").asInt() == index) {
                    a.put("peer", l.path("ifname").asString());
                    describe(a, "peer-", view, peerNs, l);
                }
            }
        }
        return Optional.of(new Resource(name(), key.scope(), key.id(), a));
    }

    private static String peerNetns(HostView view, String scope, JsonNode link) {
        if (!link.has("link_netnsid")) {
            return scope;
        }
        int id = link.path("link_netnsid").asInt();
        for (JsonNode n : view.netnsIds(scope)) {
            if (n.path("nsid").asInt(-1) == id) {
                return n.path("name").asString("?");
            }
        }
        return "nsid " + id;
    }

    private static void describe(Map<String, String> a, String prefix, HostView view, String scope, JsonNode link) {
        String dev = link.path("ifname").asString();
        List<String> addresses = new ArrayList<>();
        view.find(view.addresses(scope), "ifname", dev).ifPresent(d -> {
            for (JsonNode ai : d.path("addr_info")) {
                String s = ai.path("scope").asString("");
                if (!s.equals("link") && !s.equals("host")) {
                    addresses.add(ai.path("local").asString() + "/" + ai.path("prefixlen").asInt());
                }
            }
        });
        String master = link.hasNonNull("master") ? link.get("master").asString() : null;
        boolean up = false;
        for (JsonNode f : link.path("flags")) {
            up |= f.asString("").equals("UP");
        }
        if (!addresses.isEmpty()) {
            a.put(prefix + "addresses", String.join(",", new TreeSet<>(addresses)));
        }
        if (master != null) {
            a.put(prefix + "master", master);
        }
        a.put(prefix + "up", Boolean.toString(up));
    }

    @Override
    public void render(Step step, Batches out) {
        switch (step) {
            case Step.Create c -> create(c.resource(), out);
            case Step.Delete d -> out.ip(d.resource().scope(), "link del " + RouteKind.word(d.resource().id()));
            case Step.Modify m -> {
                boolean remake = m.from().attr("type") != null || m.to().attr("type") != null
                        || !Objects.equals(m.from().attr("peer"), m.to().attr("peer"))
                        || !Objects.equals(m.from().attr("peer-netns"), m.to().attr("peer-netns"));
                if (remake) {
                    out.ip(m.from().scope(), "link del " + RouteKind.word(m.from().id()));
                    create(m.to(), out);
                } else {
                    change(m.from(), m.to(), "", m.to().scope(), m.to().id(), out);
                    if (type == Type.VETH) {
                        change(m.from(), m.to(), "peer-", m.to().attr("peer-netns"), m.to().attr("peer"), out);
                    }
                }
            }
        }
    }

    private void create(Resource r, Batches out) {
        String dev = RouteKind.word(r.id());
        if (type == Type.BRIDGE) {
            out.ip(r.scope(), "link add " + dev + " type bridge");
        } else {
            out.ip(r.scope(), "link add " + dev + " type veth peer name " + RouteKind.word(r.attr("peer"))
                    + " netns " + RouteKind.word(r.attr("peer-netns")));
        }
        Resource none = new Resource(r.kind(), r.scope(), r.id(), Map.of());
        change(none, r, "", r.scope(), r.id(), out);
        if (type == Type.VETH) {
            change(none, r, "peer-", r.attr("peer-netns"), r.attr("peer"), out);
        }
    }

    /** Addresses, bridge and state of one end, from what {@code from} says to what {@code to} says. */
    private static void change(Resource from, Resource to, String prefix, String scope, String dev, Batches out) {
        Set<String> had = split(from.attr(prefix + "addresses"));
        Set<String> want = split(to.attr(prefix + "addresses"));
        String d = RouteKind.word(dev);
        for (String a : had) {
            if (!want.contains(a)) {
                out.ip(scope, "addr del " + RouteKind.word(a) + " dev " + d);
            }
        }
        for (String a : want) {
            if (!had.contains(a)) {
                out.ip(scope, "addr add " + RouteKind.word(a) + " dev " + d);
            }
        }
        String master = to.attr(prefix + "master");
        if (!Objects.equals(from.attr(prefix + "master"), master)) {
            out.ip(scope, "link set " + d + (master == null ? " nomaster" : " master " + RouteKind.word(master)));
        }
        if (!Objects.equals(from.attr(prefix + "up"), to.attr(prefix + "up"))) {
            out.ip(scope, "link set " + d + ("true".equals(to.attr(prefix + "up")) ? " up" : " down"));
        }
    }

    private static Set<String> split(String list) {
        Set<String> s = new TreeSet<>();
        if (list != null && !list.isEmpty()) {
            s.addAll(List.of(list.split(",")));
        }
        return s;
    }
}
