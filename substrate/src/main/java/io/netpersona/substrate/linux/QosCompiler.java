package io.netpersona.substrate.linux;

import io.netpersona.model.ByteSize;
import io.netpersona.model.IpAddress;
import io.netpersona.model.Persona;
import io.netpersona.model.Qos;
import io.netpersona.model.Rate;
import io.netpersona.substrate.Capabilities;
import io.netpersona.substrate.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * {@code spec.qos}: the application's HTB class where its host's queue forms (DESIGN.md, "Where QoS acts").
 *
 * <p>Egress: a class below the host's shared HTB root on the uplink ({@link HtbRootKind}, parent class at 99%
 * of the uplink's capacity, {@link #EGRESS_SHARE}), the application's packets steered into it by {@code meta priority set} and marked
 * with its DSCP, in the persona's nftables table in the host's namespace ({@code postrouting}, matching the
 * application's source addresses and the uplink). Ingress, when the host has an IFB: the same class on the
 * IFB's HTB root, what arrives over the uplink redirected there, and u32 filters on the application's IPv4
 * destination addresses (nftables cannot classify there; see {@link U32DstFilterKind}).
 *
 * <p>Numbers: {@code priority} is HTB's prio (default 4, between urgent and bulk); {@code guaranteedRate} the
 * class's rate (default 1% of the parent, at least 8kbit), refused above the parent's rate, since the host
 * cannot guarantee more than it has; {@code ceilRate} the ceiling (default the parent's rate), capped at the
 * parent's rate rather than refused, because a persona moves between hosts of different capacities and a ceiling
 * above a host's capacity means "as much as there is"; {@code burst} both buckets (default 1 ms at rate and at
 * ceiling, at least 1600 bytes); the leaf ({@link TbfLeaf}) holds about 100 ms at the ceiling, in bytes.
 *
 * <p>Egress at 99%: what leaves was paced by this host's HTB, which counts a packet as the uplink's shaper does
 * (its length with the link-layer header, every GSO segment's headers included), so a root just below the capacity
 * keeps the queue in our qdisc. Measured in the lab's story (20 Mbit/s uplink over a 1000-packet FIFO, persona
 * phase, every application and the load sending; the wire's FIFO read every 20 ms): at 99% it held 1.2 KB on
 * average and 15 KB at the 99th percentile, at 95% 2.3 and 17 KB in the run after it, no drops in either; the
 * game's p99 was 1.10x its unloaded p99 at both (46.9 against 42.7 ms, 47.0 against 42.8, in the runs on a quiet
 * enough machine; on a busy one its unloaded p99 itself reached 223 ms). The 5% left idle at 95% was 1 Mbit/s,
 * 9% of what the other applications left the lab's backup (its share 86-87% at 95% in three runs, 91-98% at 99%
 * in seven).
 *
 * <p>The IFB's parent class is at 90% of the capacity: what arrives was paced by nobody here (remote
 * TSO bursts), so a bottleneck kept 95% busy by it still queues. Measured on the QoS test network (download,
 * 4 cubic flows): probe RTT p99 60 ms at 95%, 3 ms at 90%, for 18.1 vs 17.2 Mbit/s of bulk.
 *
 * <p>An application whose namespace is behind no host in the {@link HostPicture} is its own host: its classes go on
 * its egress device (its default route's), with no IFB unless the picture lists its namespace as a host.
 * Without a picture entry the capacity is unknown, so {@code ceilRate} stands in for it, or the field is refused.
 */
final class QosCompiler implements FieldCompiler {
    static final double EGRESS_SHARE = 0.99;
    static final double INGRESS_SHARE = 0.90;
    static final int DEFAULT_PRIO = 4;
    /**
     * HTB's last priority for the class of traffic no persona claims: it keeps its guarantee, but borrows what the
     * classes leave only after every persona's class, the bulk ones (6, 7) included; at 4 it took the excess ahead
     * of a learned backup (the lab's backup kept 55-85% of what the others left).
     */
    static final int DEFAULT_CLASS_PRIO = 7;
    private static final Rate MIN_RATE = Rate.ofBitsPerSecond(8_000);
    private static final long MIN_BUCKET = 1600;

    private final HostPicture picture;
    private final Supplier<Capabilities> capabilities;

    QosCompiler(HostPicture picture, Supplier<Capabilities> capabilities) {
        this.picture = picture;
        this.capabilities = capabilities;
    }

    /** Where the classes go: the host's namespace and uplink, the uplink's capacity, the IFB (null for none). */
    record Shaping(String host, String scope, String uplink, Rate capacity, String ifb) {}

    @Override
    public void compile(Persona persona, AppContext app, HostView view, Desired out) {
        Qos q = persona.spec().qos();
        if (q == null) {
            return;
        }
        Optional<Shaping> where = shaping(q, app, view, out);
        if (where.isEmpty() || !capable(where.get(), out) || !free(where.get(), view, out)) {
            return;
        }
        Shaping s = where.get();
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        addresses(view, app.scope(), v4, v6);
        if (v4.isEmpty() && v6.isEmpty()) {
            out.problem("spec.qos", "namespace " + describe(app.scope()) + " has no global address (expected: an address "
                    + "to tell the application's packets by on its host)");
            return;
        }
        Rate egressParent = share(s.capacity(), EGRESS_SHARE);
        Rate ingressParent = share(s.capacity(), INGRESS_SHARE);
        Rate smallest = s.ifb() == null || egressParent.compareTo(ingressParent) <= 0 ? egressParent : ingressParent;
        if (q.guaranteedRate() != null && q.guaranteedRate().compareTo(smallest) > 0) {
            out.problem("spec.qos.guaranteedRate", q.guaranteedRate() + " (expected: at most " + smallest + ", what host "
                    + s.host() + " shapes its uplink " + s.uplink() + " of capacity " + s.capacity() + " to; it cannot guarantee more)");
            return;
        }
        int mtu = view.find(view.devices(s.scope()), "ifname", s.uplink()).map(l -> l.path("mtu").asInt(1500)).orElse(1500);
        out.add(root(s.scope(), s.uplink(), egressParent, mtu));
        out.add(HtbClassKind.of(s.scope(), s.uplink(), app.ids(), shape(q, egressParent, mtu)));
        if (app.host().isEmpty()) {
            // an application that is its own host steers in its own table; behind a host, the host's shared
            // table does it (HostEntriesCompiler), one map element per address instead of a table per persona
            String table = "netpersona-" + persona.name();
            addTable(out, s.scope(), table, steering(table, s.uplink(), app.ids(), q, v4, v6));
        }
        if (s.ifb() != null) {
            out.add(IfbLinkKind.of(s.scope(), s.ifb()));
            out.add(root(s.scope(), s.ifb(), ingressParent, mtu));
            out.add(HtbClassKind.of(s.scope(), s.ifb(), app.ids(), shape(q, ingressParent, mtu)));
            if (!v4.isEmpty()) {
                out.add(U32DstFilterKind.of(s.scope(), s.ifb(), app.ids().minor(), app.ids().classid(),
                        v4.stream().map(a -> a + "/32").toList()));
            }
            out.add(IngressRedirectKind.of(s.scope(), s.uplink(), s.ifb()));
        }
    }

    private Optional<Shaping> shaping(Qos q, AppContext app, HostView view, Desired out) {
        Optional<HostPicture.Host> host = app.host().or(() -> picture.hosts().stream()
                .filter(h -> h.netns().equals(app.scope())).findFirst());
        if (host.isPresent()) {
            HostPicture.Host h = host.get();
            if (view.find(view.devices(h.netns()), "ifname", h.uplink()).isEmpty()) {
                out.problem("spec.qos", "host " + h.name() + ": uplink " + h.uplink() + " is not a device in namespace "
                        + describe(h.netns()) + " (expected: the device the HostPicture names as its uplink)");
                return Optional.empty();
            }
            if (h.capacity() == null || h.capacity().bitsPerSecond() == 0) {
                out.problem("spec.qos", "host " + h.name() + ": uplink capacity " + h.capacity()
                        + " (expected: the uplink's capacity, such as 20Mbit, in the HostPicture)");
                return Optional.empty();
            }
            return Optional.of(new Shaping(h.name(), h.netns(), h.uplink(), h.capacity(), h.ifb()));
        }
        Optional<String> egress = defaultRouteDevice(view, app.scope());
        if (egress.isEmpty()) {
            out.problem("spec.qos", "namespace " + describe(app.scope()) + " is behind no host in the HostPicture and has no "
                    + "default route (expected: a host entry that lists it, or a default route whose device carries its traffic)");
            return Optional.empty();
        }
        if (q.ceilRate() == null) {
            out.problem("spec.qos", "the capacity of " + egress.get() + ", the egress device of namespace " + describe(app.scope())
                    + ", is unknown (expected: a host entry with its capacity in the HostPicture, or spec.qos.ceilRate)");
            return Optional.empty();
        }
        return Optional.of(new Shaping(describe(app.scope()), app.scope(), egress.get(), q.ceilRate(), null));
    }

    private boolean capable(Shaping s, Desired out) {
        Capabilities c = capabilities.get();
        List<String> needed = new ArrayList<>(List.of("qdisc/htb", "qdisc/tbf", "nftables"));
        if (s.ifb() != null) {
            needed.addAll(List.of("ifb", "qdisc/ingress", "classifier/u32"));
        }
        boolean ok = true;
        for (String f : needed) {
            if (!c.has(f)) {
                out.problem("spec.qos", "host " + s.host() + " cannot shape: " + f + " is missing (" + c.whyNot(f) + ")");
                ok = false;
            }
        }
        return ok;
    }

    /** Refuses devices that carry queueing someone else set up, which applying would destroy. */
    private static boolean free(Shaping s, HostView view, Desired out) {
        List<String> devices = s.ifb() == null ? List.of(s.uplink()) : List.of(s.uplink(), s.ifb());
        int before = out.problems().size();
        for (String dev : devices) {
            HtbRootKind.root(view, s.scope(), dev).filter(r -> !HtbRootKind.isHtbOne(r)).ifPresent(r -> out.problem("spec.qos",
                    "host " + s.host() + ": " + dev + " has a root qdisc " + r.path("kind").asString() + " "
                            + r.path("handle").asString() + " that netpersona did not make (expected: the device's default qdisc, "
                            + "or an HTB root 1:; remove it first)"));
        }
        if (s.ifb() != null) {
            view.find(view.links(s.scope()), "ifname", s.ifb())
                    .map(l -> l.path("linkinfo").path("info_kind").asString("none"))
                    .filter(kind -> !kind.equals("ifb"))
                    .ifPresent(kind -> out.problem("spec.qos", "host " + s.host() + ": device " + s.ifb() + " exists and is "
                            + kind + ", not an IFB (expected: a free name for the host's IFB in the HostPicture)"));
            Resource.Key key = new Resource.Key(IngressRedirectKind.KIND, s.scope(), s.uplink());
            new IngressRedirectKind().read(key, view, Records.Entry.none(key))
                    .filter(r -> !s.ifb().equals(r.attr("to")))
                    .ifPresent(r -> out.problem("spec.qos", "host " + s.host() + ": uplink " + s.uplink() + " has an ingress qdisc "
                            + r.attributes() + " that netpersona did not make (expected: none, so that it can redirect to "
                            + s.ifb() + ")"));
        }
        return out.problems().size() == before;
    }

    /** The class of a persona below a parent class of rate {@code parent}; guaranteedRate is checked already. */
    static HtbClassKind.Shape shape(Qos q, Rate parent, int mtu) {
        Rate rate = q.guaranteedRate() != null ? q.guaranteedRate()
                : max(Rate.ofBitsPerSecond(parent.bitsPerSecond() / 100 / 1000 * 1000), MIN_RATE);
        Rate ceil = q.ceilRate() == null || q.ceilRate().compareTo(parent) > 0 ? parent : q.ceilRate();
        ByteSize burst = q.burst() != null ? q.burst() : bucket(rate);
        ByteSize cburst = q.burst() != null ? q.burst() : bucket(ceil);
        int prio = q.priority() == null ? DEFAULT_PRIO : q.priority();
        return new HtbClassKind.Shape(prio, rate, ceil, burst, cburst, TbfLeaf.of(ceil, cburst, mtu));
    }

    /**
     * The shared root; its default class guarantees 5% of the parent to traffic no persona claims (so that it never
     * starves) and borrows at the last priority.
     */
    static Resource root(String scope, String device, Rate parent, int mtu) {
        Rate dflt = max(Rate.ofBitsPerSecond(parent.bitsPerSecond() / 20 / 1000 * 1000), MIN_RATE);
        return HtbRootKind.of(scope, device, parent, dflt, DEFAULT_CLASS_PRIO, TbfLeaf.of(parent, bucket(parent), mtu));
    }

    /** The table with the chain that puts the application's packets leaving by the uplink into its class. */
    static String steering(String table, String uplink, AppContext.Ids ids, Qos q, List<String> v4, List<String> v6) {
        StringBuilder s = new StringBuilder("table " + NftTableKind.FAMILY + " " + table + " {\n\tchain qos-egress {\n")
                .append("\t\ttype filter hook postrouting priority mangle; policy accept;\n");
        if (!v4.isEmpty()) {
            s.append("\t\toifname \"").append(uplink).append("\" ip saddr { ").append(String.join(", ", v4))
                    .append(" } meta priority set ").append(ids.classid())
                    .append(q.dscp() == null ? "" : " ip dscp set " + q.dscp().value()).append('\n');
        }
        if (!v6.isEmpty()) {
            s.append("\t\toifname \"").append(uplink).append("\" ip6 saddr { ").append(String.join(", ", v6))
                    .append(" } meta priority set ").append(ids.classid())
                    .append(q.dscp() == null ? "" : " ip6 dscp set " + q.dscp().value()).append('\n');
        }
        return s.append("\t}\n}").toString();
    }

    /**
     * Adds the table, after what another compiler put in the same table (an application that is its own host
     * has its firewall's table in the same namespace under the same name): nft adds the two blocks up.
     */
    static void addTable(Desired out, String scope, String table, String script) {
        Resource mine = NftTableKind.of(scope, table, script);
        Resource there = out.resources().get(mine.key());
        out.add(there == null ? mine : NftTableKind.of(scope, table, there.attr(NftTableKind.SCRIPT) + "\n" + script));
    }

    /** The application's global addresses, checked to be address literals before they reach a script. */
    static void addresses(HostView view, String scope, List<String> v4, List<String> v6) {
        for (JsonNode link : view.addresses(scope)) {
            for (JsonNode a : link.path("addr_info")) {
                if (a.path("scope").asString("").equals("global")) {
                    IpAddress ip = IpAddress.parse(a.path("local").asString(""));
                    (ip.isIpv4() ? v4 : v6).add(ip.toString());
                }
            }
        }
    }

    static Optional<String> defaultRouteDevice(HostView view, String scope) {
        for (String family : List.of("-4", "-6")) {
            for (JsonNode r : view.routes(scope, family)) {
                if (r.path("dst").asString("").equals("default") && r.path("table").asString("main").equals("main")
                        && r.has("dev")) {
                    return Optional.of(r.path("dev").asString());
                }
            }
        }
        return Optional.empty();
    }

    /** {@code share} of a capacity, in whole kbit (whole Mbit from 1 Gbit), which tc prints exactly. */
    static Rate share(Rate capacity, double share) {
        long bits = (long) (capacity.bitsPerSecond() * share);
        long unit = bits >= 1_000_000_000L ? 1_000_000L : 1_000L;
        return Rate.ofBitsPerSecond(Math.max(unit, bits / unit * unit));
    }

    static ByteSize bucket(Rate r) {
        return ByteSize.ofBytes(Math.max(MIN_BUCKET, r.bitsPerSecond() / 8 / 1000));
    }

    private static Rate max(Rate a, Rate b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String describe(String scope) {
        return scope.isEmpty() ? "(the host's own)" : scope;
    }
}
