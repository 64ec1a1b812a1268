package io.netpersona.learn.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpersona.model.Protocol;
import io.netpersona.model.TopologyKind;
import io.netpersona.model.TrafficClass;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ProfileBuilderTest {
    static final long MS = 1_000_000L, S = 1_000 * MS;

    /** A game server (10.0.0.1, udp/27015) with 3 clients at 50 packets/s, a database it holds open, and DNS. */
    static Traffic game(Selection selection) {
        Traffic t = new Traffic(selection, FallbackClassifier.INSTANCE);
        t.udp("10.0.0.1", 41000, "10.0.0.53", 53, 30).advance(MS).udp("10.0.0.53", 53, "10.0.0.1", 41000, 46);
        t.connect("10.0.0.1", 50000, "10.0.0.2", 5432);
        for (int tick = 0; tick < 500; tick++) {
            t.advance(20 * MS);
            for (int c = 1; c <= 3; c++) {
                String client = "10.0.1." + c;
                t.udp(client, 40000 + c, "10.0.0.1", 27015, 60 + c).udp("10.0.0.1", 27015, client, 40000 + c, 120);
            }
            if (tick % 25 == 0) {
                t.tcp("10.0.0.1", 50000, "10.0.0.2", 5432, ACK | PSH, 80).advance(MS)
                        .tcp("10.0.0.2", 5432, "10.0.0.1", 50000, ACK | PSH, 200);
            }
        }
        return t;
    }

    static final int PSH = Traffic.PSH, ACK = Traffic.ACK;

    @Test
    void theDominantServerIsFoundWithItsEndpointsDependenciesAndClass() {
        Profile p = game(Selection.AUTO).finish();
        assertThat(p.addresses()).containsExactly(InetAddress.ofLiteral("10.0.0.1"));
        assertThat(p.selectionReason()).startsWith("the capture's dominant server: 10.0.0.1 served").contains("udp/27015");
        assertThat(p.served()).singleElement().satisfies(s -> {
            assertThat(s.protocol()).isEqualTo(Protocol.UDP);
            assertThat(s.port()).isEqualTo(27015);
            assertThat(s.clients()).isEqualTo(3);
            assertThat(s.flows()).isEqualTo(3);
        });
        assertThat(p.dependencies()).extracting(d -> d.protocol() + "/" + d.port() + "@" + d.address().getHostAddress())
                .containsExactly("TCP/5432@10.0.0.2", "UDP/53@10.0.0.53");
        Profile.Peer db = p.dependencies().getFirst();
        assertThat(db.critical()).isTrue();
        assertThat(db.reasons()).anyMatch(r -> r.startsWith("held open during"));
        assertThat(db.rttP50Nanos()).isEqualTo(200_000);
        Profile.Peer dns = p.dependencies().get(1);
        assertThat(dns.isDns()).isTrue();
        assertThat(dns.critical()).isFalse();
        assertThat(dns.reasons()).singleElement().asString().startsWith("not critical: 1 flow");
        assertThat(dns.rttP50Nanos()).isEqualTo(MS);
        assertThat(p.trafficClass().trafficClass()).isEqualTo(TrafficClass.REALTIME);
        assertThat(p.trafficClass().confidence()).isEqualTo(0.75, org.assertj.core.data.Offset.offset(0.001));
        assertThat(p.topology().kind()).isEqualTo(TopologyKind.STAR);
        assertThat(p.topology().hub()).isEqualTo(InetAddress.ofLiteral("10.0.0.1"));
        assertThat(p.clients()).isEqualTo(3);
        assertThat(p.mostConnectionsPerSource()).isEqualTo(1);
    }

    @Test
    void ratesArePerSecondOfTheApplicationsAddress() {
        Profile p = game(Selection.AUTO).finish();
        // per 20 ms: 3 x (28+61..63) + 3 x 148 in, plus the database every half second
        long perTick = (28 + 61) + (28 + 62) + (28 + 63) + 3 * 148;
        long perSecond = 50 * perTick;
        assertThat(p.rates().seconds()).isBetween(10L, 11L);
        assertThat(p.rates().p50BytesPerSecond()).isBetween(perSecond, (long) (perSecond * 1.04));
        assertThat(p.rates().peakBytesPerSecond()).isGreaterThanOrEqualTo(p.rates().p99BytesPerSecond() * 98 / 100);
        assertThat(p.rateAddress()).isEqualTo(InetAddress.ofLiteral("10.0.0.1"));
    }

    @Test
    void aPortSelectsTheApplicationAndItsAbsenceIsExplained() {
        Profile p = game(new Selection(java.util.List.of(Selection.Port.parse("5432")), java.util.List.of())).finish();
        assertThat(p.addresses()).containsExactly(InetAddress.ofLiteral("10.0.0.2"));
        assertThat(p.served()).singleElement().extracting(Profile.Served::port).isEqualTo(5432);
        assertThat(p.dependencies()).isEmpty();
        assertThat(p.trafficClass().trafficClass()).isEqualTo(TrafficClass.TRANSACTIONAL);

        Traffic t = game(new Selection(java.util.List.of(Selection.Port.parse("tcp/27015")), java.util.List.of()));
        assertThatThrownBy(t::finish).isInstanceOf(ProfileException.class)
                .hasMessageStartingWith("no server on tcp/27015 in the capture; servers seen: udp/27015 on 10.0.0.1");
    }

    @Test
    void anAddressSelectsEverythingItServes() {
        Profile p = game(new Selection(java.util.List.of(), java.util.List.of(Selection.address("10.0.0.1")))).finish();
        assertThat(p.selectionReason()).isEqualTo("--app-ip 10.0.0.1");
        assertThat(p.served()).extracting(Profile.Served::port).containsExactly(27015);
        assertThat(p.dependencies()).hasSize(2);
        assertThatThrownBy(() -> game(new Selection(java.util.List.of(), java.util.List.of(Selection.address("10.9.9.9")))).finish())
                .isInstanceOf(ProfileException.class).hasMessageStartingWith("no traffic of 10.9.9.9 in the capture");
    }

    @Test
    void nothingToLearnFromIsAnError() {
        Traffic t = new Traffic(Selection.AUTO, FallbackClassifier.INSTANCE);
        assertThatThrownBy(t::finish).isInstanceOf(ProfileException.class).hasMessageContaining("no flows to learn from");
    }

    @Test
    void portsParseOrSayWhatWasExpected() {
        assertThat(Selection.Port.parse("UDP/27015")).isEqualTo(new Selection.Port(Protocol.UDP, 27015));
        assertThat(Selection.Port.parse("80").protocol()).isNull();
        for (String bad : new String[] {"icmp/1", "tcp/70000", "tcp/", "x", "0"}) {
            assertThatThrownBy(() -> Selection.Port.parse(bad)).hasMessageContaining("a port such as 27015");
        }
    }

    @Test
    void inItsNamespaceTheApplicationIsEveryAddressOfIt() {
        // the game server answers players on 10.0.0.1 and reaches its database and resolver from 10.0.2.1
        Traffic t = new Traffic(Selection.AUTO, FallbackClassifier.INSTANCE);
        t.profile.inNamespace("arena", java.util.List.of(InetAddress.ofLiteral("10.0.0.1"), InetAddress.ofLiteral("10.0.2.1")));
        t.udp("10.0.2.1", 41000, "10.0.2.53", 53, 30).advance(MS).udp("10.0.2.53", 53, "10.0.2.1", 41000, 46);
        t.connect("10.0.2.1", 50000, "10.0.2.2", 5432);
        for (int tick = 0; tick < 200; tick++) {
            t.advance(20 * MS);
            t.udp("10.0.1.1", 40001, "10.0.0.1", 27015, 60).udp("10.0.0.1", 27015, "10.0.1.1", 40001, 120);
            if (tick % 25 == 0) {
                t.tcp("10.0.2.1", 50000, "10.0.2.2", 5432, ACK | PSH, 80).advance(MS).tcp("10.0.2.2", 5432, "10.0.2.1", 50000, ACK | PSH, 200);
            }
        }
        Profile p = t.finish();
        assertThat(p.selectionReason()).isEqualTo("everything in the application's namespace arena: its addresses 10.0.0.1, 10.0.2.1");
        assertThat(p.served()).extracting(Profile.Served::port).containsExactly(27015);
        assertThat(p.dependencies()).extracting(d -> d.address().getHostAddress() + ":" + d.port())
                .containsExactlyInAnyOrder("10.0.2.2:5432", "10.0.2.53:53");
        assertThat(p.trafficClass().trafficClass()).isEqualTo(TrafficClass.REALTIME);

        Traffic other = new Traffic(Selection.AUTO, FallbackClassifier.INSTANCE);
        other.profile.inNamespace("empty", java.util.List.of(InetAddress.ofLiteral("10.9.9.9")));
        other.udp("10.0.1.1", 40001, "10.0.0.1", 27015, 60);
        assertThatThrownBy(other::finish).hasMessageContaining("no traffic of namespace empty (10.9.9.9) in the capture");
    }
}
