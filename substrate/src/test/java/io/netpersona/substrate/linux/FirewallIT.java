package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.substrate.ChangeSet;
import io.netpersona.substrate.Metrics;
import io.netpersona.substrate.Observation;
import io.netpersona.substrate.Step;
import io.netpersona.substrate.linux.netlink.NetlinkReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * spec.security with real traffic: an application namespace (10.88.0.1, fd00:88::1) and a client
 * namespace (10.88.0.2 and 10.88.0.3, fd00:88::2) joined by a veth pair, each with a {@link NetProbe}.
 * A dropped connection must time out: a RST would mean something answered for the application.
 */
class FirewallIT {
    static final int TIMEOUT_MS = 800;
    TestNet net;
    LinuxSubstrate substrate;
    String app;
    String cli;
    NetProbe.Handle appProbe;
    NetProbe.Handle cliProbe;

    @BeforeEach
    void hosts() throws Exception {
        net = new TestNet();
        app = net.ns("app");
        cli = net.ns("cli");
        net.link(app, "eth0", "10.88.0.1/24", cli, "eth0", "10.88.0.2/24");
        net.commands().check(Commands.ip(cli, "addr", "add", "10.88.0.3/24", "dev", "eth0"), null);
        net.commands().check(Commands.ip(app, "addr", "add", "fd00:88::1/64", "dev", "eth0", "nodad"), null);
        net.commands().check(Commands.ip(cli, "addr", "add", "fd00:88::2/64", "dev", "eth0", "nodad"), null);
        substrate = new LinuxSubstrate(net.commands(), net.stateDir(), HostPicture.none(), Clock.systemUTC());
        NetProbe.Handle a = NetProbe.Handle.start(app, 50);
        NetProbe.Handle c = NetProbe.Handle.start(cli, 50);
        appProbe = a.ready();
        cliProbe = c.ready();
        for (String l : List.of("listen tcp 8080", "listen tcp 9090", "listen udp 5353")) {
            assertThat(appProbe.ask(l)).isEqualTo("ok");
        }
        assertThat(cliProbe.ask("listen tcp 7070")).isEqualTo("ok");
    }

    @AfterEach
    void cleanUp() {
        for (NetProbe.Handle h : new NetProbe.Handle[] {appProbe, cliProbe}) {
            if (h != null) {
                h.close();
            }
        }
        if (net != null) {
            net.close();
        }
    }

    Persona persona(String security) {
        return PersonaCodec.readYaml("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: fw-%s}
                spec:
                  app: {netns: %s}
                  security:
                %s""".formatted(net.prefix(), app, security.indent(4)));
    }

    ChangeSet apply(Persona p) {
        ChangeSet cs = substrate.plan(substrate.observe(p), p);
        substrate.apply(cs);
        return cs;
    }

    String toApp(String command, String port) {
        return cliProbe.ask(command + " 10.88.0.1 " + port + " " + TIMEOUT_MS);
    }

    @Test
    void allowedPortsPassTheRestIsDroppedCountedAndLogged() throws Exception {
        assertThat(toApp("tcp", "8080")).isEqualTo("connected");
        assertThat(toApp("tcp", "9090")).isEqualTo("connected");
        assertThat(toApp("udp", "5353")).isEqualTo("reply");
        String before = net.snapshot(app);
        Persona p = persona("""
                defaultAction: drop
                allow:
                  - {direction: ingress, proto: tcp, port: 8080}
                  - {direction: ingress, proto: udp, port: 5353}
                logDropped: true""");
        String logSetting = Files.readString(LOG_ALL_NETNS).strip();
        // the kernel discards log lines from namespaces unless this machine-wide switch is on
        Files.writeString(LOG_ALL_NETNS, "1");
        try {
            assertThat(apply(p).steps()).singleElement().isInstanceOf(Step.Create.class);
            assertThat(toApp("tcp", "8080")).isEqualTo("connected");
            assertThat(cliProbe.ask("tcp fd00:88::1 8080 " + TIMEOUT_MS)).as("IPv6, so neighbour discovery passes")
                    .isEqualTo("connected");
            assertThat(toApp("udp", "5353")).isEqualTo("reply");
            long dropped = substrate.observe(p).metrics().traffic().droppedPackets();
            assertThat(toApp("tcp", "9090")).isEqualTo("timeout");
            assertThat(substrate.observe(p).metrics().traffic().droppedPackets()).isGreaterThan(dropped);
            assertThat(kernelLog()).contains("netpersona " + p.name() + " drop IN=eth0");
        } finally {
            Files.writeString(LOG_ALL_NETNS, logSetting);
        }

        assertThat(toApp("hold", "8080")).isEqualTo("connected");
        Metrics m1 = substrate.observe(p).metrics();
        assertThat(toApp("tcp", "8080")).isEqualTo("connected");
        long processes = net.commands().started();
        long start = System.nanoTime();
        Metrics m2 = substrate.observe(p).metrics();
        long observeMs = (System.nanoTime() - start) / 1_000_000;
        // the table and its counters: one process each, however many rules; the sockets and the devices
        // are read over netlink, without a process
        assertThat(NetlinkReader.shared()).as(NetlinkReader.unavailabilityCause()).isPresent();
        assertThat(net.commands().started() - processes).isEqualTo(2);
        assertThat(m2.traffic().rxPackets()).isGreaterThan(m1.traffic().rxPackets());
        assertThat(m2.traffic().rxBytes()).isGreaterThan(m1.traffic().rxBytes());
        assertThat(m2.traffic().txBytes()).isGreaterThan(m1.traffic().txBytes());
        assertThat(m2.sockets()).anySatisfy(s -> {
            assertThat(s.local()).endsWith(":8080");
            assertThat(s.peer()).contains("10.88.0.2");
            assertThat(s.state()).isEqualTo("ESTAB");
            assertThat(s.congestionControl()).isIn("cubic", "bbr", "reno");
            assertThat(s.rttMs()).isPositive();
        });
        assertThat(m2.devices()).singleElement().satisfies(d -> {
            assertThat(d.name()).isEqualTo("eth0");
            // the device also carries what the firewall refused, and counts link-layer headers
            assertThat(d.rxBytes()).isGreaterThanOrEqualTo(m2.traffic().rxBytes());
        });
        assertThat(cliProbe.ask("release")).isEqualTo("ok");
        System.out.printf("observe in %d ms; firewall metrics: rx %d B / %d pkts, tx %d B / %d pkts, dropped %d pkts; %s%n",
                observeMs, m2.traffic().rxBytes(), m2.traffic().rxPackets(), m2.traffic().txBytes(), m2.traffic().txPackets(),
                m2.traffic().droppedPackets(), m2.sockets());

        assertThat(substrate.plan(substrate.observe(p), p).isEmpty()).as("a second apply has nothing to do").isTrue();

        deleteRuleByHand(p, "udp dport @in_udp accept");
        assertThat(toApp("udp", "5353")).isEqualTo("timeout");
        Observation drifted = substrate.observe(p);
        assertThat(drifted.drift()).singleElement().asString()
                .contains("nft-table " + app + " netpersona-" + p.name(), "lost udp dport @in_udp accept");
        ChangeSet fix = substrate.plan(drifted, p);
        assertThat(fix.steps()).singleElement().isInstanceOf(Step.Modify.class);
        substrate.apply(fix);
        assertThat(toApp("udp", "5353")).isEqualTo("reply");
        assertThat(substrate.observe(p).drift()).isEmpty();

        substrate.apply(substrate.planRemoval(p.name()));
        assertThat(net.snapshot(app)).isEqualTo(before);
        assertThat(toApp("tcp", "9090")).isEqualTo("connected");
        assertThat(new Records(net.stateDir()).load(p.name())).as("no record left").isEmpty();
    }

    @Test
    void egressReachesOnlyAllowedDestinationsAndFromRestrictsSources() {
        assertThat(appProbe.ask("tcp 10.88.0.3 7070 " + TIMEOUT_MS)).isEqualTo("connected");
        assertThat(cliProbe.ask("tcp 10.88.0.1 8080 " + TIMEOUT_MS + " 10.88.0.2")).isEqualTo("connected");
        Persona p = persona("""
                defaultAction: drop
                allow:
                  - {direction: egress, proto: tcp, to: 10.88.0.2/32, port: 7070}
                  - {direction: ingress, proto: tcp, port: 8080, from: 10.88.0.3/32}""");
        apply(p);
        assertThat(appProbe.ask("tcp 10.88.0.2 7070 " + TIMEOUT_MS)).isEqualTo("connected");
        assertThat(appProbe.ask("tcp 10.88.0.3 7070 " + TIMEOUT_MS)).isEqualTo("timeout");
        assertThat(cliProbe.ask("tcp 10.88.0.1 8080 " + TIMEOUT_MS + " 10.88.0.3")).isEqualTo("connected");
        assertThat(cliProbe.ask("tcp 10.88.0.1 8080 " + TIMEOUT_MS + " 10.88.0.2")).isEqualTo("timeout");
        assertThat(substrate.observe(p).metrics().traffic().droppedPackets()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void limitsRefuseABurstAndTooManyConnectionsFromOneSource() throws Exception {
        assertThat(tally(toApp("burst", "8080 50"))).containsEntry("connected", 50);
        Persona rate = persona("limits: {newConnectionsPerSecond: 5}");
        apply(rate);
        Map<String, Integer> burst = tally(toApp("burst", "8080 50"));
        // 5 at once (the burst) plus 5 a second while the burst lasts; every refused one timed out
        assertThat(burst.get("connected")).isBetween(1, 15);
        assertThat(burst.get("timeout")).isEqualTo(50 - burst.get("connected"));
        Thread.sleep(1200);
        Map<String, Integer> trickle = tally(toApp("trickle", "8080 6 300"));
        System.out.println("newConnectionsPerSecond 5: burst of 50 " + burst + ", trickle of 6 at 300 ms " + trickle);
        assertThat(trickle).containsEntry("connected", 6);

        Persona perSource = persona("limits: {connectionsPerSource: 3}");
        assertThat(apply(perSource).steps()).singleElement().isInstanceOf(Step.Modify.class);
        for (int i = 0; i < 3; i++) {
            assertThat(toApp("hold", "8080")).isEqualTo("connected");
        }
        assertThat(toApp("hold", "8080")).as("the 4th concurrent connection from 10.88.0.2").isEqualTo("timeout");
        assertThat(cliProbe.ask("hold 10.88.0.1 8080 " + TIMEOUT_MS + " 10.88.0.3")).as("another source")
                .isEqualTo("connected");
        assertThat(cliProbe.ask("release")).isEqualTo("ok");
        // closed connections stop counting once conntrack has seen them close
        String again = "timeout";
        for (int i = 0; i < 5 && !again.equals("connected"); i++) {
            Thread.sleep(200);
            again = toApp("tcp", "8080");
        }
        assertThat(again).isEqualTo("connected");
        assertThat(substrate.plan(substrate.observe(perSource), perSource).isEmpty()).as("dynamic set elements are no drift")
                .isTrue();
    }

    static final Path LOG_ALL_NETNS = Path.of("/proc/sys/net/netfilter/nf_log_all_netns");

    String kernelLog() {
        Commands.Result r = net.commands().run(List.of("dmesg"), null);
        assertThat(r.ok()).as("dmesg must be readable here: " + r.complaint()).isTrue();
        return r.stdout();
    }

    void deleteRuleByHand(Persona p, String rule) {
        String table = FirewallScript.table(p.name());
        String listing = net.commands().check(Commands.nft(app, "-a", "list", "chain", "inet", table, "input"), null);
        String handle = listing.lines().filter(l -> l.strip().startsWith(rule + " # handle ")).findFirst().orElseThrow()
                .replaceAll(".*# handle ", "").strip();
        net.commands().check(Commands.nft(app, "delete", "rule", "inet", table, "input", "handle", handle), null);
    }

    static Map<String, Integer> tally(String answer) {
        Map<String, Integer> m = new TreeMap<>();
        for (String kv : answer.split(" ")) {
            String[] p = kv.split("=");
            m.put(p[0], Integer.parseInt(p[1]));
        }
        return m;
    }
}
