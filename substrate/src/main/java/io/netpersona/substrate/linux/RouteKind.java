package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import io.netpersona.substrate.SubstrateException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A route ({@code route}), keyed as the kernel keys it (tos aside): scope, then {@code FAMILY TABLE DST}
 * and the metric ({@code inet main default}, {@code inet6 main fe80::/64 metric 256}). Its attributes are
 * everything needed to write it again exactly: dev, gateway, proto, scope, src, onlink, pref and the route
 * metrics (mtu, congctl, initcwnd..., {@code lock N} when locked). Written with {@code route replace}, so a
 * change, a re-creation and putting an original back are all one line; removed with {@code route del}.
 *
 * <p>Routes that ip prints in a form this kind does not write back (multipath, nexthop objects,
 * encapsulation, an expiry, tos, time metrics) are never taken over: {@link #parse} returns empty for them.
 */
final class RouteKind implements ResourceKind {
    static final String KIND = "route";
    static final String INET = "inet";
    static final String INET6 = "inet6";

    /** What the kernel keys a route by. IPv4 leaves metric 0 unprinted; IPv6 always prints it. */
    record Key(String family, String table, String dst, long metric) {
        String id() {
            return family + " " + table + " " + dst + (metric == 0 && family.equals(INET) ? "" : " metric " + metric);
        }

        static Key parse(String id) {
            String[] t = id.split(" ");
            return new Key(t[0], t[1], t[2], t.length >= 5 ? Long.parseLong(t[4]) : 0);
        }
    }

    /** JSON metric name -> the ip keyword that sets it. Time metrics (rtt, rttvar, rto_min) are left out. */
    private static final Map<String, String> METRICS = Map.ofEntries(
            Map.entry("mtu", "mtu"), Map.entry("advmss", "advmss"), Map.entry("window", "window"),
            Map.entry("ssthresh", "ssthresh"), Map.entry("cwnd", "cwnd"), Map.entry("initcwnd", "initcwnd"),
            Map.entry("initrwnd", "initrwnd"), Map.entry("reordering", "reordering"), Map.entry("hoplimit", "hoplimit"),
            Map.entry("quickack", "quickack"), Map.entry("fastopen_no_cookie", "fastopen_no_cookie"),
            Map.entry("congestion", "congctl"), Map.entry("ecn", "features"));
    /** The order ip prints and takes them in. */
    private static final List<String> METRIC_ORDER = List.of("mtu", "advmss", "window", "ssthresh", "cwnd",
            "reordering", "hoplimit", "initcwnd", "features", "initrwnd", "quickack", "congctl", "fastopen_no_cookie");
    private static final Set<String> FIELDS = Set.of("type", "dst", "gateway", "dev", "table", "protocol", "scope",
            "prefsrc", "metric", "flags", "metrics", "pref");
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_.:/%@-]+");

    static Resource of(String scope, Key key, Map<String, String> attributes) {
        return new Resource(KIND, scope, key.id(), attributes);
    }

    /** The same route with another congestion control (null for none). */
    static Resource withCongctl(Resource r, String congctl) {
        Map<String, String> a = new TreeMap<>(r.attributes());
        if (congctl == null) {
            a.remove("congctl");
        } else {
            a.put("congctl", congctl);
        }
        return new Resource(KIND, r.scope(), r.id(), a);
    }

    static String family(String ipFlag) {
        return ipFlag.equals("-6") ? INET6 : INET;
    }

    static String flag(String family) {
        return family.equals(INET6) ? "-6" : "-4";
    }

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public int order() {
        return 30;
    }

    @Override
    public Optional<Resource> read(Resource.Key key, HostView view, Records.Entry recorded) {
        Key k = Key.parse(key.id());
        for (JsonNode r : view.routes(key.scope(), flag(k.family()))) {
            if (keyOf(r, k.family()).equals(k)) {
                Optional<Resource> parsed = parse(key.scope(), k.family(), r, locks(view, key.scope(), r, k.family()));
                // someone made it into something this kind cannot write: show it as it is, to plan it away
                return Optional.of(parsed.orElseGet(() -> of(key.scope(), k, Map.of("unsupported", r.toString()))));
            }
        }
        return Optional.empty();
    }

    /** Every route of a table that this kind can write back exactly, as resources. */
    static List<Resource> table(HostView view, String scope, String family, String table) {
        return java.util.stream.StreamSupport.stream(view.routes(scope, flag(family)).spliterator(), false)
                .filter(r -> r.path("table").asString("").equals(table))
                .map(r -> parse(scope, family, r, locks(view, scope, r, family)))
                .flatMap(Optional::stream)
                .toList();
    }

    static Key keyOf(JsonNode r, String family) {
        return new Key(family, r.path("table").asString("main"), r.path("dst").asString(""), r.path("metric").asLong(0));
    }

    /** A route as ip's JSON prints it, or empty when it has anything this kind cannot write back. */
    static Optional<Resource> parse(String scope, String family, JsonNode r, Set<String> locked) {
        for (String field : r.propertyNames()) {
            if (!FIELDS.contains(field)) {
                return Optional.empty();
            }
        }
        Map<String, String> a = new LinkedHashMap<>();
        String type = r.path("type").asString("unicast");
        if (!type.equals("unicast")) {
            a.put("type", type);
        }
        copy(r, "dev", a, "dev");
        copy(r, "gateway", a, "gateway");
        copy(r, "protocol", a, "proto");
        copy(r, "scope", a, "scope");
        copy(r, "prefsrc", a, "src");
        copy(r, "pref", a, "pref");
        for (JsonNode f : r.path("flags")) {
            if (f.asString("").equals("onlink")) {
                a.put("onlink", "true");
            }
        }
        for (JsonNode m : r.path("metrics")) {
            for (Map.Entry<String, JsonNode> e : m.properties()) {
                String word = METRICS.get(e.getKey());
                if (word == null) {
                    return Optional.empty();
                }
                String value = word.equals("features") ? "ecn" : e.getValue().asString();
                a.put(word, locked.contains(word) ? "lock " + value : value);
            }
        }
        return Optional.of(of(scope, keyOf(r, family), a));
    }

    private static void copy(JsonNode r, String field, Map<String, String> a, String name) {
        if (r.hasNonNull(field)) {
            a.put(name, r.get(field).asString());
        }
    }

    /** The metrics ip prints as locked on this route: only its text form says (read only for a route with metrics). */
    private static Set<String> locks(HostView view, String scope, JsonNode r, String family) {
        return r.path("metrics").isEmpty() ? Set.of() : locks(view.routesText(scope, flag(family)), keyOf(r, family));
    }

    static Set<String> locks(String text, Key k) {
        Set<String> locked = new HashSet<>();
        for (String line : text.split("\n")) {
            if (!line.contains(" lock ")) {
                continue;
            }
            List<String> t = List.of(line.strip().split("\\s+"));
            int at = 1; // -d prints the type first, then the destination
            String table = after(t, "table", "main");
            long metric = Long.parseLong(after(t, "metric", "0"));
            if (new Key(k.family(), table, t.get(at), metric).equals(k)) {
                for (int i = 0; i + 1 < t.size(); i++) {
                    if (t.get(i + 1).equals("lock")) {
                        locked.add(t.get(i));
                    }
                }
            }
        }
        return locked;
    }

    private static String after(List<String> tokens, String word, String otherwise) {
        int i = tokens.indexOf(word);
        return i >= 0 && i + 1 < tokens.size() ? tokens.get(i + 1) : otherwise;
    }

    @Override
    public void render(Step step, Batches out) {
        switch (step) {
            case Step.Create c -> line(c.resource(), "replace " + spec(c.resource()), out);
            case Step.Modify m -> line(m.to(), "replace " + spec(m.to()), out);
            case Step.Delete d -> line(d.resource(), "del " + selector(d.resource()), out);
        }
    }

    private static void line(Resource r, String rest, Batches out) {
        if (Key.parse(r.id()).family().equals(INET6)) {
            out.ip6(r.scope(), "route " + rest);
        } else {
            out.ip(r.scope(), "route " + rest);
        }
    }

    /** The full route: every attribute, so that {@code replace} leaves nothing of the route it replaces. */
    static String spec(Resource r) {
        if (r.attr("unsupported") != null) {
            throw new SubstrateException("cannot write route " + r.key() + " back: ip prints it in a form this driver "
                    + "does not write (" + r.attr("unsupported") + ")");
        }
        Key k = Key.parse(r.id());
        StringBuilder s = new StringBuilder(selector(r));
        opt(s, "proto", r.attr("proto"));
        opt(s, "scope", r.attr("scope"));
        opt(s, "src", r.attr("src"));
        if ("true".equals(r.attr("onlink"))) {
            s.append(" onlink");
        }
        for (String m : METRIC_ORDER) {
            opt(s, m, r.attr(m));
        }
        opt(s, "pref", r.attr("pref"));
        return s.toString();
    }

    /** What tells the kernel which route is meant: type, destination, table, metric, next hop. */
    private static String selector(Resource r) {
        Key k = Key.parse(r.id());
        StringBuilder s = new StringBuilder();
        if (r.attr("type") != null) {
            s.append(word(r.attr("type"))).append(' ');
        }
        s.append(word(k.dst()));
        opt(s, "via", r.attr("gateway"));
        opt(s, "dev", r.attr("dev"));
        s.append(" table ").append(word(k.table()));
        if (k.metric() != 0 || k.family().equals(INET6)) {
            s.append(" metric ").append(k.metric());
        }
        return s.toString();
    }

    private static void opt(StringBuilder s, String keyword, String value) {
        if (value != null) {
            s.append(' ').append(keyword);
            if (value.startsWith("lock ")) {
                s.append(" lock");
                value = value.substring(5);
            }
            s.append(' ').append(word(value));
        }
    }

    /** A batch line is split at blanks: a value must be one word, never something ip could take as two. */
    static String word(String v) {
        if (v == null || !WORD.matcher(v).matches()) {
            throw new SubstrateException("refusing to write '" + v + "' into an ip batch line (expected one word of "
                    + WORD.pattern() + ")");
        }
        return v;
    }
}
