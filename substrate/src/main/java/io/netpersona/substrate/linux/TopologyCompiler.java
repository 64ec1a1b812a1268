package io.netpersona.substrate.linux;

import io.netpersona.model.Persona;
import io.netpersona.model.Topology;
import io.netpersona.model.TopologyKind;
import io.netpersona.substrate.Resource;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code spec.topology}: a star, a mesh or a tree between existing namespaces (see {@link TopologyPlan}).
 * Members must exist; a star's hub or a tree's root must be a member or an existing namespace (the first
 * member when none is named). Members learned from peers are not known here, so they must be listed.
 */
final class TopologyCompiler implements FieldCompiler {
    static final int DEFAULT_FANOUT = 2;

    @Override
    public void compile(Persona persona, AppContext app, HostView view, Desired out) {
        Topology t = persona.spec().topology();
        if (t == null || t.kind() == null) {
            return;
        }
        List<String> members = t.members() == null ? List.of() : t.members();
        if (members.isEmpty()) {
            out.problem("spec.topology.members", "none (expected: the namespaces to connect; members learned from "
                    + "peers are not known on this host)");
            return;
        }
        int problems = out.problems().size();
        for (int i = 0; i < members.size(); i++) {
            if (!view.namespaceExists(members.get(i))) {
                out.problem("spec.topology.members[" + i + "]", members.get(i) + " (expected: an existing network namespace)");
            }
        }
        String hub = t.kind() == TopologyKind.MESH ? null : t.hub() == null ? members.getFirst() : t.hub();
        if (hub != null && !members.contains(hub) && !view.namespaceExists(hub)) {
            out.problem("spec.topology.hub", hub + " (expected: one of the members or an existing network namespace)");
        }
        if (out.problems().size() > problems) {
            return;
        }
        int minor = app.ids().minor();
        TopologyPlan plan = switch (t.kind()) {
            case STAR -> members.stream().allMatch(hub::equals) ? tooSmall(out, "a star needs a member besides its hub " + hub)
                    : members.size() > TopologyPlan.MAX_STAR ? tooBig(out, members.size(), "at most " + TopologyPlan.MAX_STAR + " members in a star")
                    : TopologyPlan.star(hub, members, minor);
            case MESH -> members.size() < 2 ? tooSmall(out, "a mesh needs at least 2 members")
                    : members.size() > TopologyPlan.MAX_MESH ? tooBig(out, members.size(), "at most " + TopologyPlan.MAX_MESH
                            + " members in a mesh (a veth pair for every pair of them)")
                    : TopologyPlan.mesh(members, minor);
            case TREE -> tree(t, hub, members, minor, out);
        };
        if (plan == null) {
            return;
        }
        conflicts(plan, minor, view, out);
        plan.resources().forEach(out::add);
    }

    private static TopologyPlan tree(Topology t, String root, List<String> members, int minor, Desired out) {
        List<String> nodes = new ArrayList<>();
        nodes.add(root);
        members.stream().filter(m -> !m.equals(root)).forEach(nodes::add);
        int fanout = t.fanout() == null ? DEFAULT_FANOUT : t.fanout();
        if (nodes.size() < 2) {
            return tooSmall(out, "a tree needs a member besides its root " + root);
        }
        if (!TopologyPlan.fits(nodes.size(), fanout)) {
            return tooBig(out, members.size(), "a tree whose subnets fit in one /24: " + TopologyPlan.internal(nodes.size(), fanout)
                    + " parents with " + TopologyPlan.block(fanout) + " addresses each is more than 256");
        }
        return TopologyPlan.tree(nodes, fanout, minor);
    }

    private static TopologyPlan tooSmall(Desired out, String expected) {
        out.problem("spec.topology.members", "too few (expected: " + expected + ")");
        return null;
    }

    private static TopologyPlan tooBig(Desired out, int n, String expected) {
        out.problem("spec.topology.members", n + " members (expected: " + expected + ")");
        return null;
    }

    /** The persona's /24 must be free in every namespace it touches, but for its own devices. */
    private static void conflicts(TopologyPlan plan, int minor, HostView view, Desired out) {
        String net = TopologyPlan.subnet(minor);
        String own = TopologyPlan.devicePrefix(minor) + "-";
        java.util.Set<String> scopes = new java.util.TreeSet<>();
        for (Resource r : plan.resources()) {
            scopes.add(r.scope());
            if (r.attr("peer-netns") != null) {
                scopes.add(r.attr("peer-netns"));
            }
        }
        for (String scope : scopes) {
            for (var d : view.addresses(scope)) {
                String dev = d.path("ifname").asString("");
                for (var a : d.path("addr_info")) {
                    String local = a.path("local").asString("");
                    if (!dev.startsWith(own) && Addresses.contains(net + "0", 24, local)) {
                        out.problem("spec.topology", "address range " + net + "0/24 is in use in " + scope + " (" + local
                                + " on " + dev + "; expected: a free range, derived from the persona's number on this host)");
                        return;
                    }
                }
            }
        }
    }
}
