package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.Rate;
import io.netpersona.substrate.Capabilities;
import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What spec.qos compiles to and the commands it renders, without a kernel. */
class QosCompilerTest {
    static final String LINKS = """
            [{"ifname":"lo","mtu":65536},{"ifname":"br0","mtu":1500,"linkinfo":{"info_kind":"bridge"}},
             {"ifname":"up0","mtu":1500,"linkinfo":{"info_kind":"veth"}}]""";
    static final String ADDRS = """
            [{"ifname":"lo","addr_info":[{"family":"inet","local":"127.0.0.1","scope":"host"}]},
             {"ifname":"eth0","addr_info":[{"family":"inet","local":"10.88.1.2","prefixlen":24,"scope":"global"},
               {"family":"inet6","local":"fd00::2","prefixlen":64,"scope":"global"},
               {"family":"inet6","local":"fe80::1","prefixlen":64,"scope":"link"}]}]""";
    static final String NOQUEUE = "[{\"kind\":\"noqueue\",\"handle\":\"0:\",\"root\":true,\"refcnt\":2,\"options\":{}}]";
    static final HostPicture PICTURE = new HostPicture(List.of(
            new HostPicture.Host("h", "hostns", "up0", Rate.mbit(20), "ifb0", List.of("probe"))));
    static final AppContext.Ids IDS = AppContext.Ids.of(0x1a);

    CannedCommands kernel = new CannedCommands()
            .answer(Commands.ip("hostns", "-j", "-d", "link", "show"), LINKS)
            .answer(Commands.ip("probe", "-j", "addr", "show"), ADDRS)
            .answer(Commands.tc("hostns", "-s", "-j", "qdisc", "show", "dev", "up0"), NOQUEUE);
    Map<String, Capabilities.Capability> features = new LinkedHashMap<>();

    QosCompilerTest() {
        for (String f : List.of("qdisc/htb", "qdisc/pfifo", "qdisc/tbf", "qdisc/ingress", "nftables", "ifb", "classifier/u32")) {
            features.put(f, new Capabilities.Capability(f, true, ""));
        }
    }

    static Persona persona(String netns, String qos) {
        return PersonaCodec.readYaml("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: probe}
                spec:
                  app: {netns: %s}
                  qos: %s
                """.formatted(netns, qos));
    }

    Desired compile(Persona p, HostPicture picture) {
        Desired out = new Desired();
        AppContext app = new AppContext(p.name(), p.spec().app().netns(), picture.hostOf(p.spec().app().netns()), IDS);
        new QosCompiler(picture, () -> new Capabilities("linux", features)).compile(p, app, new HostView(kernel), out);
        return out;
    }

    static Map<String, ResourceKind> kinds() {
        Map<String, ResourceKind> kinds = new LinkedHashMap<>();
        for (ResourceKind k : List.of(new IfbLinkKind(), new HtbRootKind(), new HtbClassKind(), new U32DstFilterKind(),
                new IngressRedirectKind(), new NftTableKind())) {
            kinds.put(k.name(), k);
        }
        return kinds;
    }

    static List<String> render(Desired d) {
        Reconciler r = new Reconciler(kinds());
        List<Step> steps = new ArrayList<>();
        d.resources().values().forEach(res -> steps.add(new Step.Create(res)));
        List<String> out = new ArrayList<>();
        for (Batches.Batch b : r.render(r.ordered(steps)).all()) {
            out.add(b.tool() + " " + b.scope() + ":\n" + String.join("\n", b.lines()));
        }
        return out;
    }

    @Test
    void aPersonaBehindAHostGetsClassesOnItsUplinkAndIfbAndNoSteeringTableOfItsOwn() {
        Desired d = compile(persona("probe", "{priority: 0, dscp: EF, guaranteedRate: 2Mbit}"), PICTURE);
        assertThat(d.problems()).isEmpty();
        assertThat(render(d)).containsExactly("""
                IP hostns:
                link add name ifb0 type ifb
                link set dev ifb0 up""", """
                TC hostns:
                qdisc add dev ifb0 root handle 1: htb default 2
                class replace dev ifb0 parent 1: classid 1:1 htb rate 18000000bit ceil 18000000bit
                class replace dev ifb0 parent 1:1 classid 1:2 htb rate 900000bit ceil 18000000bit prio 7
                qdisc replace dev ifb0 parent 1:2 handle 2: tbf rate 180000000bit burst 5286b limit 225000b
                qdisc add dev up0 root handle 1: htb default 2
                class replace dev up0 parent 1: classid 1:1 htb rate 19800000bit ceil 19800000bit
                class replace dev up0 parent 1:1 classid 1:2 htb rate 990000bit ceil 19800000bit prio 7
                qdisc replace dev up0 parent 1:2 handle 2: tbf rate 198000000bit burst 5511b limit 247500b
                class replace dev ifb0 parent 1:1 classid 1:1a htb rate 2000000bit ceil 18000000bit burst 1600b cburst 2250b prio 0
                qdisc replace dev ifb0 parent 1:1a handle 1a: tbf rate 180000000bit burst 5286b limit 225000b
                class replace dev up0 parent 1:1 classid 1:1a htb rate 2000000bit ceil 19800000bit burst 1600b cburst 2475b prio 0
                qdisc replace dev up0 parent 1:1a handle 1a: tbf rate 198000000bit burst 5511b limit 247500b
                filter add dev ifb0 parent 1: protocol ip prio 26 u32 match ip dst 10.88.1.2/32 flowid 1:1a
                qdisc add dev up0 handle ffff: ingress
                filter add dev up0 parent ffff: protocol all prio 1 u32 match u32 0 0 action mirred egress redirect dev ifb0""");
        // behind a host, steering is an element of the host's shared table (HostEntriesCompiler), not a table of its own
        assertThat(d.resources().keySet()).noneMatch(k -> k.kind().equals(NftTableKind.KIND));
    }

    @Test
    void anApplicationThatIsItsOwnHostSharesItsTableWithTheFirewall() {
        Desired d = new Desired();
        String fw = "table inet netpersona-probe {\n\tchain fw-input {\n\t}\n}";
        d.add(NftTableKind.of("probe", "netpersona-probe", fw));
        QosCompiler.addTable(d, "probe", "netpersona-probe", "table inet netpersona-probe {\n\tchain qos-egress {\n\t}\n}");
        QosCompiler.addTable(d, "hostns", "netpersona-probe", "table inet netpersona-probe {\n}");
        assertThat(d.resources()).hasSize(2);
        assertThat(d.resources().get(new Resource.Key(NftTableKind.KIND, "probe", "netpersona-probe")).attr(NftTableKind.SCRIPT))
                .isEqualTo(fw + "\ntable inet netpersona-probe {\n\tchain qos-egress {\n\t}\n}");
    }

    @Test
    void defaultsAreASmallShareAndTheParentsRateAndACeilingAboveTheHostIsCapped() {
        Desired d = compile(persona("probe", "{ceilRate: 1Gbit, burst: 32KiB}"), PICTURE);
        Resource egress = d.resources().get(new Resource.Key(HtbClassKind.KIND, "hostns", "up0 1:1a"));
        assertThat(egress.attributes()).containsEntry("prio", "4").containsEntry("rate", "198kbit").containsEntry("ceil", "19.8Mbit")
                .containsEntry("burst", "32KiB").containsEntry("cburst", "32KiB").containsEntry("leaf", "tbf");
        Resource ingress = d.resources().get(new Resource.Key(HtbClassKind.KIND, "hostns", "ifb0 1:1a"));
        assertThat(ingress.attributes()).containsEntry("rate", "180kbit").containsEntry("ceil", "18Mbit");
    }

    @Test
    void refusesAGuaranteeAboveWhatTheHostShapesTo() {
        Desired d = compile(persona("probe", "{guaranteedRate: 18500kbit}"), PICTURE);
        assertThat(d.resources()).isEmpty();
        assertThat(d.problems()).singleElement().hasToString("spec.qos.guaranteedRate: 18.5Mbit (expected: at most 18Mbit, "
                + "what host h shapes its uplink up0 of capacity 20Mbit to; it cannot guarantee more)");
    }

    @Test
    void refusesAHostWithoutHtbSayingWhy() {
        features.put("qdisc/htb", new Capabilities.Capability("qdisc/htb", false, "the kernel refuses it: Unknown qdisc"));
        features.put("ifb", new Capabilities.Capability("ifb", false, "cannot create an IFB device"));
        Desired d = compile(persona("probe", "{priority: 1}"), PICTURE);
        assertThat(d.resources()).isEmpty();
        assertThat(d.problems()).extracting(Object::toString).containsExactly(
                "spec.qos: host h cannot shape: qdisc/htb is missing (the kernel refuses it: Unknown qdisc)",
                "spec.qos: host h cannot shape: ifb is missing (cannot create an IFB device)");
    }

    @Test
    void refusesAnUplinkWithSomeoneElsesQueueing() {
        kernel.answer(Commands.tc("hostns", "-s", "-j", "qdisc", "show", "dev", "up0"),
                "[{\"kind\":\"tbf\",\"handle\":\"5:\",\"root\":true,\"options\":{}}]");
        Desired d = compile(persona("probe", "{priority: 1}"), PICTURE);
        assertThat(d.problems()).singleElement().asString().startsWith(
                "spec.qos: host h: up0 has a root qdisc tbf 5: that netpersona did not make");
    }

    @Test
    void anApplicationBehindNoHostIsItsOwnHostOnItsDefaultRoutesDevice() {
        kernel.answer(Commands.ip("probe", "-4", "-j", "-d", "route", "show", "table", "all"),
                "[{\"type\":\"unicast\",\"dst\":\"default\",\"gateway\":\"10.88.1.1\",\"dev\":\"eth0\",\"table\":\"main\"}]")
                .answer(Commands.ip("probe", "-j", "-d", "link", "show"), "[{\"ifname\":\"eth0\",\"mtu\":1400}]");
        Desired d = compile(persona("probe", "{priority: 1, ceilRate: 10Mbit}"), HostPicture.none());
        assertThat(d.problems()).isEmpty();
        assertThat(d.resources().keySet()).extracting(Resource.Key::toString).containsExactly(
                "tc-htb-root probe eth0", "tc-htb-class probe eth0 1:1a", "nft-table probe netpersona-probe");
        assertThat(d.resources().get(new Resource.Key(HtbRootKind.KIND, "probe", "eth0")).attributes())
                .containsEntry("rate", "9.9Mbit").containsEntry("default-leaf-burst", String.valueOf(1600 + 2 * 1418) + "B");

        Desired unknown = compile(persona("probe", "{priority: 1}"), HostPicture.none());
        assertThat(unknown.problems()).singleElement().hasToString("spec.qos: the capacity of eth0, the egress device of namespace "
                + "probe, is unknown (expected: a host entry with its capacity in the HostPicture, or spec.qos.ceilRate)");
    }

    @Test
    void anApplicationWithoutRouteOrHostIsRefused() {
        Desired d = compile(persona("probe", "{priority: 1}"), HostPicture.none());
        assertThat(d.problems()).singleElement().asString().startsWith("spec.qos: namespace probe is behind no host in the "
                + "HostPicture and has no default route");
    }

    @Test
    void u32KeysReadBackAsAddresses() {
        var m = tools.jackson.databind.json.JsonMapper.builder().build();
        assertThat(U32DstFilterKind.cidr(m.readTree("{\"value\":\"a580102\",\"mask\":\"ffffffff\",\"off\":16}"))).isEqualTo("10.88.1.2/32");
        assertThat(U32DstFilterKind.cidr(m.readTree("{\"value\":\"a580100\",\"mask\":\"ffffff00\",\"off\":16}"))).isEqualTo("10.88.1.0/24");
        assertThat(U32DstFilterKind.cidr(m.readTree("{\"value\":\"6\",\"mask\":\"ff0000\",\"off\":8}"))).isEqualTo("6/ff0000 at 8");
    }

    @Test
    void sharesOfACapacityAreWholeKbitOrWholeMbit() {
        assertThat(QosCompiler.share(Rate.mbit(20), 0.95)).hasToString("19Mbit");
        assertThat(QosCompiler.share(Rate.parse("33333kbit"), 0.95)).hasToString("31.666Mbit");
        assertThat(QosCompiler.share(Rate.parse("10Gbit"), 0.95)).hasToString("9.5Gbit");
        assertThat(QosCompiler.share(Rate.parse("1234567891bit"), 0.9)).hasToString("1.111Gbit");
        assertThat(Optional.of(QosCompiler.bucket(Rate.mbit(2)))).contains(io.netpersona.model.ByteSize.ofBytes(1600));
    }
}
