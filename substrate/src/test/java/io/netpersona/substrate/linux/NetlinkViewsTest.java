package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.substrate.Metrics;
import io.netpersona.substrate.linux.netlink.Address;
import io.netpersona.substrate.linux.netlink.Link;
import io.netpersona.substrate.linux.netlink.TcObject;
import io.netpersona.substrate.linux.netlink.TcpSocket;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Netlink's records in the shapes of ip's JSON and of ss's text as the parser reads it. */
class NetlinkViewsTest {
    private static final Link LO = new Link(1, "lo", 772, 0x10049, 65536, 0, 0, 0, "00:00:00:00:00:00", Optional.of(
            new Link.Counters(2, 2, 168, 168, 0, 0, 0, 0, 0, 0, 0, 0)));
    private static final Link VETH = new Link(5, "v0", 1, 0x1003, 1500, 68, 65535, 2, "02:00:00:00:00:01", Optional.empty());

    @Test
    void devicesAsIpSJLinkPrintsThem() {
        assertThat(NetlinkViews.links(List.of(LO, VETH)).toString()).isEqualTo(JsonMapper.builder().build().readTree("""
                [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"operstate":"UNKNOWN",
                  "link_type":"loopback","address":"00:00:00:00:00:00","stats64":{
                  "rx":{"bytes":168,"packets":2,"errors":0,"dropped":0,"over_errors":0,"multicast":0},
                  "tx":{"bytes":168,"packets":2,"errors":0,"dropped":0,"carrier_errors":0,"collisions":0}}},
                 {"ifindex":5,"ifname":"v0","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP"],"mtu":1500,
                  "operstate":"DOWN","link_type":"ether","address":"02:00:00:00:00:01"}]
                """).toString());
    }

    @Test
    void devicesWithTheirMtuRangeAsIpJDLinkPrintsThemWhereTheKernelSaid() {
        var json = NetlinkViews.devices(List.of(VETH, new Link(7, "tun0", 65534, 0x10d1, 1400, -1, -1, 0, "", Optional.empty())));
        assertThat(json.get(0).path("min_mtu").asInt()).isEqualTo(68);
        assertThat(json.get(0).path("max_mtu").asInt()).isEqualTo(65535);
        assertThat(json.get(0).has("stats64")).isFalse();
        assertThat(json.get(1).has("max_mtu")).isFalse();
        assertThat(json.get(1).path("mtu").asInt()).isEqualTo(1400);
    }

    @Test
    void qdiscsAndClassesAsTcSJPrintsThem() {
        var qdiscs = NetlinkViews.tc(List.of(new TcObject(4, 0x10000, TcObject.ROOT, 2, "htb", "0a0b", Optional.empty()),
                new TcObject(4, 0x100000, 0x1002a, 1, "pfifo", "", Optional.of(new TcObject.Counters(1500, 10, 1, 1500, 2, 0, 3))),
                new TcObject(5, 0, TcObject.ROOT, 1, "noqueue", "", Optional.empty())), false);
        assertThat(qdiscs.toString()).isEqualTo("[{\"kind\":\"htb\",\"handle\":\"1:\",\"root\":true,\"rtnetlink\":\"htb root 0a0b\"},"
                + "{\"kind\":\"pfifo\",\"handle\":\"10:\",\"parent\":\"1:2a\",\"rtnetlink\":\"pfifo 1:2a \",\"bytes\":1500,"
                + "\"packets\":10,\"drops\":2,\"overlimits\":3,\"requeues\":0,\"backlog\":1500,\"qlen\":1},"
                + "{\"kind\":\"noqueue\",\"handle\":\"0:\",\"root\":true,\"rtnetlink\":\"noqueue root \"}]");
        // a class's leaf is in tcm_info; a qdisc's tcm_info is its reference count, which is not configuration
        var classes = NetlinkViews.tc(List.of(new TcObject(4, 0x1002a, 0x10001, 0x100000, "htb", "ff", Optional.empty()),
                new TcObject(4, 0x10001, TcObject.ROOT, 0, "htb", "ee", Optional.empty())), true);
        assertThat(classes.get(0).path("leaf").asString()).isEqualTo("10:");
        assertThat(classes.get(0).path("rtnetlink").asString()).isEqualTo("htb 1:1 leaf 10: ff");
        assertThat(classes.get(1).has("leaf")).isFalse();
        assertThat(Fingerprints.classConfig(classes.get(0))).isEqualTo("rtnetlink htb 1:1 leaf 10: ff");
        assertThat(Fingerprints.qdiscConfig(qdiscs.get(0))).isEqualTo("rtnetlink htb root 0a0b");
        assertThat(NetlinkViews.handle(0xffff0000)).isEqualTo("ffff:");
        assertThat(NetlinkViews.handle(0x5)).isEqualTo(":5");
        assertThat(NetlinkViews.handle(0)).isEqualTo("none");
    }

    @Test
    void addressesGroupedByDeviceAsIpJAddrPrintsThem() {
        var json = NetlinkViews.addresses(List.of(LO, VETH, new Link(7, "tun0", 65534, 0x10d1, 1400, -1, -1, 0, "", Optional.empty())),
                List.of(new Address(2, 1, 8, 254, "127.0.0.1", "", "lo", ""),
                        new Address(2, 7, 32, 0, "10.9.9.1", "10.9.9.2", "tun0", ""),
                        new Address(10, 1, 128, 254, "::1", "", "", ""),
                        new Address(2, 42, 24, 0, "10.0.0.1", "", "gone0", ""), // a device not in the link dump
                        new Address(7, 1, 0, 0, "x", "", "", ""))); // a family ip does not list
        assertThat(json.get(0).path("addr_info").toString()).isEqualTo(
                "[{\"family\":\"inet\",\"local\":\"127.0.0.1\",\"prefixlen\":8,\"scope\":\"host\",\"label\":\"lo\"},"
                + "{\"family\":\"inet6\",\"local\":\"::1\",\"prefixlen\":128,\"scope\":\"host\"}]");
        assertThat(json.get(1).path("addr_info")).isEmpty();
        assertThat(json.get(2).path("link_type").asString()).isEqualTo("none");
        assertThat(json.get(2).path("addr_info").get(0).toString()).isEqualTo(
                "{\"family\":\"inet\",\"local\":\"10.9.9.1\",\"address\":\"10.9.9.2\",\"prefixlen\":32,\"scope\":\"global\",\"label\":\"tun0\"}");
        assertThat(NetlinkViews.scope(200)).isEqualTo("site");
        assertThat(NetlinkViews.scope(100)).isEqualTo("100");
    }

    @Test
    void socketsAsTheSsParserReadsThem() {
        var info = new TcpSocket.Info(1, 615, 824, 48, 0, 226, 37794453L, 4, 0, 0, 171_925, 180, 2);
        var noSample = new TcpSocket.Info(2, 0, 250000, 10, 0, 0, 0, 0, 0, 0, 0);
        List<Metrics.TcpSocket> s = NetlinkViews.sockets(List.of(
                new TcpSocket(2, 1, "10.99.0.2", 55736, "10.99.0.1", 8082, 0, "bbr", Optional.of(info)),
                new TcpSocket(10, 2, "fd00:99::2", 36182, "fd00:99::1", 8082, 3, "cubic", Optional.of(noSample)),
                new TcpSocket(10, 8, "::ffff:10.99.0.1", 8081, "::", 0, 0, "reno", Optional.empty())),
                index -> index == 3 ? "v0" : "?");
        assertThat(s).containsExactly(
                new Metrics.TcpSocket("10.99.0.2:55736", "10.99.0.1:8082", "ESTAB", "bbr", 0.615, 0.824, 226, 302_355_624L, 48, 171_925,
                        180, 2),
                new Metrics.TcpSocket("[fd00:99::2]%v0:36182", "[fd00:99::1]:8082", "SYN-SENT", "cubic", 0, 0, 0, 0, 10),
                new Metrics.TcpSocket("[::ffff:10.99.0.1]:8081", "*:*", "CLOSE-WAIT", "", 0, 0, 0, 0, 0));
    }
}
