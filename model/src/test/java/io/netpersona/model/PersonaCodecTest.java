package io.netpersona.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PersonaCodecTest {
    static final Path EXAMPLE = Path.of("../examples/arena.yaml");

    static Persona example() throws IOException {
        return PersonaCodec.readYaml(Files.readString(EXAMPLE));
    }

    @Test
    void fullExampleReadsEveryField() throws IOException {
        Persona p = example();
        assertThat(p.name()).isEqualTo("arena");
        assertThat(p.metadata().version()).isEqualTo(4);
        assertThat(p.metadata().labels()).containsEntry("team", "games");
        Spec s = p.spec();
        assertThat(s.app().netns()).isEqualTo("arena");
        assertThat(s.app().ports()).containsExactly(new PortSelector(Protocol.UDP, 27015));
        assertThat(s.trafficClass()).isEqualTo(TrafficClass.REALTIME);
        assertThat(s.topology()).isEqualTo(new Topology(TopologyKind.STAR, "arena-server", null, null));
        assertThat(s.qos()).isEqualTo(new Qos(0, new Dscp(46), new Rate(2_000_000), new Rate(20_000_000),
                new ByteSize(32 * 1024)));
        assertThat(s.tcp().congestionControl()).isEqualTo(CongestionControl.BBR);
        assertThat(s.mtu()).isEqualTo(1400);
        assertThat(s.dns().servers()).containsExactly(IpAddress.parse("10.201.2.53"));
        assertThat(s.routing().fallback()).containsExactly("uplink-b");
        assertThat(s.security().defaultAction()).isEqualTo(Action.DROP);
        assertThat(s.security().allow()).hasSize(3).contains(
                AllowRule.egress(Protocol.TCP, Cidr.parse("10.201.2.2/32"), 5432, "scores-db"));
        assertThat(s.security().limits()).isEqualTo(new Limits(200, 50));
        assertThat(s.security().logDropped()).isTrue();
        assertThat(s.dependencies()).containsExactly(new Dependency("scores-db", IpAddress.parse("10.201.2.2"),
                "scores.lab", Protocol.TCP, 5432, true, 0.4));
        assertThat(s.adaptation()).isEqualTo(new Adaptation(80.0, 1.0, Duration.ofSeconds(10), Duration.ofSeconds(30),
                AdaptationMode.APPLY));
        assertThat(p.evidence().learnedAt()).isEqualTo(Instant.parse("2026-11-21T14:00:00Z"));
        assertThat(p.evidence().rates().p99()).isEqualTo(Rate.parse("3.4Mbit"));
        assertThat(p.evidence().reasons()).containsKey("spec.qos.ceilRate");
    }

    @Test
    void fullPersonaRoundTripsThroughYamlAndJson() throws IOException {
        Persona p = example();
        String yaml = PersonaCodec.toYaml(p);
        String json = PersonaCodec.toJson(p);
        assertThat(PersonaCodec.readYaml(yaml)).isEqualTo(p);
        assertThat(PersonaCodec.readJson(json)).isEqualTo(p);
        // YAML -> JSON -> YAML gives the same text: the written form is canonical
        assertThat(PersonaCodec.toYaml(PersonaCodec.readJson(json))).isEqualTo(yaml);
        assertThat(json).contains("\"ceilRate\" : \"20Mbit\"");
    }

    @Test
    void randomPersonasRoundTrip() {
        RandomPersonas gen = new RandomPersonas(42);
        for (int i = 0; i < 500; i++) {
            Persona p = gen.next();
            assertThat(PersonaValidator.validate(p)).as("generated persona %s", p).isEmpty();
            assertThat(PersonaCodec.readYaml(PersonaCodec.toYaml(p))).isEqualTo(p);
            assertThat(PersonaCodec.readJson(PersonaCodec.toJson(p))).isEqualTo(p);
        }
    }

    @Test
    void textThatLooksLikeOtherTypesStaysText() {
        Persona p = Persona.of(new Metadata("arena", null, java.util.Map.of("a", "1.10", "b", "true", "c", "null",
                "d", "0x1F", "e", "yes")), Spec.forApp(AppSelector.netns("arena")), null);
        String yaml = PersonaCodec.toYaml(p);
        assertThat(PersonaCodec.readYaml(yaml)).isEqualTo(p);
    }

    @Test
    void minimalPersonaNeedsOnlyNameAndApp() {
        Persona p = PersonaCodec.readYaml("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: db}
                spec: {app: {netns: db}}
                """);
        assertThat(p.spec()).isEqualTo(Spec.forApp(AppSelector.netns("db")));
        assertThat(PersonaCodec.toYaml(p)).isEqualTo("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata:
                  name: db
                spec:
                  app:
                    netns: db
                """);
    }

    @Test
    void malformedYamlGivesLineAndColumn() {
        var parsed = PersonaCodec.parse("apiVersion: netpersona.io/v1\nkind: Persona\nmetadata:\n  name: [a\n", PersonaCodec.Format.YAML);
        assertThat(parsed).isInstanceOf(PersonaCodec.Parsed.Invalid.class);
        Problem p = ((PersonaCodec.Parsed.Invalid) parsed).problems().getFirst();
        assertThat(p.hasLocation()).isTrue();
        assertThat(p.line()).isBetween(4, 5);
        assertThat(p.toString()).startsWith("line " + p.line() + ", column ");
    }

    @Test
    void malformedJsonGivesLineAndColumn() {
        var parsed = PersonaCodec.parse("{\n  \"apiVersion\": \"netpersona.io/v1\",\n  \"kind\" \"Persona\"\n}", PersonaCodec.Format.JSON);
        Problem p = ((PersonaCodec.Parsed.Invalid) parsed).problems().getFirst();
        assertThat(p.line()).isEqualTo(3);
        assertThat(p.column()).isGreaterThan(1);
    }

    @Test
    void everyProblemIsReportedInOnePass() {
        List<Problem> problems = ((PersonaCodec.Parsed.Invalid) PersonaCodec.parse("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: Bad_Name}
                spec:
                  app: {netns: arena}
                  mtu: 70000
                  qos: {prority: 1, ceilRate: fast}
                  tcp: {congestionControl: vegas}
                """, PersonaCodec.Format.YAML)).problems();
        assertThat(problems).extracting(Problem::toString).containsExactlyInAnyOrder(
                "metadata.name: Bad_Name (expected: 1-63 characters of a-z, 0-9 and -, not starting with -)",
                "spec.mtu: 70000 (expected: 576..9216)",
                "spec.qos.prority: unknown field (did you mean priority?)",
                "spec.qos.ceilRate: fast (expected: a rate such as 20Mbit, 1.5Gbit or 500kbit)",
                "spec.tcp.congestionControl: vegas (expected: one of cubic, bbr, reno)");
    }

    @Test
    void readThrowsWithEveryProblem() {
        assertThatThrownBy(() -> PersonaCodec.readYaml("apiVersion: v0\nkind: Persona\nmetadata: {name: x}\n"))
                .isInstanceOf(InvalidPersonaException.class)
                .hasMessageContaining("apiVersion: v0 (expected: netpersona.io/v1)")
                .hasMessageContaining("spec: missing (expected: a mapping with at least app)");
    }
}
