package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * A persona's u32 filters on an IFB's HTB root that send what arrives for its IPv4 addresses to its class
 * (kind {@code tc-u32-dst}, id = "DEVICE pref N", one pref per persona so that its filters are read and
 * deleted together). On an IFB nothing else can classify: tc ingress runs before netfilter, so nftables
 * cannot set the priority, and u32 matches addresses fine (only its {@code match mark} is broken here).
 */
final class U32DstFilterKind implements ResourceKind {
    static final String KIND = "tc-u32-dst";
    /** u32's offset of the IPv4 destination address. */
    private static final int IP_DST_OFFSET = 16;

    static Resource of(String scope, String device, int pref, String flowid, List<String> ipv4Cidrs) {
        return new Resource(KIND, scope, device + " pref " + pref,
                Map.of("flowid", flowid, "dst", String.join(",", new TreeSet<>(ipv4Cidrs))));
    }

    static String device(Resource.Key key) {
        return key.id().substring(0, key.id().indexOf(' '));
    }

    static int pref(Resource.Key key) {
        return Integer.parseInt(key.id().substring(key.id().lastIndexOf(' ') + 1));
    }

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public int order() {
        return 54;
    }

    @Override
    public Optional<Resource> read(Resource.Key key, HostView view, Records.Entry recorded) {
        TreeSet<String> dst = new TreeSet<>();
        TreeSet<String> flowids = new TreeSet<>();
        for (JsonNode f : view.filters(key.scope(), device(key), "1:")) {
            JsonNode o = f.path("options");
            if (f.path("pref").asInt() == pref(key) && o.has("match")) {
                dst.add(cidr(o.path("match")));
                flowids.add(o.path("flowid").asString("(none)"));
            }
        }
        if (dst.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Resource(KIND, key.scope(), key.id(),
                Map.of("flowid", String.join(",", flowids), "dst", String.join(",", dst))));
    }

    /** A u32 key as an IPv4 destination in CIDR form, or as the raw key when it matches something else. */
    static String cidr(JsonNode match) {
        long value = Long.parseLong(match.path("value").asString("0"), 16);
        long mask = Long.parseLong(match.path("mask").asString("0"), 16);
        if (match.path("off").asInt() != IP_DST_OFFSET) {
            return Long.toHexString(value) + "/" + Long.toHexString(mask) + " at " + match.path("off").asInt();
        }
        return ((value >> 24) & 255) + "." + ((value >> 16) & 255) + "." + ((value >> 8) & 255) + "." + (value & 255)
                + "/" + Long.bitCount(mask);
    }

    @Override
    public void render(Step step, Batches out) {
        switch (step) {
            case Step.Create c -> add(c.resource(), out);
            case Step.Modify m -> {
                delete(m.from(), out);
                add(m.to(), out);
            }
            case Step.Delete d -> delete(d.resource(), out);
        }
    }

    private static void add(Resource r, Batches out) {
        for (String dst : r.attr("dst").split(",")) {
            out.tc(r.scope(), "filter add dev " + device(r.key()) + " parent 1: protocol ip prio " + pref(r.key())
                    + " u32 match ip dst " + dst + " flowid " + r.attr("flowid"));
        }
    }

    private static void delete(Resource r, Batches out) {
        out.tc(r.scope(), "filter del dev " + device(r.key()) + " parent 1: protocol ip prio " + pref(r.key()));
    }
}
