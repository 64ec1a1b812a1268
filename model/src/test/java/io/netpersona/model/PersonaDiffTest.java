package io.netpersona.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PersonaDiffTest {
    @Test
    void equalPersonasHaveNoDifferences() throws IOException {
        Persona p = PersonaCodecTest.example();
        assertThat(PersonaDiff.diff(p, p)).isEmpty();
        assertThat(PersonaDiff.diff(p, PersonaCodec.readYaml(PersonaCodec.toYaml(p)))).isEmpty();
    }

    @Test
    void changesAreTypedWithPathOldAndNew() throws IOException {
        Persona a = PersonaCodecTest.example();
        Persona b = a.withSpec(a.spec().withQos(a.spec().qos().withRates(Rate.parse("2Mbit"), Rate.parse("30Mbit")))
                .withMtu(null).withTcp(new Tcp(CongestionControl.CUBIC)));
        List<Change> changes = PersonaDiff.diff(a, b);
        assertThat(changes).containsExactly(
                new Change("spec.qos.ceilRate", Rate.parse("20Mbit"), Rate.parse("30Mbit")),
                new Change("spec.tcp.congestionControl", CongestionControl.BBR, CongestionControl.CUBIC),
                new Change("spec.mtu", 1400, null));
        assertThat(changes).extracting(Change::toString).containsExactly(
                "~ spec.qos.ceilRate: 20Mbit -> 30Mbit",
                "~ spec.tcp.congestionControl: bbr -> cubic",
                "- spec.mtu: 1400");
        assertThat(PersonaCodec.write(PersonaDiff.toTree(changes), PersonaCodec.Format.JSON))
                .contains("\"path\" : \"spec.qos.ceilRate\"", "\"old\" : \"20Mbit\"", "\"new\" : \"30Mbit\"", "\"op\" : \"removed\"");
    }

    @Test
    void allowRulesAreASetAndDependenciesAreKeyedByName() throws IOException {
        Persona a = PersonaCodecTest.example();
        List<AllowRule> allow = new java.util.ArrayList<>(a.spec().security().allow());
        AllowRule removed = allow.removeLast();
        AllowRule added = AllowRule.ingress(Protocol.TCP, 8080);
        allow.addFirst(added);
        Dependency db = a.spec().dependencies().getFirst();
        Dependency moved = new Dependency(db.name(), IpAddress.parse("10.202.2.2"), db.host(), db.proto(), db.port(),
                db.critical(), 30.0);
        Persona b = a.withSpec(a.spec().withSecurity(a.spec().security().withAllow(allow))
                .withDependencies(List.of(moved)));
        assertThat(PersonaDiff.diff(a, b)).containsExactly(
                new Change("spec.security.allow", removed, null),
                new Change("spec.security.allow", null, added),
                new Change("spec.dependencies[scores-db].address", db.address(), moved.address()),
                new Change("spec.dependencies[scores-db].rttP50Ms", 0.4, 30.0));
        // reordering the allowlist changes nothing
        Persona reordered = a.withSpec(a.spec().withSecurity(a.spec().security()
                .withAllow(a.spec().security().allow().reversed())));
        assertThat(PersonaDiff.diff(a, reordered)).isEmpty();
    }

    @Test
    void aPartAddedShowsItsFieldsAndAnEmptyPartShowsItself() {
        Persona a = Persona.of(Metadata.named("db"), Spec.forApp(AppSelector.netns("db")), null);
        Persona b = a.withSpec(a.spec().withQos(new Qos(2, null, null, Rate.parse("5Mbit"), null)));
        assertThat(PersonaDiff.diff(a, b)).containsExactly(new Change("spec.qos.priority", null, 2),
                new Change("spec.qos.ceilRate", null, Rate.parse("5Mbit")));
        Persona empty = a.withSpec(a.spec().withQos(new Qos(null, null, null, null, null)));
        assertThat(PersonaDiff.diff(a, empty)).containsExactly(new Change("spec.qos", null, empty.spec().qos()));
        Persona noRules = a.withSpec(a.spec().withSecurity(new Security(Action.DROP, List.of(), null, null)));
        Persona absentRules = a.withSpec(a.spec().withSecurity(new Security(Action.DROP, null, null, null)));
        assertThat(PersonaDiff.diff(absentRules, noRules)).containsExactly(new Change("spec.security.allow", null, List.of()));
    }

    @Test
    void diffIsEmptyExactlyWhenEqualAndSymmetric() {
        RandomPersonas gen = new RandomPersonas(11);
        for (int i = 0; i < 1_000; i++) {
            Persona a = gen.next();
            Persona b = i % 5 == 0 ? a : gen.next();
            List<Change> ab = PersonaDiff.diff(a, b);
            List<Change> ba = PersonaDiff.diff(b, a);
            assertThat(ab.isEmpty()).as("diff empty iff equal: %s vs %s", a, b).isEqualTo(a.equals(b));
            assertThat(ba).isEqualTo(ab.stream().map(Change::inverse).toList());
            assertThat(ab).allSatisfy(c -> assertThat(c.oldValue()).isNotEqualTo(c.newValue()));
        }
    }
}
