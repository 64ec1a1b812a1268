package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import io.netpersona.substrate.SubstrateException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Routes and rules between ip's JSON and batch lines, without a kernel. */
class RouteKindTest {
    static JsonNode json(String s) {
        return JsonMapper.builder().build().readTree(s);
    }

    static Batches render(ResourceKind kind, Step step) {
        Batches b = new Batches();
        b.from(step);
        kind.render(step, b);
        return b;
    }

    @Test
    void aRouteIsReadWithEverythingNeededToWriteItBack() {
        JsonNode r = json("""
                {"type":"unicast","dst":"default","gateway":"10.99.0.2","dev":"e0","table":"main","protocol":"boot",
                 "scope":"global","flags":["onlink","linkdown"],"metrics":[{"mtu":1300,"initcwnd":10,"ecn":null,"congestion":"bbr"}]}""");
        Resource res = RouteKind.parse("ns1", "inet", r, Set.of("mtu")).orElseThrow();
        assertThat(res.id()).isEqualTo("inet main default");
        assertThat(res.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of("dev", "e0", "gateway", "10.99.0.2",
                "proto", "boot", "scope", "global", "onlink", "true", "mtu", "lock 1300", "initcwnd", "10",
                "features", "ecn", "congctl", "bbr"));
        Batches b = render(new RouteKind(), new Step.Create(res));
        assertThat(b.all()).singleElement().satisfies(batch -> {
            assertThat(batch.tool()).isEqualTo(Batches.Tool.IP);
            assertThat(batch.scope()).isEqualTo("ns1");
            assertThat(batch.lines()).containsExactly("route replace default via 10.99.0.2 dev e0 table main proto boot "
                    + "scope global onlink mtu lock 1300 initcwnd 10 features ecn congctl bbr");
        });
    }

    @Test
    void ipv6RoutesKeepTheirMetricAndPreferenceAndGoThroughIp6() {
        JsonNode r = json("""
                {"type":"unicast","dst":"fe80::/64","dev":"e0","table":"main","protocol":"kernel","scope":"global",
                 "metric":256,"flags":[],"pref":"medium"}""");
        Resource res = RouteKind.parse("", "inet6", r, Set.of()).orElseThrow();
        assertThat(res.id()).isEqualTo("inet6 main fe80::/64 metric 256");
        Batches b = render(new RouteKind(), new Step.Modify(res, RouteKind.withCongctl(res, "cubic")));
        assertThat(b.all().getFirst().tool()).isEqualTo(Batches.Tool.IP6);
        assertThat(b.all().getFirst().lines()).containsExactly(
                "route replace fe80::/64 dev e0 table main metric 256 proto kernel scope global congctl cubic pref medium");
    }

    @Test
    void deletionNamesTheRouteByDestinationTableMetricAndNextHop() {
        Resource res = RouteKind.of("n", new RouteKind.Key("inet", "1234", "default", 20),
                Map.of("dev", "uplink-b", "gateway", "10.0.2.1", "proto", "static", "scope", "global"));
        assertThat(render(new RouteKind(), new Step.Delete(res)).all().getFirst().lines())
                .containsExactly("route del default via 10.0.2.1 dev uplink-b table 1234 metric 20");
        assertThat(RouteKind.Key.parse(res.id())).isEqualTo(new RouteKind.Key("inet", "1234", "default", 20));
    }

    @Test
    void routesItCannotWriteBackAreNotTakenOver() {
        assertThat(RouteKind.parse("", "inet", json("""
                {"type":"unicast","dst":"default","table":"main","protocol":"boot","scope":"global","flags":[],
                 "nexthops":[{"gateway":"10.0.0.1","dev":"a","weight":1}]}"""), Set.of())).isEmpty();
        assertThat(RouteKind.parse("", "inet6", json("""
                {"type":"unicast","dst":"default","gateway":"fe80::1","dev":"a","table":"main","protocol":"ra",
                 "metric":1024,"flags":[],"expires":1790,"pref":"medium"}"""), Set.of())).isEmpty();
        assertThat(RouteKind.parse("", "inet", json("""
                {"type":"unicast","dst":"10.97.0.0/16","gateway":"10.99.0.2","dev":"e0","table":"main","flags":[],
                 "metrics":[{"rtt":100}]}"""), Set.of())).isEmpty();
    }

    @Test
    void locksAreFoundInTheTextFormOfTheRightRoute() {
        String text = """
                unicast default via 10.99.0.2 dev e0 table main proto boot scope global mtu lock 1400 congctl bbr
                unicast 10.98.0.0/16 via 10.99.0.2 dev e0 table main proto boot scope global metric 5 onlink mtu lock 1300 congctl lock bbr
                local 10.99.0.1 dev e0 table local proto kernel scope host src 10.99.0.1
                """;
        assertThat(RouteKind.locks(text, new RouteKind.Key("inet", "main", "10.98.0.0/16", 5))).containsExactlyInAnyOrder("mtu", "congctl");
        assertThat(RouteKind.locks(text, new RouteKind.Key("inet", "main", "default", 0))).containsExactly("mtu");
        assertThat(RouteKind.locks(text, new RouteKind.Key("inet", "main", "10.98.0.0/16", 0))).isEmpty();
    }

    @Test
    void aValueThatIpCouldSplitIsRefused() {
        Resource bad = RouteKind.of("", new RouteKind.Key("inet", "main", "default", 0), Map.of("dev", "e0 mtu 9000"));
        assertThatThrownBy(() -> render(new RouteKind(), new Step.Create(bad))).isInstanceOf(SubstrateException.class)
                .hasMessageContaining("e0 mtu 9000");
    }

    @Test
    void rulesAreKeyedByFamilyPreferenceAndSelector() {
        JsonNode rules = json("""
                [{"priority":0,"src":"all","table":"local"},
                 {"priority":20034,"src":"all","iif":"lo","table":"main","suppress_prefixlen":0},
                 {"priority":20035,"src":"10.72.0.2","table":"1017"},
                 {"priority":20036,"src":"10.72.0.0","srclen":24,"fwmark":"0x1","table":"1017"}]""");
        assertThat(RuleKind.selector(rules.get(1))).isEqualTo("iif lo");
        assertThat(RuleKind.selector(rules.get(2))).isEqualTo("from 10.72.0.2");
        assertThat(RuleKind.selector(rules.get(3))).isEqualTo("from 10.72.0.0/24 fwmark 0x1");
        Resource v4 = RuleKind.of("h", "inet", 20034, "iif lo", "main", 0);
        Resource v6 = RuleKind.of("h", "inet6", 20035, "from fd00::2", "1017", null);
        Batches b = new Batches();
        for (Step s : List.<Step>of(new Step.Create(v4), new Step.Delete(v6))) {
            b.from(s);
            new RuleKind().render(s, b);
        }
        assertThat(b.all()).hasSize(2);
        assertThat(b.all().get(0).lines()).containsExactly("rule add pref 20034 iif lo lookup main suppress_prefixlength 0");
        assertThat(b.all().get(1).tool()).isEqualTo(Batches.Tool.IP6);
        assertThat(b.all().get(1).lines()).containsExactly("rule del pref 20035 from fd00::2 lookup 1017");
    }
}
