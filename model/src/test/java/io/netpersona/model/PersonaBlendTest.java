package io.netpersona.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PersonaBlendTest {
    private static final double[] WEIGHTS = {0, 0.001, 0.1, 0.25, 0.4999, 0.5, 0.6, 0.75, 0.9, 0.999, 1};

    private static Persona source() throws IOException {
        return PersonaCodecTest.example();
    }

    /** The same application tuned for a path with 40 ms RTT, more bandwidth and another database. */
    private static Persona destination() throws IOException {
        Persona a = source();
        Spec s = a.spec();
        return a.withSpec(s.withQos(new Qos(3, Dscp.parse("AF41"), Rate.parse("6Mbit"), Rate.parse("100Mbit"),
                        ByteSize.parse("64KiB")))
                .withMtu(1200)
                .withTcp(new Tcp(CongestionControl.CUBIC))
                .withSecurity(new Security(Action.DROP, List.of(AllowRule.ingress(Protocol.UDP, 27015),
                        AllowRule.egress(Protocol.TCP, Cidr.parse("10.202.2.2/32"), 5432, "scores-db-b")),
                        new Limits(400, 10), false))
                .withDependencies(List.of(new Dependency("scores-db-b", IpAddress.parse("10.202.2.2"), null,
                        Protocol.TCP, 5432, true, 40.0)))
                .withAdaptation(new Adaptation(120.0, 3.0, Duration.ofSeconds(20), Duration.ofSeconds(60),
                        AdaptationMode.ADVISE)));
    }

    @Test
    void endpointsAreTheInputs() throws IOException {
        Persona a = source(), b = destination();
        assertThat(PersonaBlend.blend(a, b, 0)).isEqualTo(a);
        assertThat(PersonaBlend.blend(a, b, 1)).isEqualTo(b);
        RandomPersonas gen = new RandomPersonas(3);
        for (int i = 0; i < 300; i++) {
            Persona x = gen.next(), y = gen.next();
            assertThat(PersonaBlend.blend(x, y, 0)).isEqualTo(x);
            assertThat(PersonaBlend.blend(x, y, 1)).isEqualTo(y);
        }
    }

    @Test
    void numbersInterpolateAndRound() throws IOException {
        Persona m = PersonaBlend.blend(source(), destination(), 0.25);
        Qos q = m.spec().qos();
        assertThat(m.spec().mtu()).isEqualTo(1350);                      // 1400 + 0.25 * (1200 - 1400)
        assertThat(q.priority()).isEqualTo(1);                           // 0.75 rounds to 1
        assertThat(q.guaranteedRate()).isEqualTo(Rate.parse("3Mbit"));   // 2 + 0.25 * 4
        assertThat(q.ceilRate()).isEqualTo(Rate.parse("40Mbit"));        // 20 + 0.25 * 80
        assertThat(q.burst()).isEqualTo(ByteSize.parse("40KiB"));
        assertThat(m.spec().adaptation().latencyHighMs()).isEqualTo(90.0);
        assertThat(m.spec().adaptation().verifyWindow()).isEqualTo(Duration.ofMillis(12_500));
        assertThat(m.spec().security().limits()).isEqualTo(new Limits(250, 40));
        assertThat(m.spec().dependencies()).extracting(Dependency::name).containsExactly("scores-db", "scores-db-b");
    }

    @Test
    void choicesSwitchAtOneHalf() throws IOException {
        Persona a = source(), b = destination();
        assertThat(PersonaBlend.blend(a, b, 0.4999).spec().tcp()).isEqualTo(a.spec().tcp());
        assertThat(PersonaBlend.blend(a, b, 0.5).spec().tcp()).isEqualTo(b.spec().tcp());
        assertThat(PersonaBlend.blend(a, b, 0.4999).spec().qos().dscp()).isEqualTo(Dscp.parse("EF"));
        assertThat(PersonaBlend.blend(a, b, 0.5).spec().qos().dscp()).isEqualTo(Dscp.parse("AF41"));
        assertThat(PersonaBlend.blend(a, b, 0.7).spec().adaptation().mode()).isEqualTo(AdaptationMode.ADVISE);
    }

    @Test
    void numericFieldsMoveMonotonicallyWithTheWeight() {
        RandomPersonas gen = new RandomPersonas(5);
        List<Function<Persona, Number>> fields = List.of(
                p -> p.spec().mtu(),
                p -> p.spec().qos() == null ? null : p.spec().qos().priority(),
                p -> p.spec().qos() == null || p.spec().qos().ceilRate() == null ? null : p.spec().qos().ceilRate().bitsPerSecond(),
                p -> p.spec().qos() == null || p.spec().qos().burst() == null ? null : p.spec().qos().burst().bytes(),
                p -> p.spec().adaptation() == null ? null : p.spec().adaptation().latencyHighMs(),
                p -> p.spec().adaptation() == null || p.spec().adaptation().cooldown() == null ? null
                        : p.spec().adaptation().cooldown().toNanos());
        int compared = 0;
        for (int i = 0; i < 400; i++) {
            Persona a = gen.next(), b = gen.next();
            for (Function<Persona, Number> f : fields) {
                Number fa = f.apply(a), fb = f.apply(b);
                if (fa == null || fb == null) {
                    continue;
                }
                double direction = Math.signum(fb.doubleValue() - fa.doubleValue());
                double previous = fa.doubleValue();
                for (double w : WEIGHTS) {
                    double v = f.apply(PersonaBlend.blend(a, b, w)).doubleValue();
                    assertThat((v - previous) * direction).as("w=%s between %s and %s", w, fa, fb).isGreaterThanOrEqualTo(0);
                    assertThat(v).isBetween(Math.min(fa.doubleValue(), fb.doubleValue()), Math.max(fa.doubleValue(), fb.doubleValue()));
                    previous = v;
                }
                compared++;
            }
        }
        assertThat(compared).as("pairs with both values present").isGreaterThan(300);
    }

    @Test
    void allowsAreTheUnionStrictlyBetween() {
        RandomPersonas gen = new RandomPersonas(9);
        int checked = 0;
        for (int i = 0; i < 400; i++) {
            Persona a = gen.next(), b = gen.next();
            List<AllowRule> ra = allow(a), rb = allow(b);
            if (ra == null || rb == null) {
                continue;
            }
            Set<AllowRule> union = new HashSet<>(ra);
            union.addAll(rb);
            for (double w : new double[] {0.01, 0.3, 0.5, 0.7, 0.99}) {
                assertThat(new HashSet<>(allow(PersonaBlend.blend(a, b, w)))).isEqualTo(union);
            }
            assertThat(allow(PersonaBlend.blend(a, b, 0))).isEqualTo(ra);
            assertThat(allow(PersonaBlend.blend(a, b, 1))).isEqualTo(rb);
            checked++;
        }
        assertThat(checked).isGreaterThan(50);
    }

    @Test
    void blendsOfValidPersonasAreValid() throws IOException {
        RandomPersonas gen = new RandomPersonas(13);
        for (int i = 0; i < 400; i++) {
            Persona a = gen.next(), b = gen.next();
            for (double w : WEIGHTS) {
                Persona m = PersonaBlend.blend(a, b, w);
                assertThat(PersonaValidator.validate(m)).as("blend at %s of %s and %s", w, a, b).isEmpty();
            }
        }
        for (double w : WEIGHTS) {
            assertThat(PersonaValidator.validate(PersonaBlend.blend(source(), destination(), w))).isEmpty();
        }
    }

    @Test
    void guaranteedRateNeverExceedsTheBlendedCeiling() {
        Persona base = Persona.of(Metadata.named("x"), Spec.forApp(AppSelector.netns("x")), null);
        Persona a = base.withSpec(base.spec().withQos(new Qos(null, null, Rate.parse("50Mbit"), null, null)));
        Persona b = base.withSpec(base.spec().withQos(new Qos(null, null, Rate.parse("1Mbit"), Rate.parse("2Mbit"), null)));
        Qos q = PersonaBlend.blend(a, b, 0.5).spec().qos();
        assertThat(q.guaranteedRate()).isEqualTo(Rate.parse("2Mbit"));
        assertThat(q.ceilRate()).isEqualTo(Rate.parse("2Mbit"));
    }

    @Test
    void weightOutsideZeroToOneIsRefused() throws IOException {
        Persona a = source();
        assertThatThrownBy(() -> PersonaBlend.blend(a, a, 1.5)).hasMessage("weight: 1.5 (expected: 0..1)");
        assertThatThrownBy(() -> PersonaBlend.blend(a, a, Double.NaN)).hasMessage("weight: NaN (expected: 0..1)");
    }

    private static List<AllowRule> allow(Persona p) {
        return p.spec().security() == null ? null : p.spec().security().allow();
    }
}
