package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.substrate.Capabilities;
import io.netpersona.substrate.Capabilities.Capability;
import io.netpersona.substrate.Resource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which routes get the persona's congestion control, and what is refused, with a canned host. */
class CongestionCompilerTest {
    /** A host whose only routes are the ones given, per family. */
    static HostView host(String v4, String v6) {
        return new HostView(new Commands() {
            @Override
            public Result run(List<String> argv, String stdin) {
                String out = "[]";
                if (argv.contains("route") && argv.contains("-j")) {
                    out = argv.contains("-6") ? v6 : v4;
                } else if (argv.contains("route")) {
                    out = "";
                }
                return new Result(argv, 0, out, "");
            }
        });
    }

    static Capabilities caps(String... available) {
        Map<String, Capability> f = new java.util.HashMap<>();
        for (String cc : List.of("cubic", "bbr", "reno")) {
            boolean has = List.of(available).contains(cc);
            f.put("congestion/" + cc, new Capability("congestion/" + cc, has, has ? "" : "the kernel has no " + cc));
        }
        f.put("congestion/cubic/namespace-default", new Capability("congestion/cubic/namespace-default", false, "x"));
        return new Capabilities("linux", f);
    }

    static Persona persona(String netns, String cc) {
        return PersonaCodec.readYaml("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: p}
                spec: {app: {netns: %s}, tcp: {congestionControl: %s}}
                """.formatted(netns, cc));
    }

    static AppContext app(String scope) {
        return new AppContext("p", scope, Optional.empty(), AppContext.Ids.of(0x20));
    }

    static final String V4 = """
            [{"type":"unicast","dst":"default","gateway":"10.0.0.1","dev":"eth0","table":"main","protocol":"boot","scope":"global","flags":[]},
             {"type":"unicast","dst":"10.0.0.0/24","dev":"eth0","table":"main","protocol":"kernel","scope":"link","prefsrc":"10.0.0.2","flags":[]},
             {"type":"local","dst":"10.0.0.2","dev":"eth0","table":"local","protocol":"kernel","scope":"host","prefsrc":"10.0.0.2","flags":[]},
             {"type":"unicast","dst":"default","gateway":"10.0.0.9","dev":"eth0","table":"7","protocol":"boot","scope":"global","flags":[]},
             {"type":"unicast","dst":"10.250.31.0/24","gateway":"10.250.31.1","dev":"np1f-up","table":"main","protocol":"static","scope":"global","flags":[]}]""";
    static final String V6 = """
            [{"type":"unicast","dst":"fe80::/64","dev":"eth0","table":"main","protocol":"kernel","scope":"global","metric":256,"flags":[],"pref":"medium"}]""";

    @Test
    void aCongestionControlTheHostLacksIsRefusedNamingTheOnesItHas() {
        Desired out = new Desired();
        new CongestionCompiler(() -> caps("cubic", "reno")).compile(persona("app", "bbr"), app("app"), host(V4, V6), out);
        assertThat(out.resources()).isEmpty();
        assertThat(out.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("spec.tcp.congestionControl");
            assertThat(p.message()).startsWith("bbr (expected: one this host offers: ").contains("cubic").contains("reno")
                    .contains("the kernel has no bbr").doesNotContain("namespace-default");
        });
    }

    @Test
    void everyUnicastRouteOfTheMainTableGetsItButThoseOfOtherPersonasTopologies() {
        Desired out = new Desired();
        new CongestionCompiler(() -> caps("cubic", "bbr", "reno")).compile(persona("app", "cubic"), app("app"), host(V4, V6), out);
        assertThat(out.problems()).isEmpty();
        assertThat(out.resources().values()).extracting(Resource::id)
                .containsExactlyInAnyOrder("inet main default", "inet main 10.0.0.0/24", "inet6 main fe80::/64 metric 256");
        assertThat(out.resources().values()).allSatisfy(r -> assertThat(r.attr("congctl")).isEqualTo("cubic"));
        Resource connected = out.resources().values().stream().filter(r -> r.id().contains("10.0.0.0")).findFirst().orElseThrow();
        assertThat(connected.attributes()).containsEntry("src", "10.0.0.2").containsEntry("scope", "link").containsEntry("proto", "kernel");
    }

    @Test
    void theMachinesOwnRoutesAreNotAPersonasToChange() {
        Desired out = new Desired();
        Persona p = PersonaCodec.readYaml("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: p}
                spec: {app: {cgroup: /sys/fs/cgroup/app}, tcp: {congestionControl: bbr}}
                """);
        new CongestionCompiler(() -> caps("cubic", "bbr", "reno")).compile(p, app(""), host(V4, V6), out);
        assertThat(out.problems()).singleElement().asString().startsWith("spec.tcp.congestionControl: bbr (expected: a persona with spec.app.netns");
    }

    @Test
    void aNamespaceWithOnlyLoopbackIsRefused() {
        Desired out = new Desired();
        new CongestionCompiler(() -> caps("bbr")).compile(persona("app", "bbr"), app("app"), host("[]", "[]"), out);
        assertThat(out.problems()).singleElement().asString().contains("has only loopback");
    }
}
