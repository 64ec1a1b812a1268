package io.netpersona.substrate.linux;

import static io.netpersona.substrate.linux.FirewallIT.LOG_ALL_NETNS;
import static io.netpersona.substrate.linux.FirewallIT.tally;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.Rate;
import io.netpersona.substrate.ApplyFailedException;
import io.netpersona.substrate.ChangeSet;
import io.netpersona.substrate.Metrics;
import io.netpersona.substrate.Observation;
import io.netpersona.substrate.Step;
import io.netpersona.substrate.linux.netlink.NetlinkReader;
import io.netpersona.substrate.linux.netlink.NftCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * spec.security for applications behind a host, with real traffic: the host's one shared table
 * ({@code inet netpersona}) filters what it forwards. A client namespace (10.88.0.2, .3 and .6,
 * fd00:88::2) reaches the host over up0 (10.88.0.1, fd00:88::1); two applications (a: 10.88.1.2 and
 * fd00:88:1::2, b: 10.88.1.3) sit behind the host's bridge br0 (10.88.1.1, fd00:88:1::1). The host routes
 * between them. A dropped connection must time out: a RST would mean something answered for the application.
 */
class HostFirewallIT {
    static final int TIMEOUT_MS = 600;
    static final String A = "10.88.1.2";
    static final String B = "10.88.1.3";
    TestNet net;
    String host;
    String cli;
    String appA;
    String appB;
    LinuxSubstrate substrate;
    NetProbe.Handle cliProbe;
    NetProbe.Handle aProbe;
    NetProbe.Handle bProbe;

    @BeforeEach
    void network() throws Exception {
        net = new TestNet();
        host = net.ns("h");
        cli = net.ns("c");
        appA = net.ns("a");
        appB = net.ns("b");
        ip(host, "link", "add", "name", "br0", "type", "bridge");
        ip(host, "addr", "add", "10.88.1.1/24", "dev", "br0");
        ip(host, "addr", "add", "fd00:88:1::1/64", "dev", "br0", "nodad");
        ip(host, "link", "set", "br0", "up");
        net.link(appA, "eth0", A + "/24", host, "va", null);
        net.link(appB, "eth0", B + "/24", host, "vb", null);
        ip(host, "link", "set", "va", "master", "br0");
        ip(host, "link", "set", "vb", "master", "br0");
        ip(appA, "addr", "add", "fd00:88:1::2/64", "dev", "eth0", "nodad");
        net.link(host, "up0", "10.88.0.1/24", cli, "eth0", "10.88.0.2/24");
        ip(host, "addr", "add", "fd00:88::1/64", "dev", "up0", "nodad");
        for (String extra : List.of("10.88.0.3/24", "10.88.0.6/24")) {
            ip(cli, "addr", "add", extra, "dev", "eth0");
        }
        ip(cli, "addr", "add", "fd00:88::2/64", "dev", "eth0", "nodad");
        ip(cli, "route", "add", "default", "via", "10.88.0.1");
        ip(cli, "-6", "route", "add", "default", "via", "fd00:88::1");
        for (String app : List.of(appA, appB)) {
            ip(app, "route", "add", "default", "via", "10.88.1.1");
        }
        ip(appA, "-6", "route", "add", "default", "via", "fd00:88:1::1");
        assertThat(net.exec(host, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1").ok()).isTrue();
        substrate = substrate(net.commands());
        NetProbe.Handle c = NetProbe.Handle.start(cli, 60);
        NetProbe.Handle a = NetProbe.Handle.start(appA, 60);
        NetProbe.Handle b = NetProbe.Handle.start(appB, 60);
        cliProbe = c.ready();
        aProbe = a.ready();
        bProbe = b.ready();
        for (NetProbe.Handle app : List.of(aProbe, bProbe)) {
            for (String l : List.of("listen tcp 8080", "listen tcp 8081", "listen tcp 9090", "listen udp 5353")) {
                assertThat(app.ask(l)).isEqualTo("ok");
            }
        }
        assertThat(cliProbe.ask("listen tcp 7070")).isEqualTo("ok");
        assertThat(cliProbe.ask("listen tcp 7071")).isEqualTo("ok");
    }

    @AfterEach
    void cleanUp() {
        for (NetProbe.Handle h : new NetProbe.Handle[] {cliProbe, aProbe, bProbe}) {
            if (h != null) {
                h.close();
            }
        }
        if (net != null) {
            net.close();
        }
    }

    void ip(String ns, String... args) {
        net.commands().check(Commands.ip(ns, args), null);
    }

    LinuxSubstrate substrate(Commands commands) {
        // the firewall needs no IFB: only QoS shapes what arrives
        HostPicture picture = new HostPicture(List.of(new HostPicture.Host("h", host, "up0", Rate.mbit(100), null,
                List.of(appA, appB))));
        return new LinuxSubstrate(commands, net.stateDir(), picture, Clock.systemUTC());
    }

    Persona persona(String name, String netns, String security) {
        return PersonaCodec.readYaml("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: %s}
                spec:
                  app: {netns: %s}
                  security:
                %s""".formatted(name, netns, security.indent(4)));
    }

    ChangeSet apply(Persona p) {
        ChangeSet cs = substrate.plan(substrate.observe(p), p);
        substrate.apply(cs);
        return cs;
    }

    String to(String address, String command, String port) {
        return cliProbe.ask(command + " " + address + " " + port + " " + TIMEOUT_MS);
    }

    String prefix(Persona p) {
        return HostTable.prefix(new Records(net.stateDir()).allocate(p.name()));
    }

    /** The packets an address's element of a counting set of the host's table has counted, read straight from nft. */
    long counter(String set, String address) {
        String out = net.commands().check(Commands.nft(host, "list", "set", "inet", "netpersona", set), null);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(address)
                + " counter packets (\\d+) bytes").matcher(out);
        assertThat(m.find()).as(address + " in " + set + ":\n" + out).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void allowedPortsPassTheRestIsDroppedCountedAndLoggedAndTheHostIsLeftAsItWas() throws Exception {
        assertThat(to(A, "tcp", "9090")).isEqualTo("connected");
        Map<String, String> before = Map.of(host, net.snapshot(host), appA, net.snapshot(appA));
        Persona p = persona("fwa", appA, """
                defaultAction: drop
                allow:
                  - {direction: ingress, proto: tcp, port: 8080}
                  - {direction: ingress, proto: udp, port: 5353}
                logDropped: true""");
        assertThat(apply(p).steps()).extracting(st -> st.key().kind()).containsExactly("nft-host", "nft-host-entries");
        assertThat(net.commands().check(Commands.nft(appA, "list", "ruleset"), null)).as("nothing in the app's namespace")
                .isBlank();
        assertThat(to(A, "tcp", "8080")).isEqualTo("connected");
        assertThat(to("fd00:88:1::2", "tcp", "8080")).as("IPv6").isEqualTo("connected");
        assertThat(to(A, "udp", "5353")).isEqualTo("reply");
        long droppedBefore = counter("fw_dropped4", A);
        long metricDropped = substrate.observe(p).metrics().traffic().droppedPackets();
        String logSetting = Files.readString(LOG_ALL_NETNS).strip();
        Files.writeString(LOG_ALL_NETNS, "1"); // the kernel discards log lines from namespaces unless this is on
        try {
            assertThat(to(A, "tcp", "9090")).isEqualTo("timeout");
            assertThat(kernelLog()).as("the drop, logged in the host with the persona's name")
                    .containsPattern("netpersona fwa drop IN=up0 OUT=br0 MAC=" + mac(host, "up0") + ":" + mac(cli, "eth0")
                            + ".*SRC=10\\.88\\.0\\.2 DST=10\\.88\\.1\\.2 .*DPT=9090");
        } finally {
            Files.writeString(LOG_ALL_NETNS, logSetting);
        }
        assertThat(to("fd00:88:1::2", "tcp", "9090")).as("IPv6").isEqualTo("timeout");
        assertThat(to(A, "udp", "5354")).isEqualTo("timeout");
        // a SYN each time (the first retransmission comes after the timeout), a datagram
        assertThat(counter("fw_dropped4", A) - droppedBefore).as("the app's element of fw_dropped4").isGreaterThanOrEqualTo(2);
        Metrics m0 = substrate.observe(p).metrics();
        assertThat(m0.traffic().droppedPackets() - metricDropped).isGreaterThanOrEqualTo(3);

        assertThat(to(A, "hold", "8080")).isEqualTo("connected");
        Metrics m1 = substrate.observe(p).metrics();
        assertThat(to(A, "tcp", "8080")).isEqualTo("connected");
        assertThat(to(A, "udp", "5353")).isEqualTo("reply");
        long processes = net.commands().started();
        Metrics m2 = substrate.observe(p).metrics();
        long observeProcesses = net.commands().started() - processes;
        // the host's table (its elements carry the counters); the app's addresses, sockets and devices are read
        // over netlink, without a process
        assertThat(NetlinkReader.shared()).as(NetlinkReader.unavailabilityCause()).isPresent();
        assertThat(observeProcesses).isEqualTo(1);
        assertThat(m2.traffic().rxPackets()).as("rx packets").isGreaterThanOrEqualTo(m1.traffic().rxPackets() + 4);
        assertThat(m2.traffic().txPackets()).as("tx packets").isGreaterThanOrEqualTo(m1.traffic().txPackets() + 3);
        assertThat(m2.traffic().rxBytes()).isGreaterThan(m1.traffic().rxBytes());
        assertThat(m2.traffic().txBytes()).isGreaterThan(m1.traffic().txBytes());
        assertThat(m2.traffic().droppedPackets()).isEqualTo(m0.traffic().droppedPackets());
        assertThat(m2.sockets()).anySatisfy(s -> {
            assertThat(s.local()).endsWith(":8080");
            assertThat(s.peer()).contains("10.88.0.2");
            assertThat(s.state()).isEqualTo("ESTAB");
        });
        assertThat(m2.devices()).singleElement().satisfies(d -> {
            assertThat(d.name()).isEqualTo("eth0");
            assertThat(d.rxBytes()).isGreaterThanOrEqualTo(m2.traffic().rxBytes());
        });
        long beforeSample = net.commands().started();
        Metrics sampled = substrate.sample(List.of(p)).get(p.name());
        // the host's table; the app's sockets and devices over netlink; no state is read
        assertThat(net.commands().started() - beforeSample).isEqualTo(1);
        assertThat(sampled.traffic().rxPackets()).isGreaterThanOrEqualTo(m2.traffic().rxPackets());
        assertThat(sampled.traffic().droppedPackets()).isEqualTo(m2.traffic().droppedPackets());
        assertThat(sampled.sockets()).anySatisfy(s -> assertThat(s.local()).endsWith(":8080"));
        assertThat(sampled.devices()).hasSize(1);
        assertThat(cliProbe.ask("release")).isEqualTo("ok");
        System.out.printf("HostFirewallIT: observe in %d processes; host counters rx %d B / %d pkts, tx %d B / %d pkts, "
                + "dropped %d pkts%n", observeProcesses, m2.traffic().rxBytes(), m2.traffic().rxPackets(),
                m2.traffic().txBytes(), m2.traffic().txPackets(), m2.traffic().droppedPackets());

        assertThat(substrate.plan(substrate.observe(p), p).isEmpty()).as("a second apply has nothing to do").isTrue();

        // a port open to anyone is an element of the any-peer set (address . port)
        net.commands().check(Commands.nft(host, "delete", "element", "inet", "netpersona", "fw_in_udp4p",
                "{ " + A + " . 5353 }"), null);
        assertThat(to(A, "udp", "5353")).isEqualTo("timeout");
        Observation drifted = substrate.observe(p);
        assertThat(drifted.drift()).singleElement().asString().contains("nft-host-entries " + host + " fwa", "e:fw_in_udp4p");
        ChangeSet fix = substrate.plan(drifted, p);
        assertThat(fix.steps()).singleElement().isInstanceOf(Step.Modify.class);
        long rx = drifted.metrics().traffic().rxPackets();
        substrate.apply(fix);
        assertThat(to(A, "udp", "5353")).isEqualTo("reply");
        assertThat(substrate.observe(p).drift()).isEmpty();
        assertThat(substrate.observe(p).metrics().traffic().rxPackets()).as("the fix keeps the counters").isGreaterThan(rx);

        ChangeSet removal = substrate.planRemoval(p.name());
        assertThat(removal.steps()).extracting(Step::toString).anyMatch(s -> s.startsWith("- nft-host " + host));
        substrate.apply(removal);
        assertThat(Map.of(host, net.snapshot(host), appA, net.snapshot(appA))).isEqualTo(before);
        assertThat(to(A, "tcp", "9090")).isEqualTo("connected");
        assertThat(new Records(net.stateDir()).all()).as("no record left").isEmpty();
    }

    @Test
    void fromRestrictsSourcesAndEgressReachesOnlyAllowedDestinations() {
        assertThat(aProbe.ask("tcp 10.88.0.6 7070 " + TIMEOUT_MS)).isEqualTo("connected");
        Persona p = persona("fwa", appA, """
                defaultAction: drop
                allow:
                  - {direction: ingress, proto: tcp, port: 8080, from: 10.88.0.3/32}
                  - {direction: ingress, proto: tcp, port: 8080, from: fd00:88::2/128}
                  - {direction: egress, proto: tcp, to: 10.88.0.0/30, port: 7070}
                  - {direction: egress, proto: tcp, to: fd00:88::/64, port: 7071}""");
        apply(p);
        assertThat(cliProbe.ask("tcp " + A + " 8080 " + TIMEOUT_MS + " 10.88.0.3")).isEqualTo("connected");
        assertThat(cliProbe.ask("tcp " + A + " 8080 " + TIMEOUT_MS + " 10.88.0.2")).isEqualTo("timeout");
        assertThat(to("fd00:88:1::2", "tcp", "8080")).isEqualTo("connected");
        assertThat(aProbe.ask("tcp 10.88.0.2 7070 " + TIMEOUT_MS)).isEqualTo("connected");
        assertThat(aProbe.ask("tcp 10.88.0.3 7070 " + TIMEOUT_MS)).as("the /30 holds .3 too").isEqualTo("connected");
        assertThat(aProbe.ask("tcp 10.88.0.6 7070 " + TIMEOUT_MS)).as("outside the /30").isEqualTo("timeout");
        assertThat(aProbe.ask("tcp 10.88.0.2 7071 " + TIMEOUT_MS)).as("another port").isEqualTo("timeout");
        assertThat(aProbe.ask("tcp fd00:88::2 7071 " + TIMEOUT_MS)).isEqualTo("connected");
        assertThat(aProbe.ask("tcp fd00:88::2 7070 " + TIMEOUT_MS)).isEqualTo("timeout");
        assertThat(substrate.observe(p).metrics().traffic().droppedPackets()).isGreaterThanOrEqualTo(4);
        assertThat(substrate.plan(substrate.observe(p), p).isEmpty()).isTrue();
    }

    @Test
    void limitsRefuseABurstAndTooManyConnectionsFromOneSource() throws Exception {
        assertThat(tally(to(A, "burst", "8080 50"))).containsEntry("connected", 50);
        Persona rate = persona("fwa", appA, "limits: {newConnectionsPerSecond: 5}");
        apply(rate);
        assertThat(substrate.plan(substrate.observe(rate), rate).isEmpty()).as("a limit of 5 reads back as written").isTrue();
        Map<String, Integer> burst = tally(to(A, "burst", "8080 50"));
        // 5 at once (the burst) plus 5 a second while the burst lasts; every refused one timed out
        assertThat(burst.get("connected")).isBetween(1, 15);
        assertThat(burst.get("timeout")).isEqualTo(50 - burst.get("connected"));
        assertThat(tally(to(B, "burst", "8080 20"))).as("the other application has no limit").containsEntry("connected", 20);
        Thread.sleep(1200);
        Map<String, Integer> trickle = tally(to(A, "trickle", "8080 6 300"));
        System.out.println("HostFirewallIT newConnectionsPerSecond 5: burst of 50 " + burst + ", trickle of 6 at 300 ms " + trickle);
        assertThat(trickle).containsEntry("connected", 6);

        // the limit made anew with another rate, and a chain and sets added, in one transaction
        Persona perSource = persona("fwa", appA, "limits: {newConnectionsPerSecond: 50, connectionsPerSource: 3}");
        assertThat(apply(perSource).steps()).singleElement().isInstanceOf(Step.Modify.class);
        assertThat(net.commands().check(Commands.nft(host, "list", "set", "inet", "netpersona", "fw_newconn4"), null))
                .as("the application's element carries its own limit").contains(A + " limit rate over 50/second burst 50 packets");
        for (int i = 0; i < 3; i++) {
            assertThat(to(A, "hold", "8080")).isEqualTo("connected");
        }
        assertThat(to(A, "hold", "8080")).as("the 4th concurrent connection from 10.88.0.2").isEqualTo("timeout");
        assertThat(cliProbe.ask("hold " + A + " 8080 " + TIMEOUT_MS + " 10.88.0.3")).as("another source").isEqualTo("connected");
        assertThat(cliProbe.ask("release")).isEqualTo("ok");
        String again = "timeout";
        for (int i = 0; i < 5 && !again.equals("connected"); i++) {
            Thread.sleep(200); // closed connections stop counting once conntrack has seen them close
            again = to(A, "tcp", "8080");
        }
        assertThat(again).isEqualTo("connected");
        assertThat(substrate.plan(substrate.observe(perSource), perSource).isEmpty()).as("dynamic set elements are no drift")
                .isTrue();
    }

    @Test
    void twoApplicationsShareTheSkeletonAndKeepTheirOwnRules() {
        Map<String, String> before = Map.of(host, net.snapshot(host));
        Persona a = persona("fwa", appA, """
                defaultAction: drop
                allow:
                  - {direction: ingress, proto: tcp, port: 8080}
                  - {direction: egress, proto: tcp, to: 10.88.1.3/32, port: 8081}""");
        Persona b = persona("fwb", appB, "defaultAction: drop\nallow: [{direction: ingress, proto: tcp, port: 8081}]");
        apply(a);
        assertThat(apply(b).steps()).extracting(st -> st.key().kind()).as("the skeleton is there already")
                .containsExactly("nft-host-entries");
        assertThat(substrate.plan(substrate.observe(a), a).isEmpty()).isTrue();
        assertThat(substrate.plan(substrate.observe(b), b).isEmpty()).isTrue();
        long aDropped = substrate.observe(a).metrics().traffic().droppedPackets();
        long bDropped = substrate.observe(b).metrics().traffic().droppedPackets();
        assertThat(to(A, "tcp", "8080")).isEqualTo("connected");
        assertThat(to(B, "tcp", "8081")).isEqualTo("connected");
        assertThat(to(A, "tcp", "8081")).as("b's port on a").isEqualTo("timeout");
        long aAfter = substrate.observe(a).metrics().traffic().droppedPackets();
        assertThat(substrate.observe(b).metrics().traffic().droppedPackets()).as("a's drop is not b's").isEqualTo(bDropped);
        assertThat(to(B, "tcp", "8080")).as("a's port on b").isEqualTo("timeout");
        assertThat(aAfter).isGreaterThan(aDropped);
        assertThat(substrate.observe(a).metrics().traffic().droppedPackets()).as("b's drop is not a's").isEqualTo(aAfter);
        assertThat(substrate.observe(b).metrics().traffic().droppedPackets()).isGreaterThan(bDropped);
        // between the two applications over the host's bridge: the kernel hands bridged IP traffic to the
        // forward hook (bridge-nf-call-iptables, on by default where br_netfilter is built in, as here)
        assertThat(net.exec(host, "sysctl", "-n", "net.bridge.bridge-nf-call-iptables").stdout().strip()).isEqualTo("1");
        assertThat(aProbe.ask("tcp " + B + " 8081 " + TIMEOUT_MS)).as("a's egress and b's ingress allow it").isEqualTo("connected");
        assertThat(aProbe.ask("tcp " + B + " 9090 " + TIMEOUT_MS)).as("b's ingress does not").isEqualTo("timeout");
        assertThat(bProbe.ask("tcp " + A + " 8080 " + TIMEOUT_MS)).as("b's egress does not").isEqualTo("timeout");

        ChangeSet first = substrate.planRemoval(a.name());
        assertThat(first.steps()).extracting(st -> st.key().kind()).containsExactly("nft-host-entries");
        substrate.apply(first);
        assertThat(to(A, "tcp", "8081")).as("a is no longer filtered").isEqualTo("connected");
        assertThat(to(B, "tcp", "8081")).isEqualTo("connected");
        assertThat(to(B, "tcp", "8080")).as("b still is").isEqualTo("timeout");
        assertThat(substrate.plan(substrate.observe(b), b).isEmpty()).as("b keeps the skeleton").isTrue();

        substrate.apply(substrate.planRemoval(b.name()));
        assertThat(net.commands().run(Commands.nft(host, "list", "table", "inet", "netpersona"), null).ok()).isFalse();
        assertThat(Map.of(host, net.snapshot(host))).isEqualTo(before);
        assertThat(new Records(net.stateDir()).all()).as("no record left").isEmpty();
    }

    @Test
    void aFailedApplyLeavesTheHostExactlyAsBefore() throws Exception {
        Persona a = persona("fwa", appA, "defaultAction: drop\nallow: [{direction: ingress, proto: tcp, port: 8080}]");
        apply(a);
        String before = net.snapshot(host);
        Commands failingNft = new Commands() {
            @Override
            public Result run(List<String> argv, String stdin) {
                if (argv.contains("nft") && argv.contains("-f")) {
                    return new Result(argv, 1, "", "injected: the nft batch fails");
                }
                return super.run(argv, stdin);
            }

            /** The batch goes over netlink: it reaches the kernel, and then it is reported as failed. */
            @Override
            public Optional<NetlinkReader.Refused> nftBatch(String scope, List<NftCommand> commands) {
                assertThat(super.nftBatch(scope, commands)).isEmpty();
                return Optional.of(new NetlinkReader.Refused(0, "injected: the nft batch fails"));
            }
        };
        LinuxSubstrate failing = substrate(failingNft);
        Persona b = persona("fwb", appB, "defaultAction: drop\nallow: [{direction: ingress, proto: tcp, port: 8081}]");
        ChangeSet cs = failing.plan(failing.observe(b), b);
        assertThatThrownBy(() -> failing.apply(cs)).isInstanceOf(ApplyFailedException.class)
                .hasMessageContaining("nft-host-entries " + host + " fwb")
                .hasMessageContaining("injected")
                .hasMessageContaining("the host was put back as it was");
        assertThat(net.snapshot(host)).isEqualTo(before);
        assertThat(new Records(net.stateDir()).load("fwb")).as("no record left").isEmpty();

        // a step after the host's nft batch fails (b's resolv.conf cannot be written): b's elements, already in, come out
        Path resolv = Path.of(DnsCompiler.ROOT, appB, "resolv.conf");
        Files.createDirectories(resolv.resolve("in-the-way"));
        Persona bDns = PersonaCodec.readYaml("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: fwb}
                spec:
                  app: {netns: %s}
                  dns: {servers: [10.88.0.53]}
                  security: {defaultAction: drop, allow: [{direction: ingress, proto: tcp, port: 8081}]}
                """.formatted(appB));
        ChangeSet late = substrate.plan(substrate.observe(bDns), bDns);
        assertThatThrownBy(() -> substrate.apply(late)).isInstanceOf(ApplyFailedException.class)
                .hasMessageContaining("file (host) " + resolv)
                .hasMessageContaining("the host was put back as it was");
        assertThat(net.snapshot(host)).isEqualTo(before);
        assertThat(to(B, "tcp", "8081")).as("b's own port is not taken away by the failed apply").isEqualTo("connected");
        assertThat(to(B, "tcp", "9090")).as("nor was b left filtered").isEqualTo("connected");
        assertThat(to(A, "tcp", "8080")).isEqualTo("connected");
        assertThat(to(A, "tcp", "9090")).as("a's rules stay").isEqualTo("timeout");
        assertThat(substrate.plan(substrate.observe(a), a).isEmpty()).isTrue();
    }

    String mac(String ns, String dev) {
        String json = net.commands().check(Commands.ip(ns, "-j", "link", "show", "dev", dev), null);
        return json.replaceAll("(?s)^.*?\"address\":\"([0-9a-f:]+)\".*$", "$1");
    }

    String kernelLog() {
        Commands.Result r = net.commands().run(List.of("dmesg"), null);
        assertThat(r.ok()).as("dmesg must be readable here: " + r.complaint()).isTrue();
        return r.stdout();
    }
}
