package io.netpersona.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a persona in one pass and reports every problem, each with its field path, the value, and what
 * was expected. A persona with no problems can be applied; one with any is refused whole.
 */
public final class PersonaValidator {
    private static final String APP_EXPECTED = "at least one of netns, cgroup, exe, ports";
    private final Problems p;

    private PersonaValidator(Problems problems) {
        this.p = problems;
    }

    /** Every problem of {@code persona}; empty when it is valid. */
    public static List<Problem> validate(Persona persona) {
        Problems problems = new Problems();
        check(persona, problems);
        return problems.list();
    }

    /** Adds to problems already found while reading, without repeating a field that could not be read. */
    static void check(Persona persona, Problems problems) {
        if (persona != null) {
            new PersonaValidator(problems).document(persona);
        }
    }

    private void document(Persona d) {
        if (d.apiVersion() == null) {
            p.missing("apiVersion", Persona.API_VERSION);
        } else if (!Persona.API_VERSION.equals(d.apiVersion())) {
            p.invalid("apiVersion", d.apiVersion(), Persona.API_VERSION);
        }
        if (d.kind() == null) {
            p.missing("kind", Persona.KIND);
        } else if (!Persona.KIND.equals(d.kind())) {
            p.invalid("kind", d.kind(), Persona.KIND);
        }
        if (d.metadata() == null) {
            p.missing("metadata", "a mapping with at least name");
        } else {
            metadata(d.metadata());
        }
        if (d.spec() == null) {
            p.missing("spec", "a mapping with at least app");
        } else {
            spec(d.spec());
        }
        if (d.evidence() != null) {
            evidence(d.evidence());
        }
    }

    private void metadata(Metadata m) {
        if (m.name() == null) {
            p.missing("metadata.name", Names.NAME_EXPECTED);
        } else {
            name("metadata.name", m.name());
        }
        if (m.version() != null && m.version() < 1) {
            p.invalid("metadata.version", m.version(), "a version of 1 or more");
        }
        if (m.labels() != null) {
            m.labels().forEach((k, v) -> {
                String path = "metadata.labels." + k;
                if (!Names.LABEL_KEY.matcher(k).matches()) {
                    p.add(path, "invalid label key (expected: 1-63 characters of A-Z, a-z, 0-9, ., _, / and -, "
                            + "starting and ending with a letter or digit)");
                } else if (!Names.LABEL_VALUE.matcher(v).matches()) {
                    p.invalid(path, v, "at most 63 characters of A-Z, a-z, 0-9, ., _ and -, "
                            + "starting and ending with a letter or digit");
                }
            });
        }
    }

    private void spec(Spec s) {
        if (s.app() == null) {
            p.missing("spec.app", APP_EXPECTED);
        } else {
            app(s.app());
        }
        if (s.topology() != null) {
            topology(s.topology());
        }
        if (s.qos() != null) {
            qos(s.qos());
        }
        if (s.mtu() != null) {
            range("spec.mtu", s.mtu(), Spec.MTU_MIN, Spec.MTU_MAX);
        }
        if (s.dns() != null) {
            dns(s.dns());
        }
        if (s.routing() != null) {
            routing(s.routing());
        }
        Set<String> dependencyNames = dependencies(s.dependencies());
        if (s.security() != null) {
            new SecurityRules(p).check(s.security(), dependencyNames);
        }
        if (s.adaptation() != null) {
            adaptation(s.adaptation());
        }
    }

    private void app(AppSelector a) {
        if (a.isEmpty() && !p.hasAt("spec.app")) {
            p.add("spec.app", "empty (expected: " + APP_EXPECTED + ")");
            return;
        }
        if (a.netns() != null && !Names.isNetns(a.netns())) {
            p.invalid("spec.app.netns", a.netns(), Names.NETNS_EXPECTED);
        }
        if (a.cgroup() != null && (!Names.CGROUP.matcher(a.cgroup()).matches() || a.cgroup().contains("/../")
                || a.cgroup().endsWith("/.."))) {
            p.invalid("spec.app.cgroup", a.cgroup(), "a cgroup v2 path under /sys/fs/cgroup, without ..");
        }
        if (a.exe() != null) {
            if (a.exe().name() == null) {
                p.missing("spec.app.exe.name", "the executable's file name or path");
            } else if (!Names.EXE.matcher(a.exe().name()).matches() || a.exe().name().contains("..")) {
                p.invalid("spec.app.exe.name", a.exe().name(), "a file name or absolute path without spaces or ..");
            }
            if (a.exe().sha256() != null && !Names.SHA256.matcher(a.exe().sha256()).matches()) {
                p.invalid("spec.app.exe.sha256", a.exe().sha256(), "64 lower-case hex digits");
            }
        }
        if (a.ports() != null) {
            unique("spec.app.ports", a.ports());
        }
    }

    private void topology(Topology t) {
        if (t.kind() == null) {
            p.missing("spec.topology.kind", Scalars.enumExpectation(TopologyKind.class));
        }
        if (t.hub() != null) {
            name("spec.topology.hub", t.hub());
            if (t.kind() == TopologyKind.MESH) {
                p.invalid("spec.topology.hub", t.hub(), "no hub for a mesh (only star and tree have one)");
            }
        }
        if (t.members() != null) {
            for (int i = 0; i < t.members().size(); i++) {
                if (t.members().get(i) != null) {
                    name("spec.topology.members[" + i + "]", t.members().get(i));
                }
            }
            unique("spec.topology.members", t.members());
            if (t.hub() != null && !t.members().isEmpty() && !t.members().contains(t.hub())) {
                p.invalid("spec.topology.hub", t.hub(), "one of the members " + t.members());
            }
        }
        if (t.fanout() != null) {
            if (t.kind() != null && t.kind() != TopologyKind.TREE) {
                p.invalid("spec.topology.fanout", t.fanout(), "no fanout unless kind is tree");
            } else {
                range("spec.topology.fanout", t.fanout(), 2, 64);
            }
        }
    }

    private void qos(Qos q) {
        if (q.priority() != null) {
            range("spec.qos.priority", q.priority(), Qos.PRIORITY_MIN, Qos.PRIORITY_MAX);
        }
        positive("spec.qos.guaranteedRate", q.guaranteedRate());
        positive("spec.qos.ceilRate", q.ceilRate());
        if (q.guaranteedRate() != null && q.ceilRate() != null && q.ceilRate().compareTo(q.guaranteedRate()) < 0) {
            p.invalid("spec.qos.ceilRate", q.ceilRate(), "at least guaranteedRate (" + q.guaranteedRate() + ")");
        }
        if (q.burst() != null && (q.burst().bytes() < 1 || q.burst().bytes() > (1L << 30))) {
            p.invalid("spec.qos.burst", q.burst(), "1B..1GiB");
        }
    }

    private void positive(String path, Rate r) {
        if (r != null && r.bitsPerSecond() == 0) {
            p.invalid(path, r, "a positive rate such as 2Mbit");
        }
    }

    private void dns(Dns d) {
        if (d.servers() != null) {
            if (d.servers().isEmpty()) {
                p.add("spec.dns.servers", "empty (expected: 1 to 3 server addresses, or leave servers out)");
            } else if (d.servers().size() > 3) {
                p.invalid("spec.dns.servers", d.servers(), "at most 3 servers (the resolv.conf limit)");
            }
            unique("spec.dns.servers", d.servers());
        }
        if (d.search() != null) {
            for (int i = 0; i < d.search().size(); i++) {
                if (d.search().get(i) != null && !Names.DOMAIN.matcher(d.search().get(i)).matches()) {
                    p.invalid("spec.dns.search[" + i + "]", d.search().get(i), Names.DOMAIN_EXPECTED);
                }
            }
            unique("spec.dns.search", d.search());
        }
    }

    private void routing(Routing r) {
        if (r.preferredEgress() != null && !Names.isInterface(r.preferredEgress())) {
            p.invalid("spec.routing.preferredEgress", r.preferredEgress(), Names.IFNAME_EXPECTED);
        }
        if (r.fallback() != null) {
            for (int i = 0; i < r.fallback().size(); i++) {
                String f = r.fallback().get(i);
                String path = "spec.routing.fallback[" + i + "]";
                if (f == null) {
                    continue;
                }
                if (!Names.isInterface(f)) {
                    p.invalid(path, f, Names.IFNAME_EXPECTED);
                } else if (f.equals(r.preferredEgress())) {
                    p.invalid(path, f, "an interface other than preferredEgress");
                }
            }
            unique("spec.routing.fallback", r.fallback());
        }
    }

    private Set<String> dependencies(List<Dependency> deps) {
        Set<String> names = new HashSet<>();
        if (deps == null) {
            return names;
        }
        Map<String, Integer> firstIndex = new HashMap<>();
        for (int i = 0; i < deps.size(); i++) {
            Dependency d = deps.get(i);
            String path = "spec.dependencies[" + i + "]";
            if (d == null) {
                continue;
            }
            if (d.name() == null) {
                p.missing(path + ".name", Names.NAME_EXPECTED);
            } else {
                // a badly written name is still declared: rules naming it are not told it does not exist
                names.add(d.name());
                if (name(path + ".name", d.name())) {
                    Integer first = firstIndex.putIfAbsent(d.name(), i);
                    if (first != null) {
                        p.invalid(path + ".name", d.name(),
                                "a name no other dependency has (spec.dependencies[" + first + "] has it)");
                    }
                }
            }
            if (d.address() == null && d.host() == null) {
                p.missing(path + ".address", "the dependency's address, or its host name");
            }
            if (d.host() != null && !Names.DOMAIN.matcher(d.host()).matches()) {
                p.invalid(path + ".host", d.host(), Names.DOMAIN_EXPECTED);
            }
            if (d.port() != null) {
                port(path + ".port", d.port(), d.proto());
            }
            if (d.rttP50Ms() != null && (d.rttP50Ms() < 0 || d.rttP50Ms() > 600_000)) {
                p.invalid(path + ".rttP50Ms", d.rttP50Ms(), "0..600000 milliseconds");
            }
        }
        return names;
    }

    private void adaptation(Adaptation a) {
        if (a.latencyHighMs() != null && !(a.latencyHighMs() > 0 && a.latencyHighMs() <= 60_000)) {
            p.invalid("spec.adaptation.latencyHighMs", a.latencyHighMs(), "more than 0, at most 60000 milliseconds");
        }
        if (a.lossMediumPct() != null && !(a.lossMediumPct() > 0 && a.lossMediumPct() <= 100)) {
            p.invalid("spec.adaptation.lossMediumPct", a.lossMediumPct(), "more than 0, at most 100 percent");
        }
        duration("spec.adaptation.verifyWindow", a.verifyWindow(), Duration.ofSeconds(1), Duration.ofHours(1));
        duration("spec.adaptation.cooldown", a.cooldown(), Duration.ZERO, Duration.ofDays(1));
    }

    private void evidence(Evidence e) {
        nonNegative("evidence.packets", e.packets());
        nonNegative("evidence.bytes", e.bytes());
        nonNegative("evidence.flows", e.flows());
        if (e.classConfidence() != null && !(e.classConfidence() >= 0 && e.classConfidence() <= 1)) {
            p.invalid("evidence.classConfidence", e.classConfidence(), "0..1");
        }
    }

    private void nonNegative(String path, Long v) {
        if (v != null && v < 0) {
            p.invalid(path, v, "0 or more");
        }
    }

    private void duration(String path, Duration d, Duration min, Duration max) {
        if (d != null && (d.compareTo(min) < 0 || d.compareTo(max) > 0)) {
            p.invalid(path, Durations.format(d), Durations.format(min) + ".." + Durations.format(max));
        }
    }

    /** Checks a port number, and that the protocol has ports at all. */
    void port(String path, int port, Protocol proto) {
        if (port < 1 || port > 65535) {
            p.invalid(path, port, "1..65535");
        } else if (proto != null && !proto.hasPorts()) {
            p.invalid(path, port, "no port unless proto is tcp or udp");
        }
    }

    private void range(String path, int v, int min, int max) {
        if (v < min || v > max) {
            p.invalid(path, v, min + ".." + max);
        }
    }

    private boolean name(String path, String v) {
        if (!Names.isName(v)) {
            p.invalid(path, v, Names.NAME_EXPECTED);
            return false;
        }
        return true;
    }

    private <T> void unique(String path, List<T> items) {
        List<T> seen = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            int first = items.get(i) == null ? -1 : seen.indexOf(items.get(i));
            if (first >= 0) {
                p.invalid(path + "[" + i + "]", items.get(i), "no repeats (same as " + path + "[" + first + "])");
            }
            seen.add(items.get(i));
        }
    }

    /** The firewall part: allow rules, their references to dependencies, and the limits. */
    private record SecurityRules(Problems p) {
        void check(Security s, Set<String> dependencyNames) {
            List<AllowRule> allow = s.allow() == null ? List.of() : s.allow();
            for (int i = 0; i < allow.size(); i++) {
                if (allow.get(i) == null) {
                    continue;
                }
                rule("spec.security.allow[" + i + "]", allow.get(i), dependencyNames);
                int first = allow.subList(0, i).indexOf(allow.get(i));
                if (first >= 0) {
                    p.add("spec.security.allow[" + i + "]", "duplicate of spec.security.allow[" + first + "]");
                }
            }
            if (s.limits() != null) {
                limit("spec.security.limits.newConnectionsPerSecond", s.limits().newConnectionsPerSecond());
                limit("spec.security.limits.connectionsPerSource", s.limits().connectionsPerSource());
            }
        }

        private void rule(String path, AllowRule r, Set<String> dependencyNames) {
            if (r.direction() == null) {
                p.missing(path + ".direction", Scalars.enumExpectation(Direction.class));
            }
            if (r.port() != null) {
                new PersonaValidator(p).port(path + ".port", r.port(), r.proto());
                if (r.proto() == null && r.port() >= 1 && r.port() <= 65535) {
                    p.invalid(path + ".port", r.port(), "a proto (tcp or udp) with a port");
                }
            }
            if (r.from() != null && r.direction() == Direction.EGRESS) {
                p.invalid(path + ".from", r.from(), "no from on an egress rule (use to)");
            }
            if (r.to() != null && r.direction() == Direction.INGRESS) {
                p.invalid(path + ".to", r.to(), "no to on an ingress rule (use from)");
            }
            if (r.dependency() != null) {
                if (dependencyNames.isEmpty()) {
                    p.invalid(path + ".dependency", r.dependency(), "the name of a declared dependency "
                            + "(spec.dependencies declares none)");
                } else if (!dependencyNames.contains(r.dependency())) {
                    p.invalid(path + ".dependency", r.dependency(), "the name of a declared dependency: "
                            + String.join(", ", dependencyNames.stream().sorted().toList()));
                }
            }
        }

        private void limit(String path, Integer v) {
            if (v != null && (v < 1 || v > 1_000_000)) {
                p.invalid(path, v, "1..1000000");
            }
        }
    }
}
