package io.netpersona.learn.synth;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.learn.profile.FallbackClassifier;
import io.netpersona.learn.profile.Profile;
import io.netpersona.learn.profile.Selection;
import io.netpersona.learn.profile.Traffic;
import io.netpersona.model.AllowRule;
import io.netpersona.model.Cidr;
import io.netpersona.model.CongestionControl;
import io.netpersona.model.Direction;
import io.netpersona.model.IpAddress;
import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.PersonaValidator;
import io.netpersona.model.Protocol;
import io.netpersona.model.Rate;
import io.netpersona.model.TopologyKind;
import io.netpersona.model.TrafficClass;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PersonaSynthesizerTest {
    static final long MS = 1_000_000L;
    static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");

    /** A game server with three clients, a database held open, DNS, and a web service it called once. */
    static Profile game() {
        Traffic t = new Traffic(Selection.AUTO, FallbackClassifier.INSTANCE);
        t.udp("10.0.0.1", 41000, "10.0.0.53", 53, 30).advance(MS).udp("10.0.0.53", 53, "10.0.0.1", 41000, 46);
        t.connect("10.0.0.1", 50000, "10.0.0.2", 5432);
        for (int tick = 0; tick < 500; tick++) {
            t.advance(20 * MS);
            for (int c = 1; c <= 3; c++) {
                t.udp("10.0.1." + c, 40000 + c, "10.0.0.1", 27015, 60).udp("10.0.0.1", 27015, "10.0.1." + c, 40000 + c, 120);
            }
            if (tick % 25 == 0) {
                t.tcp("10.0.0.1", 50000, "10.0.0.2", 5432, Traffic.ACK | Traffic.PSH, 80).advance(MS)
                        .tcp("10.0.0.2", 5432, "10.0.0.1", 50000, Traffic.ACK | Traffic.PSH, 200);
            }
            if (tick == 100) {
                t.connect("10.0.0.1", 50001, "10.0.0.3", 8080);
            }
        }
        return t.finish();
    }

    @Test
    void aGameServerBecomesARealtimePersonaThatAllowsOnlyWhatItDid() {
        Persona p = PersonaSynthesizer.synthesize(game(), new PersonaSynthesizer.Request("arena", null, "game.pcap", AT));
        assertThat(PersonaValidator.validate(p)).isEmpty();
        var s = p.spec();
        assertThat(s.trafficClass()).isEqualTo(TrafficClass.REALTIME);
        assertThat(s.app().ports()).extracting(Object::toString).containsExactly("udp/27015");
        assertThat(s.qos().priority()).isZero();
        assertThat(s.qos().dscp().toString()).isEqualTo("EF");
        assertThat(s.tcp().congestionControl()).isEqualTo(CongestionControl.BBR);
        assertThat(s.mtu()).isEqualTo(1400);
        assertThat(s.dependencies()).extracting(d -> d.name() + " " + d.critical())
                .containsExactly("postgres-10-0-0-2 true", "dns-10-0-0-53 false", "tcp-8080-10-0-0-3 false");
        assertThat(s.security().allow()).containsExactly(
                AllowRule.ingress(Protocol.UDP, 27015),
                AllowRule.egress(Protocol.TCP, Cidr.parse("10.0.0.2/32"), 5432, "postgres-10-0-0-2"),
                AllowRule.egress(Protocol.UDP, Cidr.parse("10.0.0.53/32"), 53, "dns-10-0-0-53"),
                AllowRule.egress(Protocol.TCP, Cidr.parse("10.0.0.3/32"), 8080, "tcp-8080-10-0-0-3"));
        assertThat(s.security().allow()).noneMatch(r -> r.direction() == Direction.INGRESS && r.port() != 27015);
        assertThat(s.security().limits().newConnectionsPerSecond()).isEqualTo(12);
        assertThat(s.security().limits().connectionsPerSource()).isEqualTo(8);
        assertThat(s.dns().servers()).containsExactly(IpAddress.parse("10.0.0.53"));
        assertThat(s.topology().kind()).isEqualTo(TopologyKind.STAR);
        assertThat(s.topology().hub()).isEqualTo("arena");
        var e = p.evidence();
        assertThat(e.capture()).isEqualTo("game.pcap");
        assertThat(e.learnedAt()).isEqualTo(AT);
        assertThat(e.classConfidence()).isEqualTo(0.75);
        assertThat(e.duration().toMillis()).isBetween(10_000L, 10_100L);
        assertThat(e.reasons()).containsKeys("spec.trafficClass", "spec.qos.guaranteedRate", "spec.qos.ceilRate",
                "spec.security.allow", "spec.dependencies.postgres-10-0-0-2", "spec.topology", "spec.app", "evidence.rates");
        assertThat(e.reasons().get("spec.dependencies.postgres-10-0-0-2")).startsWith("held open during");
        // guaranteed = p99 x 1.5 rounded up to two digits; p99 is within 2% above the measured second
        long perSecondBits = 50L * 3 * ((28 + 60) + (28 + 120)) * 8;
        assertThat(s.qos().guaranteedRate().bitsPerSecond()).isBetween((long) (perSecondBits * 1.5), (long) (perSecondBits * 1.5 * 1.1));
        assertThat(s.qos().ceilRate()).isGreaterThanOrEqualTo(Rate.parse("1Mbit"));
        // what is written reads back as the same persona
        assertThat(PersonaCodec.readYaml(PersonaCodec.toYaml(p))).isEqualTo(p);
    }

    @Test
    void aBulkTransferTakesWhatIsLeft() {
        Traffic t = new Traffic(Selection.AUTO, FallbackClassifier.INSTANCE);
        t.connect("10.0.1.9", 40000, "10.0.0.1", 873);
        for (int i = 0; i < 3000; i++) {
            t.advance(MS).tcp("10.0.0.1", 873, "10.0.1.9", 40000, Traffic.ACK, 1400);
            if (i % 2 == 0) {
                t.tcp("10.0.1.9", 40000, "10.0.0.1", 873, Traffic.ACK, 0);
            }
        }
        Persona p = PersonaSynthesizer.synthesize(t.finish(), new PersonaSynthesizer.Request(null, "npl-a-Backup", "live", AT));
        assertThat(p.name()).isEqualTo("npl-a-backup");
        assertThat(p.spec().app().netns()).isEqualTo("npl-a-Backup");
        assertThat(p.spec().trafficClass()).isEqualTo(TrafficClass.BULK);
        assertThat(p.spec().qos().priority()).isEqualTo(6);
        assertThat(p.spec().qos().dscp().toString()).isEqualTo("LE");
        assertThat(p.spec().dependencies()).isNull();
        assertThat(p.spec().dns()).isNull();
        assertThat(p.spec().security().allow()).containsExactly(AllowRule.ingress(Protocol.TCP, 873));
        assertThat(p.spec().mtu()).isNull();
    }

    @Test
    void ratesRoundUpToTwoDigits() {
        assertThat(PersonaSynthesizer.roundUp(2_612_000).bitsPerSecond()).isEqualTo(2_700_000);
        assertThat(PersonaSynthesizer.roundUp(2_600_000).bitsPerSecond()).isEqualTo(2_600_000);
        assertThat(PersonaSynthesizer.roundUp(99).bitsPerSecond()).isEqualTo(99);
        assertThat(PersonaSynthesizer.roundUp(101).bitsPerSecond()).isEqualTo(110);
    }
}
