package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A policy routing rule ({@code rule}), keyed by scope and {@code FAMILY PREF SELECTOR}
 * ({@code inet 20034 iif lo}, {@code inet 20035 from 10.72.0.2}); its attributes are what the rule does:
 * the table it looks up and, optionally, {@code suppress_prefixlength}. Rules have no replace: a change is
 * a delete and an add. IPv6 rules go through {@code ip -6}, because ip takes a rule's family from its
 * command line only.
 */
final class RuleKind implements ResourceKind {
    static final String KIND = "rule";
    /** What a rule does rather than what it matches. */
    private static final Set<String> ACTIONS = Set.of("priority", "table", "suppress_prefixlen", "protocol", "goto",
            "action", "realms", "nat", "suppress_ifgroup", "flow");

    static Resource of(String scope, String family, int pref, String selector, String table, Integer suppress) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("table", table);
        if (suppress != null) {
            a.put("suppress_prefixlength", suppress.toString());
        }
        return new Resource(KIND, scope, family + " " + pref + " " + selector, a);
    }

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public int order() {
        return 32;
    }

    @Override
    public Optional<Resource> read(Resource.Key key, HostView view, Records.Entry recorded) {
        String[] id = key.id().split(" ", 3);
        for (JsonNode r : view.rules(key.scope(), RouteKind.flag(id[0]))) {
            if (r.path("priority").asInt(-1) == Integer.parseInt(id[1]) && selector(r).equals(id[2])) {
                Map<String, String> a = new LinkedHashMap<>();
                for (String f : r.propertyNames()) {
                    if (ACTIONS.contains(f) && !f.equals("priority") && !f.equals("protocol")) {
                        a.put(f.equals("suppress_prefixlen") ? "suppress_prefixlength" : f, r.get(f).asString());
                    }
                }
                return Optional.of(new Resource(KIND, key.scope(), key.id(), a));
            }
        }
        return Optional.empty();
    }

    /** What a rule matches, in the words {@code ip rule add} takes ({@code from 10.0.0.2}, {@code iif lo}). */
    static String selector(JsonNode r) {
        List<String> s = new ArrayList<>();
        for (String f : r.propertyNames()) {
            if (ACTIONS.contains(f) || f.equals("srclen") || f.equals("dstlen")) {
                continue;
            }
            String v = r.get(f).asString();
            switch (f) {
                case "src" -> {
                    if (!v.equals("all")) {
                        s.add("from " + v + (r.has("srclen") ? "/" + r.get("srclen").asInt() : ""));
                    }
                }
                case "dst" -> s.add("to " + v + (r.has("dstlen") ? "/" + r.get("dstlen").asInt() : ""));
                default -> s.add(f + " " + v);
            }
        }
        return String.join(" ", s);
    }

    @Override
    public void render(Step step, Batches out) {
        switch (step) {
            case Step.Create c -> line(c.resource(), "add", out);
            case Step.Modify m -> {
                line(m.from(), "del", out);
                line(m.to(), "add", out);
            }
            case Step.Delete d -> line(d.resource(), "del", out);
        }
    }

    private static void line(Resource r, String verb, Batches out) {
        String[] id = r.id().split(" ", 3);
        StringBuilder s = new StringBuilder("rule ").append(verb).append(" pref ").append(Integer.parseInt(id[1]));
        for (String w : id[2].split(" ")) {
            if (!w.isEmpty()) {
                s.append(' ').append(RouteKind.word(w));
            }
        }
        s.append(" lookup ").append(RouteKind.word(r.attr("table")));
        if (r.attr("suppress_prefixlength") != null) {
            s.append(" suppress_prefixlength ").append(RouteKind.word(r.attr("suppress_prefixlength")));
        }
        if (id[0].equals(RouteKind.INET6)) {
            out.ip6(r.scope(), s.toString());
        } else {
            out.ip(r.scope(), s.toString());
        }
    }
}
