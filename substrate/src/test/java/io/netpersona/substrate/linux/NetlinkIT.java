package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.substrate.Metrics;
import io.netpersona.substrate.linux.netlink.NetlinkReader;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@link HostView} reads over netlink against what the processes it replaces print, for two
 * namespaces with live TCP connections (IPv4 and IPv6) that moved data: devices and their counters
 * ({@code ip -s -j link}), addresses ({@code ip -j addr}) and sockets ({@code ss -tinH}), without a process.
 */
class NetlinkIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private TestNet net;
    private final List<Process> processes = new ArrayList<>();
    private String a;
    private String b;

    @BeforeEach
    void hosts() throws Exception {
        net = new TestNet();
        a = net.ns("a");
        b = net.ns("b");
        net.link(a, "va", "10.77.0.1/24", b, "vb", "10.77.0.2/24");
        net.commands().check(Commands.ip(a, "addr", "add", "fd77::1/64", "dev", "va", "nodad"), null);
        net.commands().check(Commands.ip(b, "addr", "add", "fd77::2/64", "dev", "vb", "nodad"), null);
        net.commands().check(Commands.ip(a, "addr", "add", "10.78.0.1", "peer", "10.78.0.2", "dev", "va"), null);
        start(b, "socat", "-u", "TCP4-LISTEN:7001,reuseaddr", "OPEN:/dev/null");
        start(b, "socat", "-u", "TCP6-LISTEN:7002,reuseaddr", "OPEN:/dev/null");
        awaitSs(b, "LISTEN", 2);
        send(start(a, "socat", "-u", "-", "TCP4:10.77.0.2:7001"));
        send(start(a, "socat", "-u", "-", "TCP6:[fd77::2]:7002"));
    }

    @AfterEach
    void cleanUp() {
        for (Process p : processes) {
            p.destroyForcibly();
            try {
                p.waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        net.close();
    }

    @Test
    void netlinkIsReadHere() {
        assertThat(NetlinkReader.shared()).as("netlink unavailable: " + NetlinkReader.unavailabilityCause()).isPresent();
        assertThat(new Commands().netlink()).isPresent();
    }

    @Test
    void socketsAgreeWithSs() throws Exception {
        for (String ns : List.of(a, b)) {
            awaitSs(ns, "ESTAB", 2);
            awaitQuiet(ns);
            // the counters of an idle connection do not move; read ss on both sides of netlink to be sure
            List<Metrics.TcpSocket> before = ss(ns);
            Commands counted = new Commands();
            List<Metrics.TcpSocket> netlink = new HostView(counted).tcpSockets(ns);
            List<Metrics.TcpSocket> after = ss(ns);
            assertThat(counted.started()).as("processes started").isZero();
            assertThat(before).as("ss moved while the connections were idle").isEqualTo(after);
            assertThat(netlink).hasSize(2).containsExactlyInAnyOrderElementsOf(before);
            assertThat(netlink).allSatisfy(s -> {
                assertThat(s.state()).isEqualTo("ESTAB");
                assertThat(s.rttMs()).isPositive();
                assertThat(s.cwnd()).isPositive();
                assertThat(s.congestionControl()).isNotEmpty();
            });
        }
        // the sender measured its delivery rate; a socket bound to no device has no %dev
        assertThat(new HostView(new Commands()).tcpSockets(a)).allSatisfy(s -> {
            assertThat(s.deliveryRateBps()).isPositive();
            assertThat(s.dataSegmentsOut()).as("the megabyte sent, in segments").isGreaterThan(10);
            assertThat(s.local()).doesNotContain("%");
        });
    }

    @Test
    void deviceCountersAgreeWithIpAndLieBetweenTwoReadsOfIt() throws Exception {
        for (String ns : List.of(a, b)) {
            JsonNode before = ipJson(ns, "-s", "-j", "link", "show");
            Commands counted = new Commands();
            JsonNode netlink = new HostView(counted).linkStats(ns);
            JsonNode after = ipJson(ns, "-s", "-j", "link", "show");
            assertThat(counted.started()).as("processes started").isZero();
            assertThat(netlink).hasSize(before.size());
            for (int i = 0; i < before.size(); i++) {
                JsonNode n = netlink.get(i);
                JsonNode x = before.get(i);
                for (String f : List.of("ifindex", "ifname", "flags", "mtu", "operstate", "link_type", "address")) {
                    assertThat(n.get(f)).as(ns + " " + x.path("ifname") + " " + f).isEqualTo(x.get(f));
                }
                for (String dir : List.of("rx", "tx")) {
                    JsonNode lo = x.path("stats64").path(dir);
                    JsonNode hi = after.get(i).path("stats64").path(dir);
                    JsonNode got = n.path("stats64").path(dir);
                    assertThat(got.propertyNames()).as(dir + " fields").containsExactlyElementsOf(lo.propertyNames());
                    for (String f : lo.propertyNames()) {
                        assertThat(got.path(f).asLong()).as(ns + " " + x.path("ifname") + " " + dir + " " + f)
                                .isBetween(lo.path(f).asLong(), hi.path(f).asLong());
                    }
                }
            }
        }
        // what the connections sent is in the counters, not only zeros that agree
        JsonNode va = new HostView(new Commands()).find(new HostView(new Commands()).linkStats(a), "ifname", "va").orElseThrow();
        assertThat(va.path("stats64").path("tx").path("bytes").asLong()).isGreaterThan(2 * PAYLOAD);
    }

    @Test
    void devicesAgreeWithIpDetails() {
        net.commands().check(Commands.ip(a, "link", "set", "va", "mtu", "1400"), null);
        for (String ns : List.of(a, b)) {
            Commands counted = new Commands();
            JsonNode netlink = new HostView(counted).devices(ns);
            JsonNode ip = ipJson(ns, "-j", "-d", "link", "show");
            assertThat(counted.started()).as("processes started").isZero();
            assertThat(netlink).hasSize(ip.size());
            for (int i = 0; i < ip.size(); i++) {
                for (String f : List.of("ifindex", "ifname", "flags", "mtu", "min_mtu", "max_mtu", "operstate", "link_type",
                        "address")) {
                    assertThat(netlink.get(i).get(f)).as(ns + " " + ip.get(i).path("ifname") + " " + f).isEqualTo(ip.get(i).get(f));
                }
            }
        }
        JsonNode va = new HostView(new Commands()).find(new HostView(new Commands()).devices(a), "ifname", "va").orElseThrow();
        assertThat(va.path("mtu").asInt()).isEqualTo(1400);
        assertThat(va.path("max_mtu").asInt()).isGreaterThan(1500);
    }

    @Test
    void queueCountersAgreeWithTcAndLieBetweenTwoReadsOfIt() {
        for (String line : List.of("qdisc add dev va root handle 1: htb default 10", "class add dev va parent 1: classid 1:1 htb rate 100mbit",
                "class add dev va parent 1:1 classid 1:10 htb rate 50mbit ceil 100mbit", "qdisc add dev va parent 1:10 handle 10: pfifo limit 500")) {
            net.commands().check(Commands.tc(a, line.split(" ")), null);
        }
        net.commands().check(List.of("ip", "netns", "exec", a, "ping", "-c", "20", "-i", "0.01", "-q", "10.77.0.2"), null);
        JsonNode qLo = JSON.readTree(net.commands().check(Commands.tc(a, "-s", "-j", "qdisc", "show", "dev", "va"), null));
        JsonNode cLo = TcText.classes(net.commands().check(Commands.tc(a, "-s", "class", "show", "dev", "va"), null));
        Commands counted = new Commands();
        HostView view = new HostView(counted);
        JsonNode qdiscs = view.queueQdiscs(a, "va");
        JsonNode classes = view.queueClasses(a, "va");
        JsonNode qHi = JSON.readTree(net.commands().check(Commands.tc(a, "-s", "-j", "qdisc", "show", "dev", "va"), null));
        JsonNode cHi = TcText.classes(net.commands().check(Commands.tc(a, "-s", "class", "show", "dev", "va"), null));
        assertThat(counted.started()).as("processes started").isZero();
        assertThat(qdiscs.findValuesAsString("handle")).containsExactlyElementsOf(qLo.findValuesAsString("handle"));
        assertThat(classes.findValuesAsString("handle")).containsExactlyElementsOf(cLo.findValuesAsString("handle"));
        for (String f : List.of("kind", "parent", "root")) {
            assertThat(qdiscs.findValues(f)).as("qdisc " + f).isEqualTo(qLo.findValues(f));
        }
        assertThat(classes.findValuesAsString("parent")).isEqualTo(cLo.findValuesAsString("parent"));
        between(qdiscs, qLo, qHi, List.of("bytes", "packets", "drops", "overlimits", "requeues", "backlog", "qlen"));
        between(classes, cLo, cHi, List.of("bytes", "packets", "drops", "overlimits", "requeues", "backlog", "qlen"));
        JsonNode leaf = view.find(qdiscs, "parent", "1:10").orElseThrow();
        assertThat(leaf.path("kind").asString()).isEqualTo("pfifo");
        assertThat(leaf.path("packets").asLong()).as("the pings went through the default class").isGreaterThanOrEqualTo(20);
        assertThat(view.queueQdiscs(a, "nosuch0")).isEmpty();
        JsonNode plain = JSON.readTree(net.commands().check(Commands.tc(b, "-s", "-j", "qdisc", "show", "dev", "vb"), null));
        assertThat(view.queueQdiscs(b, "vb").findValuesAsString("handle")).isNotEmpty().doesNotContain("1:", "10:")
                .isEqualTo(plain.findValuesAsString("handle"));
    }

    private static void between(JsonNode got, JsonNode lo, JsonNode hi, List<String> fields) {
        for (int i = 0; i < lo.size(); i++) {
            for (String f : fields) {
                assertThat(got.get(i).path(f).asLong()).as(lo.get(i).path("handle") + " " + f)
                        .isBetween(lo.get(i).path(f).asLong(), hi.get(i).path(f).asLong());
            }
        }
    }

    @Test
    void addressesAgreeWithIp() {
        for (String ns : List.of(a, b)) {
            Commands counted = new Commands();
            JsonNode netlink = new HostView(counted).addresses(ns);
            JsonNode ip = ipJson(ns, "-j", "addr", "show");
            assertThat(counted.started()).as("processes started").isZero();
            assertThat(netlink).hasSize(ip.size());
            for (int i = 0; i < ip.size(); i++) {
                assertThat(netlink.get(i).path("ifname")).isEqualTo(ip.get(i).path("ifname"));
                List<String> fields = List.of("family", "local", "address", "prefixlen", "broadcast", "scope", "label");
                assertThat(project(netlink.get(i).path("addr_info"), fields)).as(ns + " " + ip.get(i).path("ifname"))
                        .isEqualTo(project(ip.get(i).path("addr_info"), fields));
            }
        }
        assertThat(Addresses.of(new HostView(new Commands()), a, "va")).extracting(Addresses.Assigned::cidr)
                .contains("10.77.0.1/24", "10.78.0.1/32", "fd77::1/64");
    }

    @Test
    void readsOfManyNamespacesAtOnceEachGetTheirOwn() {
        HostView view = new HostView(new Commands());
        view.prefetch(List.of(new HostView.Read.LinkStats(a), new HostView.Read.LinkStats(b), new HostView.Read.Addresses(a),
                new HostView.Read.Addresses(b), new HostView.Read.Sockets(a), new HostView.Read.Sockets(b)));
        assertThat(view.linkStats(a).findValuesAsString("ifname")).containsExactly("lo", "va");
        assertThat(view.linkStats(b).findValuesAsString("ifname")).containsExactly("lo", "vb");
        assertThat(view.tcpSockets(b)).extracting(Metrics.TcpSocket::local).allMatch(l -> l.endsWith(":7001") || l.endsWith(":7002"));
        assertThat(new HostView(new Commands()).linkStats(net.prefix() + "none")).isEmpty();
    }

    @Test
    void whenNetlinkFailsTheProcessesAnswerTheSame() throws Exception {
        awaitSs(a, "ESTAB", 2);
        awaitQuiet(a);
        NetlinkReader broken = NetlinkReader.open();
        broken.close(); // every read of a closed reader fails, as one would on a kernel that refuses
        Commands fallback = new Commands() {
            @Override
            java.util.Optional<NetlinkReader> netlink() {
                return java.util.Optional.of(broken);
            }
        };
        HostView view = new HostView(fallback);
        List<Metrics.TcpSocket> sockets = view.tcpSockets(a);
        JsonNode links = view.linkStats(a);
        JsonNode addresses = view.addresses(a);
        assertThat(fallback.started()).as("ss, ip -s link and ip addr ran").isEqualTo(3);
        assertThat(sockets).hasSize(2).containsExactlyInAnyOrderElementsOf(new HostView(new Commands()).tcpSockets(a));
        assertThat(links.findValuesAsString("ifname")).containsExactly("lo", "va");
        assertThat(links.path(1).path("stats64").path("tx").path("bytes").asLong()).isGreaterThan(2 * PAYLOAD);
        assertThat(Addresses.of(view, a, "va")).extracting(Addresses.Assigned::cidr)
                .contains("10.77.0.1/24", "10.78.0.1/32", "fd77::1/64");
        assertThat(addresses).isEqualTo(ipJson(a, "-j", "addr", "show"));
    }

    @Test
    void aDeletedNamespaceReadsAsNothingWithoutAProcess() {
        Commands counted = new Commands();
        HostView warm = new HostView(counted);
        assertThat(warm.linkStats(b).findValuesAsString("ifname")).containsExactly("lo", "vb");
        for (Process p : processes) {
            p.destroyForcibly(); // the listeners live in b
        }
        net.commands().check(List.of("ip", "netns", "del", b), null);
        HostView view = new HostView(counted);
        assertThat(view.linkStats(b)).isEmpty();
        assertThat(view.addresses(b)).isEmpty();
        assertThat(view.tcpSockets(b)).isEmpty();
        assertThat(counted.started()).as("processes started").isZero();
        // the namespace on the other end is still read, and its device lost its peer
        assertThat(view.linkStats(a).findValuesAsString("ifname")).contains("lo");
    }

    private static List<String> project(JsonNode infos, List<String> fields) {
        List<String> out = new ArrayList<>();
        for (JsonNode i : infos) {
            StringBuilder s = new StringBuilder();
            for (String f : fields) {
                s.append(f).append('=').append(i.path(f).asString("")).append(' ');
            }
            out.add(s.toString());
        }
        return out;
    }

    private JsonNode ipJson(String ns, String... args) {
        return JSON.readTree(net.commands().check(Commands.ip(ns, args), null));
    }

    private List<Metrics.TcpSocket> ss(String ns) {
        return TcpInfoParser.parse(net.commands().check(Commands.ss(ns, "-t", "-i", "-n", "-H"), null));
    }

    private static final int PAYLOAD = 1 << 20;

    /** Writes a megabyte into a client's standard input and leaves it open: the connection stays, idle. */
    private static void send(Process client) throws IOException {
        OutputStream in = client.getOutputStream();
        in.write(new byte[PAYLOAD]);
        in.flush();
    }

    /** Waits (up to 5 s) until every socket's send queue is empty and ss prints the same twice. */
    private void awaitQuiet(String ns) throws InterruptedException {
        long until = System.nanoTime() + 5_000_000_000L;
        String last = "";
        while (System.nanoTime() < until) {
            String now = net.commands().check(Commands.ss(ns, "-t", "-n", "-H"), null);
            boolean drained = now.lines().allMatch(l -> l.trim().split("\\s+")[2].equals("0"));
            if (drained && now.equals(last)) {
                Thread.sleep(300); // the last ACKs and their rtt samples
                return;
            }
            last = now;
            Thread.sleep(100);
        }
        throw new AssertionError("the connections in " + ns + " did not drain within 5 s");
    }

    private void awaitSs(String ns, String state, int count) throws InterruptedException {
        long until = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < until) {
            String out = net.commands().check(Commands.ss(ns, state.equals("LISTEN") ? "-tln" : "-tn", "-H"), null);
            if (out.lines().filter(l -> l.startsWith(state)).count() >= count) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(count + " sockets in " + state + " in " + ns + " not within 5 s");
    }

    private Process start(String ns, String... argv) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(argv));
        Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(p);
        return p;
    }
}
