package io.netpersona.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netpersona.substrate.linux.Commands;
import io.netpersona.substrate.linux.HostPictureCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.json.JsonMapper;

/**
 * The lab on the real kernel, with real traffic: one lab for the class (a prefix of its own, so it can run
 * next to a real lab), measured, broken with kill -9, rebuilt and removed. Cleans up also when a test
 * fails or the run is interrupted (down in @AfterAll, and a shutdown hook).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabIT {
    final String prefix = "lt" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt()).substring(1) + "-";
    Path state;
    LabConfig config;
    Lab lab;
    Thread hook;
    /** Measured once, by the first test that needs it, and kept whether that test's assertions pass or not. */
    private Pings unloaded;
    private Bulk bulk;

    /**
     * The unmanaged host under a bulk flow: its rates, the median backlog of the wire's FIFO (towards the site, and
     * from it), and the probe's round trips meanwhile (towards the site only).
     */
    record Bulk(double down, double up, long toSite, long fromSite, Pings loaded, String toSiteSender, String fromSiteSender) {
    }

    @BeforeAll
    void up() throws IOException {
        assumeTrue(Privileges.effectiveUidIsZero() && new Commands().run(List.of("ip", "netns", "list"), null).ok(),
                "skipped: the lab needs root to create network namespaces; its kernel tests run where root is available, as in CI");
        state = Files.createTempDirectory("netpersona-lab-it");
        config = LabConfig.builder().prefix(prefix).stateDir(state).build();
        hook = new Thread(() -> Lab.down(state, prefix));
        Runtime.getRuntime().addShutdownHook(hook);
        lab = Lab.up(config);
    }

    @AfterAll
    void down() {
        if (hook != null) {
            Lab.down(state, prefix);
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    String appA(String app) {
        return lab.layout().appAddress(Site.A, app);
    }

    Pings ping(String fromNs, String to, String... options) {
        List<String> argv = new java.util.ArrayList<>(List.of("ping", "-n", "-W", "2"));
        argv.addAll(List.of(options));
        argv.add(to);
        return Pings.of(lab.exec(fromNs, argv));
    }

    @Test
    @Order(1)
    void upBuildsTheLabAndStatusShowsIt() {
        LabStatus s = lab.status();
        assertThat(s.problems()).isEmpty();
        assertThat(s.state()).isEqualTo(LabStatus.State.UP);
        assertThat(s.namespaces()).extracting(LabStatus.NamespaceInfo::name).containsExactlyInAnyOrderElementsOf(lab.layout().namespaces())
                .hasSize(12).allMatch(n -> n.startsWith(prefix));
        assertThat(s.namespaces()).allMatch(LabStatus.NamespaceInfo::exists);
        assertThat(s.paths()).extracting(LabStatus.PathInfo::rateToSite, LabStatus.PathInfo::rateFromSite, LabStatus.PathInfo::fifoPackets,
                        LabStatus.PathInfo::delay, LabStatus.PathInfo::mtu)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("20Mbit", "20Mbit", 1000, "20ms", 1500),
                        org.assertj.core.groups.Tuple.tuple("20Mbit", "20Mbit", 1000, "40ms", 1400));
        assertThat(s.delayElement().alive()).isTrue();
        assertThat(s.delayElement().pid()).isEqualTo(lab.delayElementPid().getAsLong());
        assertThat(HostPictureCodec.read(lab.picturePath())).isEqualTo(lab.picture());
        var hostA = lab.picture().hosts().getFirst();
        assertThat(hostA.netns()).isEqualTo(prefix + "host-a");
        assertThat(hostA.uplink()).isEqualTo(prefix + "a-up");
        assertThat(hostA.ifb()).isEqualTo(prefix + "a-ifb");
        assertThat(hostA.capacity().toString()).isEqualTo("20Mbit");
        assertThat(hostA.apps()).containsExactly(prefix + "a-arena", prefix + "a-video", prefix + "a-db", prefix + "a-web", prefix + "a-backup");
        assertThat(lab.picture().hosts().get(1).apps()).isEmpty();
        // the JSON form, as persona lab status -o json prints it
        assertThat(JsonMapper.builder().build().writeValueAsString(s)).contains("\"state\":\"UP\"", "\"alive\":true");
    }

    @Test
    @Order(2)
    void eachPathHasItsBaseDelay() {
        Pings a = unloaded();
        Pings b = ping(lab.layout().client(1), lab.layout().uplinkAddress(Site.B), "-c", "20", "-i", "0.05");
        System.out.printf("unloaded RTT site-a: min %.1f p50 %.1f p99 %.1f ms; site-b: min %.1f p50 %.1f p99 %.1f ms%n",
                a.min(), a.percentile(50), a.percentile(99), b.min(), b.percentile(50), b.percentile(99));
        // twice the one-way delay: never less, and more only by scheduling noise
        assertThat(a.received()).isEqualTo(20);
        assertThat(a.min()).isBetween(40.0, 50.0);
        assertThat(a.percentile(50)).isBetween(40.0, 55.0);
        assertThat(b.received()).isEqualTo(20);
        assertThat(b.min()).isBetween(80.0, 90.0);
        assertThat(b.percentile(50)).isBetween(80.0, 95.0);
    }

    /** The probe's round trips to site-a's arena with nothing else on the path. */
    Pings unloaded() {
        if (unloaded == null) {
            unloaded = ping(lab.layout().client(1), appA("arena"), "-c", "20", "-i", "0.05");
        }
        return unloaded;
    }

    @Test
    @Order(3)
    void lossOnAPathDropsThatShareInEachDirection() {
        lab.setLoss(Site.A, 3);
        Pings p = ping(lab.layout().client(1), appA("web"), "-q", "-c", "1000", "-i", "0.005");
        LabStatus.PathInfo path = lab.status().paths().getFirst();
        lab.setLoss(Site.A, 0);
        double to = 100.0 * path.droppedToSite() / path.packetsToSite();
        double from = 100.0 * path.droppedFromSite() / path.packetsFromSite();
        System.out.printf("loss 3%%: to the site %.2f%% of %d, from it %.2f%% of %d; ping round trips lost %.2f%%%n",
                to, path.packetsToSite(), from, path.packetsFromSite(), p.lossPercent());
        assertThat(path.lossPercent()).isEqualTo(3.0);
        assertThat(path.packetsToSite()).isGreaterThanOrEqualTo(1000);
        // ~1000 packets each way: one standard deviation is ~0.55 points, both ways together ~0.38
        double both = 100.0 * (path.droppedToSite() + path.droppedFromSite()) / (path.packetsToSite() + path.packetsFromSite());
        assertThat(both).isBetween(1.5, 4.5);
        assertThat(to).isBetween(1.0, 5.5);
        assertThat(from).isBetween(1.0, 5.5);
        // a round trip crosses the lossy path twice: 1 - 0.97^2 = 5.9%
        assertThat(p.lossPercent()).isBetween(3.0, 9.0);
        Pings after = ping(lab.layout().client(1), appA("web"), "-q", "-c", "200", "-i", "0.005");
        assertThat(after.lossPercent()).isZero();
    }

    @Test
    @Order(4)
    void theSmallerMtuOfSiteBsPathRefusesLargerPackets() {
        String hostB = lab.layout().uplinkAddress(Site.B);
        Commands.Result tooBig = lab.exec(lab.layout().client(1), "ping", "-n", "-M", "do", "-c", "2", "-i", "0.3", "-W", "2", "-s", "1373", hostB);
        assertThat(tooBig.ok()).isFalse();
        assertThat(tooBig.stdout() + tooBig.stderr()).containsAnyOf("mtu = 1400", "mtu=1400");
        Commands.Result fits = lab.exec(lab.layout().client(1), "ping", "-n", "-M", "do", "-c", "1", "-W", "2", "-s", "1372", hostB);
        assertThat(fits.ok()).as(fits.complaint()).isTrue();
        Commands.Result siteA = lab.exec(lab.layout().client(1), "ping", "-n", "-M", "do", "-c", "1", "-W", "2", "-s", "1472", appA("db"));
        assertThat(siteA.ok()).as(siteA.complaint()).isTrue();
    }

    @Test
    @Order(5)
    void aBulkFlowGetsTheRateAndBloatsTheDeepFifo() throws Exception {
        Bulk b = bulk();
        double unloadedP99 = unloaded().percentile(99);
        System.out.printf("bulk TCP through 20Mbit: to the site %.1f Mbit/s, from it %.1f Mbit/s; the wire's FIFO holds %d and %d B"
                + " (medians); probe RTT unloaded p99 %.1f ms, loaded p50 %.1f p95 %.1f p99 %.1f ms; the senders: %s; %s%n",
                b.down(), b.up(), b.toSite(), b.fromSite(), unloadedP99, b.loaded().percentile(50), b.loaded().percentile(95),
                b.loaded().percentile(99), b.toSiteSender(), b.fromSiteSender());
        assertThat(b.down()).isBetween(15.0, 21.0);
        assertThat(b.up()).isBetween(15.0, 21.0);
        // the queue forms in the wire's 1000-packet FIFO (1.5 MB): cubic keeps hundreds of KB there, tens of
        // milliseconds each 50 KB at 20 Mbit/s, where unloaded is ~41
        assertThat(b.toSite()).isGreaterThan(BLOAT_BYTES);
        assertThat(b.fromSite()).isGreaterThan(BLOAT_BYTES);
        assertThat(b.loaded().percentile(50)).isGreaterThan(unloadedP99 + 40);
    }

    /** Bulk TCP through site-a's unmanaged uplink, in each direction, with the probe beside the first. */
    Bulk bulk() throws Exception {
        if (bulk != null) {
            return bulk;
        }
        String backup = lab.layout().app(Site.A, "backup"), client = lab.layout().client(1);
        Process server = lab.start(backup, List.of("iperf3", "-s", "-p", "5201"));
        try {
            awaitListening(backup, 5201);
            Process probe = lab.start(lab.layout().client(2), List.of("ping", "-n", "-i", "0.02", "-c", "160", appA("arena")));
            double down, up;
            long toSite, fromSite;
            SlowStart toSiteSender = SlowStart.before(lab, client);
            try (FifoSampler fifo = new FifoSampler(lab, lab.layout().wire(Site.A), lab.layout().wireToHost(Site.A))) {
                down = iperf(client, appA("backup"), false);
                toSite = fifo.median(SLOW_START_SAMPLES);
            }
            String toSiteExit = toSiteSender.exit();
            Pings loaded = Pings.parse(new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            probe.waitFor(10, TimeUnit.SECONDS);
            SlowStart fromSiteSender = SlowStart.before(lab, backup);
            try (FifoSampler fifo = new FifoSampler(lab, lab.layout().wire(Site.A), lab.layout().wireToRouter(Site.A))) {
                up = iperf(client, appA("backup"), true);
                fromSite = fifo.median(SLOW_START_SAMPLES);
            }
            bulk = new Bulk(down, up, toSite, fromSite, loaded, "to the site " + toSiteExit, "from it " + fromSiteSender.exit());
            return bulk;
        } finally {
            server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /**
     * What the QoS driver will do (DESIGN.md, "Where QoS acts"), done here by hand: an HTB a little below the
     * uplink's capacity on the host's uplink egress and on an IFB for its ingress, the probe's application in
     * a priority class. The lab must leave room for that: the queue then forms in the host, not in the
     * wire's FIFO, and the probe keeps its unloaded RTT in both directions.
     */
    @Test
    @Order(6)
    void aQueueInTheHostBelowCapacityTakesOverFromTheWire() throws Exception {
        String host = lab.layout().host(Site.A), up = lab.layout().uplink(Site.A), ifb = lab.layout().ifb(Site.A);
        List<String> tc = new java.util.ArrayList<>(List.of("qdisc add dev " + up + " handle ffff: ingress",
                "filter add dev " + up + " parent ffff: protocol ip u32 match u32 0 0 action mirred egress redirect dev " + ifb));
        for (String dev : List.of(up, ifb)) {
            // as the substrate shapes (QosCompiler; egress here at 95%, there at 99%), ingress at 90%, since what arrives was
            // paced by nobody here and at 95% the sender's bursts still queue in the wire (with 19mbit here, the probe's
            // p95 under an upload reached 103 ms against an unloaded p99 of 54 on a busy machine)
            String parent = dev.equals(ifb) ? "18mbit" : "19mbit", bulk = dev.equals(ifb) ? "16mbit" : "17mbit";
            tc.addAll(List.of("qdisc add dev " + dev + " root handle 1: htb default 20",
                    "class add dev " + dev + " parent 1: classid 1:1 htb rate " + parent + " ceil " + parent,
                    "class add dev " + dev + " parent 1:1 classid 1:10 htb rate 2mbit ceil " + parent + " prio 0",
                    "class add dev " + dev + " parent 1:1 classid 1:20 htb rate " + bulk + " ceil " + parent + " prio 1",
                    // leaves as the substrate's (TbfLeaf): a tbf that never throttles splits the bulk's 64 KB GSO packets,
                    // which a pfifo sends on whole, a 26 ms burst at 20 Mbit/s in the wire that the probe waited behind
                    // (seen: its p95 78.6 ms against an unloaded p99 of 44.3 with pfifo leaves)
                    "qdisc add dev " + dev + " parent 1:10 handle 10: tbf rate 190mbit burst 8kb limit 240kb",
                    "qdisc add dev " + dev + " parent 1:20 handle 20: tbf rate 190mbit burst 8kb limit 240kb"));
        }
        tc.add("filter add dev " + ifb + " parent 1: protocol ip prio 1 u32 match ip dst " + appA("arena") + "/32 flowid 1:10");
        Commands c = new Commands();
        c.check(List.of("ip", "-n", host, "link", "add", ifb, "type", "ifb"), null);
        c.check(List.of("ip", "-n", host, "link", "set", ifb, "up"), null);
        c.check(List.of("tc", "-n", host, "-batch", "-"), String.join("\n", tc) + "\n");
        c.check(List.of("ip", "netns", "exec", host, "nft", "-f", "-"), "table ip qos {\n chain post {\n  type filter hook postrouting priority 0;\n"
                + "  ip saddr " + appA("arena") + " meta priority set 1:10\n }\n}\n");
        // the unmanaged measurements first, before this test changes the host
        Bulk without = bulk();
        double unloadedP99 = unloaded().percentile(99);
        String backup = lab.layout().app(Site.A, "backup");
        Process server = lab.start(backup, List.of("iperf3", "-s", "-p", "5201"));
        try {
            awaitListening(backup, 5201);
            for (boolean reverse : List.of(false, true)) {
                Process probe = lab.start(lab.layout().client(2), List.of("ping", "-n", "-i", "0.02", "-c", "160", appA("arena")));
                String port = reverse ? lab.layout().wireToRouter(Site.A) : lab.layout().wireToHost(Site.A);
                double rate;
                long wire;
                List<Long> samples;
                try (FifoSampler fifo = new FifoSampler(lab, lab.layout().wire(Site.A), port)) {
                    rate = iperf(lab.layout().client(1), appA("backup"), reverse);
                    wire = fifo.median(SLOW_START_SAMPLES);
                    samples = fifo.after(SLOW_START_SAMPLES);
                }
                Pings managed = Pings.parse(new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                System.out.printf("managed host, bulk %s the site: %.1f Mbit/s; the wire's FIFO holds %d B (median; p90 %d B),"
                        + " against %d B without; probe RTT p50 %.1f p95 %.1f p99 %.1f ms%n", reverse ? "from" : "to", rate, wire,
                        samples.get(samples.size() * 9 / 10), reverse ? without.fromSite() : without.toSite(), managed.percentile(50),
                        managed.percentile(95), managed.percentile(99));
                assertThat(rate).isBetween(14.0, 20.0);
                // where the queue forms, from the kernel's counters: the host's queue keeps the wire's FIFO to a few
                // packets (a GSO burst in flight), where without it the same flow keeps hundreds of KB there
                assertThat(wire).as("the wire's FIFO with the host's queue").isLessThan(HOST_QUEUED_BYTES)
                        .isLessThan((reverse ? without.fromSite() : without.toSite()) / 10);
                // what a user of the game sees: its typical round trip stays the unloaded one (the median: a busy
                // machine's CPU stalls and the slow start's first overshoot reach a few percent of the pings), where the
                // bloated FIFO's median adds 90 ms and more
                assertThat(managed.percentile(50)).isLessThan(unloadedP99 + 15).isLessThan(without.loaded().percentile(50) - 40);
            }
        } finally {
            server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            c.run(List.of("ip", "-n", host, "link", "del", ifb), null);
            c.run(List.of("tc", "-n", host, "qdisc", "del", "dev", up, "root"), null);
            c.run(List.of("tc", "-n", host, "qdisc", "del", "dev", up, "ingress"), null);
            c.run(List.of("ip", "netns", "exec", host, "nft", "delete", "table", "ip", "qos"), null);
        }
    }

    /** FIFO samples (50 ms apart) of a transfer's first second: iperf3 connecting, then its slow start's overshoot. */
    static final int SLOW_START_SAMPLES = 20;
    /** A FIFO the bulk flow bloats: 100 full packets, 60 ms at 20 Mbit/s. */
    static final long BLOAT_BYTES = 150_000;
    /** A FIFO the host's queue keeps short: 20 full packets, 12 ms at 20 Mbit/s. */
    static final long HOST_QUEUED_BYTES = 30_000;

    void awaitListening(String ns, int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (!lab.exec(ns, "ss", "-Hltn", "sport = :" + port).stdout().isBlank()) {
                return;
            }
            Thread.sleep(30);
        }
        throw new AssertionError("nothing listens on port " + port + " in " + ns);
    }

    double iperf(String clientNs, String server, boolean reverse) {
        List<String> argv = new java.util.ArrayList<>(List.of("iperf3", "-c", server, "-p", "5201", "-t", "3", "-J"));
        if (reverse) {
            argv.add("-R");
        }
        Commands.Result r = lab.exec(clientNs, argv);
        assertThat(r.ok()).as(r.stdout() + r.stderr()).isTrue();
        return JsonMapper.builder().build().readTree(r.stdout()).path("end").path("sum_received").path("bits_per_second").asDouble() / 1e6;
    }

    @Test
    @Order(7)
    void theDelayOfARunningLabChanges() {
        lab.setDelay(Site.B, Duration.ofMillis(10));
        Pings b = ping(lab.layout().client(2), lab.layout().uplinkAddress(Site.B), "-c", "10", "-i", "0.05");
        assertThat(b.min()).isBetween(20.0, 30.0);
        assertThat(lab.status().paths().get(1).delay()).isEqualTo("10ms");
        lab.setDelay(Site.B, Duration.ofMillis(40));
    }

    @Test
    @Order(8)
    void upAfterACrashCleansAndRebuilds() throws Exception {
        long old = lab.delayElementPid().getAsLong();
        ProcessHandle element = ProcessHandle.of(old).orElseThrow();
        lab.exec(lab.layout().router(), "kill", "-9", Long.toString(old));
        element.onExit().get(5, TimeUnit.SECONDS);
        // a traffic generator left running in an application's namespace
        Process generator = lab.start(lab.layout().app(Site.A, "video"), List.of("sleep", "60"));
        LabStatus broken = lab.status();
        assertThat(broken.state()).isEqualTo(LabStatus.State.BROKEN);
        assertThat(broken.problems()).anyMatch(p -> p.contains("delay element (pid " + old + ") is not running"));

        lab = Lab.up(config);
        LabStatus s = lab.status();
        assertThat(s.problems()).isEmpty();
        assertThat(s.state()).isEqualTo(LabStatus.State.UP);
        assertThat(lab.delayElementPid().getAsLong()).isNotEqualTo(old);
        assertThat(generator.waitFor(5, TimeUnit.SECONDS)).as("the process left in the old lab's namespace was ended").isTrue();
        assertThat(lab.exec(lab.layout().router(), "ip", "netns", "pids", lab.layout().app(Site.A, "video")).stdout()).isBlank();
        Pings a = ping(lab.layout().client(1), appA("arena"), "-c", "3", "-i", "0.1");
        assertThat(a.received()).isEqualTo(3);
        assertThat(a.min()).isBetween(40.0, 50.0);
    }

    @Test
    @Order(9)
    void downLeavesNoNamespaceDeviceFileOrProcess() throws IOException {
        long pid = lab.delayElementPid().getAsLong();
        Files.createDirectories(Path.of("/etc/netns", prefix + "a-db")); // as the substrate's DNS field leaves it
        Files.writeString(Path.of("/etc/netns", prefix + "a-db", "resolv.conf"), "nameserver 10.201.1.1\n");
        String said = lab.down();
        assertThat(said).contains("removed 12 namespaces");
        assertThat(Cleaner.namespacesWith(prefix)).isEmpty();
        assertThat(new Commands().run(List.of("ip", "netns", "list"), null).stdout()).doesNotContain(prefix);
        assertThat(new Commands().run(List.of("ip", "-br", "link", "show"), null).stdout()).doesNotContain(prefix);
        try (var etc = Files.list(Path.of("/etc/netns"))) {
            assertThat(etc.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(prefix));
        }
        assertThat(state).doesNotExist();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(ProcessHandle.allProcesses().map(h -> String.join(" ", Cleaner.cmdline(Path.of("/proc", Long.toString(h.pid()))))))
                .noneMatch(c -> c.contains(prefix));
        assertThat(Lab.status(state, prefix).state()).isEqualTo(LabStatus.State.DOWN);
    }
}
