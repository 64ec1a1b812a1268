package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.Problem;
import io.netpersona.substrate.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** spec.security to the text of its nftables table, and what the compiler refuses. */
class FirewallScriptTest {
    static Persona persona(String app, String security) {
        return PersonaCodec.readYaml("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: arena}
                spec:
                  app: %s
                  security:
                %s
                  dependencies:
                    - {name: scores-db, address: 10.201.2.2, proto: tcp, port: 5432, critical: true}
                """.formatted(app, security.indent(4)));
    }

    static Desired compile(Persona p) {
        Desired out = new Desired();
        String scope = p.spec().app().netns() == null ? "" : p.spec().app().netns();
        new FirewallCompiler().compile(p, new AppContext(p.name(), scope, Optional.empty(), AppContext.Ids.of(0x10)),
                null, out);
        return out;
    }

    @Test
    void aFullPersonaBecomesOneTableWithSetsLimitsLogAndCounters() throws IOException {
        Persona p = persona("{netns: arena}", """
                defaultAction: drop
                allow:
                  - {direction: ingress, proto: udp, port: 27015}
                  - {direction: ingress, proto: tcp, port: 8080}
                  - {direction: ingress, proto: tcp, port: 22, from: 10.99.0.0/24}
                  - {direction: ingress, proto: tcp, port: 22, from: 10.99.0.2}
                  - {direction: ingress, proto: tcp, port: 22, from: "fd00:99::/64"}
                  - {direction: ingress, proto: icmp}
                  - {direction: ingress, proto: icmpv6, from: "fd00::/8"}
                  - {direction: egress, proto: tcp, to: 10.201.2.2/32, port: 5432, dependency: scores-db}
                  - {direction: egress, proto: udp, to: 10.201.2.0/24}
                  - {direction: egress, to: "fd00:1::/64"}
                limits: {newConnectionsPerSecond: 200, connectionsPerSource: 50}
                logDropped: true""");
        Desired d = compile(p);
        assertThat(d.problems()).isEmpty();
        Resource table = d.resources().values().iterator().next();
        assertThat(table.key()).isEqualTo(new Resource.Key("nft-table", "arena", "netpersona-arena"));
        // 10.99.0.2 . 22 is inside 10.99.0.0/24 . 22 and is left out: nft refuses overlapping intervals
        assertThat(table.attr("script")).isEqualTo(resource("arena-firewall.nft"));
    }

    @Test
    void anAbsentDefaultActionAcceptsAndOnlyTheLimitsRefuse() {
        Persona p = persona("{netns: web}", "limits: {newConnectionsPerSecond: 5}");
        assertThat(compile(p).resources().values().iterator().next().attr("script")).isEqualTo("""
                table inet netpersona-arena {
                	counter rx {
                	}

                	counter tx {
                	}

                	counter dropped {
                	}

                	chain input {
                		type filter hook input priority filter; policy accept;
                		iif "lo" accept
                		ct state established,related accept
                		ct state new limit rate over 5/second burst 5 packets goto refuse
                	}

                	chain output {
                		type filter hook output priority filter; policy accept;
                		oif "lo" accept
                		ct state established,related accept
                	}

                	chain refuse {
                		counter name "dropped"
                		drop
                	}

                	chain count_in {
                		type filter hook input priority filter + 10; policy accept;
                		iif != "lo" counter name "rx"
                	}

                	chain count_out {
                		type filter hook output priority filter + 10; policy accept;
                		oif != "lo" counter name "tx"
                	}
                }
                """);
    }

    @Test
    void theOrderOfRulesDoesNotChangeTheTable() {
        String a = compile(persona("{netns: a}", """
                defaultAction: drop
                allow: [{direction: ingress, proto: tcp, port: 80}, {direction: ingress, proto: tcp, port: 443}]"""))
                .resources().values().iterator().next().attr("script");
        String b = compile(persona("{netns: a}", """
                defaultAction: drop
                allow: [{direction: ingress, proto: tcp, port: 443}, {direction: ingress, proto: tcp, port: 80}]"""))
                .resources().values().iterator().next().attr("script");
        assertThat(a).isEqualTo(b).contains("elements = { 80, 443 }");
    }

    @Test
    void aFirewallWithoutANamespaceIsRefused() {
        Desired d = compile(persona("{ports: [tcp/8080]}", "defaultAction: drop"));
        assertThat(d.resources()).isEmpty();
        assertThat(d.problems()).singleElement().extracting(Problem::toString).asString()
                .startsWith("spec.security: needs spec.app.netns");
    }

    @Test
    void icmpRulesMustNameTheirOwnAddressFamily() {
        Desired d = compile(persona("{netns: a}", """
                allow:
                  - {direction: ingress, proto: icmp, from: "fd00::/8"}
                  - {direction: egress, proto: icmpv6, to: 10.0.0.0/8}"""));
        assertThat(d.resources()).isEmpty();
        assertThat(d.problems()).extracting(Problem::toString).containsExactly(
                "spec.security.allow[0].from: fd00::/8 (expected: an IPv4 prefix for proto icmp; IPv6 peers need proto icmpv6)",
                "spec.security.allow[1].to: 10.0.0.0/8 (expected: an IPv6 prefix for proto icmpv6; IPv4 peers need proto icmp)");
    }

    static String resource(String name) throws IOException {
        try (InputStream in = FirewallScriptTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
