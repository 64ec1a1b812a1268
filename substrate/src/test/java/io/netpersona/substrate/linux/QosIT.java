package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.Rate;
import io.netpersona.substrate.ApplyFailedException;
import io.netpersona.substrate.ChangeSet;
import io.netpersona.substrate.InvalidRequestException;
import io.netpersona.substrate.Metrics;
import io.netpersona.substrate.Observation;
import io.netpersona.substrate.Step;
import io.netpersona.substrate.linux.netlink.NetlinkReader;
import io.netpersona.substrate.linux.netlink.NftCommand;
import io.netpersona.substrate.linux.netlink.TcRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * spec.qos on the real kernel with real traffic. A host namespace with a bridge and two applications behind
 * it (probe, bulk), its uplink to a "wire" that shapes both directions to 20 Mbit/s with a deep FIFO (an
 * untuned device), and a "far" client behind the wire. A bulk upload (and download) through the wire makes
 * the probe's ping wait in the wire's FIFO; with the personas the queue forms in the host's HTB (uplink, and
 * IFB for what arrives), where the probe's class goes first.
 */
class QosIT {
    static final Rate WIRE = Rate.mbit(20);
    static final Pattern RTT = Pattern.compile("time=([0-9.]+) ms");
    TestNet net;
    String host;
    String probe;
    String bulk;
    String wire;
    String far;
    HostPicture picture;
    int runs;

    @BeforeEach
    void network() {
        net = new TestNet();
        host = net.ns("h");
        probe = net.ns("p");
        bulk = net.ns("b");
        wire = net.ns("w");
        far = net.ns("f");
        ip(host, "link", "add", "name", "br0", "type", "bridge");
        ip(host, "addr", "add", "10.88.1.1/24", "dev", "br0");
        ip(host, "link", "set", "br0", "up");
        net.link(probe, "eth0", "10.88.1.2/24", host, "vp", null);
        net.link(bulk, "eth0", "10.88.1.3/24", host, "vb", null);
        ip(host, "link", "set", "vp", "master", "br0");
        ip(host, "link", "set", "vb", "master", "br0");
        net.link(host, "up0", "10.88.2.1/24", wire, "w0", "10.88.2.2/24");
        net.link(wire, "w1", "10.88.3.1/24", far, "f0", "10.88.3.2/24");
        ip(probe, "route", "add", "default", "via", "10.88.1.1");
        ip(bulk, "route", "add", "default", "via", "10.88.1.1");
        ip(host, "route", "add", "default", "via", "10.88.2.2");
        ip(wire, "route", "add", "10.88.1.0/24", "via", "10.88.2.1");
        ip(far, "route", "add", "default", "via", "10.88.3.1");
        for (String ns : List.of(host, wire)) {
            assertThat(net.exec(ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1").ok()).isTrue();
        }
        for (String dev : List.of("w0", "w1")) { // 20 Mbit/s each way, 1000 packets of FIFO: ~600 ms when full
            tc(wire, "qdisc", "add", "dev", dev, "root", "handle", "9:", "htb", "default", "1");
            tc(wire, "class", "add", "dev", dev, "parent", "9:", "classid", "9:1", "htb", "rate", "20mbit", "ceil", "20mbit");
            tc(wire, "qdisc", "add", "dev", dev, "parent", "9:1", "handle", "91:", "pfifo", "limit", "1000");
        }
        picture = new HostPicture(List.of(new HostPicture.Host("h", host, "up0", WIRE, "ifb0", List.of(probe, bulk))));
    }

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    void ip(String ns, String... args) {
        net.commands().check(Commands.ip(ns, args), null);
    }

    void tc(String ns, String... args) {
        net.commands().check(Commands.tc(ns, args), null);
    }

    LinuxSubstrate substrate(Commands commands) {
        return new LinuxSubstrate(commands, net.stateDir(), picture, Clock.systemUTC());
    }

    Persona persona(String name, String netns, String qos) {
        return PersonaCodec.readYaml("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: %s}
                spec:
                  app: {netns: %s}
                  qos: %s
                """.formatted(name, netns, qos));
    }

    Persona probePersona() {
        return persona("probe", probe, "{priority: 0, dscp: EF, guaranteedRate: 2Mbit}");
    }

    Persona bulkPersona() {
        return persona("bulk", bulk, "{priority: 7}");
    }

    static ChangeSet apply(LinuxSubstrate s, Persona p) {
        ChangeSet cs = s.plan(s.observe(p), p);
        s.apply(cs);
        return cs;
    }

    @Test
    void theProbeKeepsItsLatencyWhileBulkFillsTheUplinkBothWays() throws Exception {
            Rtt idle = ping(3);
            Load upBare = loaded(false);
            Load downBare = loaded(true);
            LinuxSubstrate s = substrate(net.commands());
            apply(s, probePersona());
            apply(s, bulkPersona());
            Load up = loaded(false);
            Load down = loaded(true);
            Observation o = s.observe(bulkPersona());
            Observation probeState = s.observe(probePersona());
            System.out.printf("""
                    QosIT (20 Mbit/s wire, 1000-packet FIFO; probe ping -i 0.02, bulk iperf3 -P 4 -C cubic):
                      unloaded                 probe p50/p99 %s
                      upload, no personas      probe p50/p99 %s, bulk %.1f Mbit/s
                      download, no personas    probe p50/p99 %s, bulk %.1f Mbit/s
                      upload, personas         probe p50/p99 %s, bulk %.1f Mbit/s
                      download, personas       probe p50/p99 %s, bulk %.1f Mbit/s
                      bulk queues              %s
                      probe queues             %s
                    """, idle, upBare.rtt(), upBare.mbit(), downBare.rtt(), downBare.mbit(), up.rtt(), up.mbit(),
                    down.rtt(), down.mbit(), o.metrics().queues(), probeState.metrics().queues());

            assertThat(upBare.rtt().p99()).as("upload without personas fills the wire's FIFO").isGreaterThan(150);
            assertThat(downBare.rtt().p99()).as("download without personas fills the wire's FIFO").isGreaterThan(150);
            assertThat(up.rtt().p99()).as("upload with personas").isLessThan(idle.p99() + 30);
            assertThat(down.rtt().p99()).as("download with personas (IFB)").isLessThan(idle.p99() + 30);
            assertThat(up.mbit()).as("bulk upload throughput with personas").isGreaterThan(12);
            assertThat(down.mbit()).as("bulk download throughput with personas").isGreaterThan(12);
            // the bulk traffic went through the bulk classes, each way (frames count headers too, so at least the payload)
            assertThat(o.metrics().queues()).extracting(Metrics.Queue::device).containsExactlyInAnyOrder("up0", "ifb0");
            assertThat(o.metrics().queues()).allSatisfy(q -> assertThat(q.sentBytes())
                    .isGreaterThan(q.device().equals("up0") ? up.bytes() : down.bytes()));
            assertThat(probeState.metrics().queues()).hasSize(2).allSatisfy(q -> assertThat(q.drops()).isZero());
    }

    record Rtt(double p50, double p99, int received, int sent) {
        @Override
        public String toString() {
            return "%.1f / %.1f ms (%d/%d replies)".formatted(p50, p99, received, sent);
        }
    }

    record Load(Rtt rtt, double mbit, long bytes) {}

    /** The probe's RTT while bulk moves data for 5 s (upload, or download with {@code reverse}). */
    Load loaded(boolean reverse) throws Exception {
        String port = Integer.toString(5201 + runs++);
        Process server = start(far, "iperf3", "-s", "-1", "-p", port, "--forceflush");
        Process client = null;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<Void> listening = new CompletableFuture<>();
            Thread.startVirtualThread(() -> out.lines().filter(l -> l.contains("Server listening"))
                    .forEach(l -> listening.complete(null))); // and keeps the pipe drained
            listening.get(10, TimeUnit.SECONDS);
            List<String> argv = new ArrayList<>(List.of("iperf3", "-c", "10.88.3.2", "-p", port, "-P", "4", "-t", "5", "-C", "cubic", "-J"));
            if (reverse) {
                argv.add("-R");
            }
            client = start(bulk, argv.toArray(String[]::new));
            Thread.sleep(1500); // until the queue has formed
            Rtt rtt = ping(3);
            assertThat(client.waitFor(15, TimeUnit.SECONDS)).as("iperf3 ends").isTrue();
            JsonNode report = JsonMapper.builder().build().readTree(new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertThat(report.path("error").isMissingNode()).as("iperf3: " + report.path("error")).isTrue();
            JsonNode received = report.path("end").path("sum_received");
            return new Load(rtt, received.path("bits_per_second").asDouble() / 1e6, received.path("bytes").asLong());
        } finally {
            if (client != null) {
                client.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    Rtt ping(int seconds) {
        Commands.Result r = net.exec(probe, "ping", "-n", "-i", "0.02", "-w", Integer.toString(seconds), "10.88.3.2");
        List<Double> times = new ArrayList<>();
        Matcher m = RTT.matcher(r.stdout());
        while (m.find()) {
            times.add(Double.parseDouble(m.group(1)));
        }
        assertThat(times).as("ping replies: " + r.complaint()).hasSizeGreaterThan(20);
        times.sort(null);
        Matcher sent = Pattern.compile("(\\d+) packets transmitted").matcher(r.stdout());
        return new Rtt(times.get(times.size() / 2), times.get((int) Math.ceil(times.size() * 0.99) - 1), times.size(),
                sent.find() ? Integer.parseInt(sent.group(1)) : -1);
    }

    Process start(String ns, String... argv) throws Exception {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(argv));
        return new ProcessBuilder(full).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Test
    void applyingTwiceLeavesTheSecondPlanEmpty() {
        LinuxSubstrate s = substrate(net.commands());
        ChangeSet first = apply(s, probePersona());
        assertThat(first.steps()).extracting(st -> st.key().kind()).containsExactlyInAnyOrder("ifb-link", "tc-htb-root",
                "tc-htb-root", "tc-htb-class", "tc-htb-class", "tc-u32-dst", "tc-ingress-redirect", "nft-host", "nft-host-entries");
        assertThat(s.plan(s.observe(probePersona()), probePersona()).isEmpty()).isTrue();
        ChangeSet second = apply(s, bulkPersona());
        assertThat(second.steps()).extracting(st -> st.key().kind()).containsExactlyInAnyOrder("tc-htb-class", "tc-htb-class",
                "tc-u32-dst", "nft-host-entries");
        assertThat(s.plan(s.observe(bulkPersona()), bulkPersona()).isEmpty()).isTrue();
        assertThat(s.plan(s.observe(probePersona()), probePersona()).isEmpty()).isTrue();
        assertThat(s.observe(probePersona()).drift()).isEmpty();
    }

    @Test
    void removalLeavesNoTraceAndTheLastPersonaTakesTheHostPartWithIt() {
        Map<String, String> before = snapshots();
        LinuxSubstrate s = substrate(net.commands());
        apply(s, probePersona());
        apply(s, bulkPersona());
        assertThat(snapshots()).isNotEqualTo(before);

        ChangeSet first = s.planRemoval("probe");
        assertThat(first.steps()).extracting(st -> st.key().kind()).containsExactlyInAnyOrder("tc-htb-class", "tc-htb-class",
                "tc-u32-dst", "nft-host-entries");
        s.apply(first);
        assertThat(net.commands().check(Commands.tc(host, "class", "show", "dev", "ifb0"), null)).contains("1:2 ");
        assertThat(s.plan(s.observe(bulkPersona()), bulkPersona()).isEmpty()).as("bulk keeps the host part").isTrue();

        ChangeSet last = s.planRemoval("bulk");
        assertThat(last.steps()).extracting(Step::toString).anyMatch(st -> st.startsWith("- ifb-link"))
                .anyMatch(st -> st.startsWith("- nft-host " + host));
        s.apply(last);
        assertThat(snapshots()).isEqualTo(before);
        assertThat(new Records(net.stateDir()).all()).as("no record left").isEmpty();
        assertThat(s.planRemoval("bulk").isEmpty()).isTrue();
    }

    @Test
    void personasRemovedTogetherTakeTheHostPartWithThem() {
        Map<String, String> before = snapshots();
        LinuxSubstrate s = substrate(net.commands());
        s.applyAll(List.of(s.plan(s.observeState(probePersona()), probePersona()),
                s.plan(s.observeState(bulkPersona()), bulkPersona())));
        assertThat(snapshots()).isNotEqualTo(before);
        s.applyAll(s.planRemovals(List.of("probe", "bulk")));
        assertThat(snapshots()).isEqualTo(before);
        assertThat(new Records(net.stateDir()).all()).as("no record left").isEmpty();
    }

    @Test
    void aFailureAfterTheTcBatchLeavesTheHostExactlyAsBefore() {
        Map<String, String> before = snapshots();
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
        LinuxSubstrate s = substrate(failingNft);
        Persona p = probePersona();
        ChangeSet cs = s.plan(s.observe(p), p);
        assertThatThrownBy(() -> s.apply(cs))
                .isInstanceOf(ApplyFailedException.class)
                .hasMessageContaining("nft-host " + host + " inet netpersona")
                .hasMessageContaining("injected")
                .hasMessageContaining("the host was put back as it was");
        assertThat(snapshots()).isEqualTo(before);
        assertThat(new Records(net.stateDir()).all()).as("no record left").isEmpty();
    }

    @Test
    void aTcRequestRefusedInTheMiddleLeavesTheHostExactlyAsBefore() {
        Map<String, String> before = snapshots();
        List<String> sent = new java.util.ArrayList<>();
        Commands refusingTheFourth = new Commands() {
            @Override
            public Optional<NetlinkReader.Refused> tc(String scope, List<TcRequest> requests, boolean force) {
                if (force || requests.size() < 5) {
                    return super.tc(scope, requests, force);
                }
                // the first three reach the kernel: what a refusal part-way through leaves
                sent.add(scope);
                assertThat(super.tc(scope, requests.subList(0, 3), false)).isEmpty();
                return Optional.of(new NetlinkReader.Refused(3, "injected: the fourth request is refused"));
            }
        };
        // egress classes only (no IFB, whose ingress filters tc makes): the whole tc batch can go over netlink
        HostPicture egress = new HostPicture(List.of(new HostPicture.Host("h", host, "up0", WIRE, null, List.of(probe, bulk))));
        java.util.function.Function<Commands, LinuxSubstrate> substrate = c -> new LinuxSubstrate(c, net.stateDir(), egress,
                Clock.systemUTC());
        LinuxSubstrate s = substrate.apply(refusingTheFourth);
        Persona p = probePersona();
        Persona q = bulkPersona();
        List<ChangeSet> both = List.of(s.plan(s.observe(p), p), s.plan(s.observe(q), q));
        assertThatThrownBy(() -> s.applyAll(both))
                .isInstanceOf(ApplyFailedException.class)
                .hasMessageContaining("injected")
                .hasMessageContaining("tc-htb")
                .hasMessageContaining("the host was put back as it was");
        assertThat(sent).as("the tc batch went over netlink").isNotEmpty();
        assertThat(snapshots()).isEqualTo(before);
        assertThat(new Records(net.stateDir()).all()).as("no record left").isEmpty();

        // and without the refusal the same change sets apply, as tc would have applied them
        LinuxSubstrate fine = substrate.apply(net.commands());
        fine.applyAll(List.of(fine.plan(fine.observe(p), p), fine.plan(fine.observe(q), q)));
        Map<String, String> viaNetlink = snapshots();
        fine.applyAll(fine.planRemovals(List.of(p.name(), q.name())));
        assertThat(snapshots()).isEqualTo(before);
        LinuxSubstrate viaTc = substrate.apply(net.commands());
        viaTc.tcOverNetlink(false);
        viaTc.applyAll(List.of(viaTc.plan(viaTc.observe(p), p), viaTc.plan(viaTc.observe(q), q)));
        assertThat(snapshots()).isEqualTo(viaNetlink);
    }

    /** What a kill -9 does to an apply: the kernel changed, the process gone before its records were written. */
    static final class Crash extends Error {
        Crash() {
            super("simulated crash");
        }
    }

    @Test
    void anApplyCutShortByACrashIsUndoneByTheNextOperationOnTheStateFolder() {
        Map<String, String> before = snapshots();
        Commands dyingAfterNft = new Commands() {
            @Override
            public Result run(List<String> argv, String stdin) {
                Result r = super.run(argv, stdin);
                if (argv.contains("nft") && argv.contains("-f")) {
                    throw new Crash();
                }
                return r;
            }

            @Override
            public Optional<NetlinkReader.Refused> nftBatch(String scope, List<NftCommand> commands) {
                super.nftBatch(scope, commands);
                throw new Crash();
            }
        };
        LinuxSubstrate dying = substrate(dyingAfterNft);
        Persona p = probePersona();
        ChangeSet cs = dying.plan(dying.observe(p), p);
        assertThatThrownBy(() -> dying.apply(cs)).isInstanceOf(Crash.class);
        assertThat(snapshots()).as("the crash left the apply's work in the kernel").isNotEqualTo(before);

        LinuxSubstrate next = substrate(net.commands());
        assertThat(next.personas()).as("the records never changed").isEmpty();
        Observation o = next.observe(p);
        assertThat(snapshots()).as("undone before the observation").isEqualTo(before);
        assertThat(o.actual()).doesNotContainKey(cs.steps().getFirst().key());
        assertThat(new Records(net.stateDir()).unfinished()).isEmpty();
        apply(next, p);
        assertThat(next.personas()).containsExactly("probe");
    }

    @Test
    void changesByHandShowAsDriftAndTheNextPlanPutsThemRight() {
        List<String> ran = java.util.Collections.synchronizedList(new ArrayList<>());
        Commands logged = new Commands() {
            @Override
            public Result run(List<String> argv, String stdin) {
                ran.add(String.join(" ", argv));
                return super.run(argv, stdin);
            }
        };
        LinuxSubstrate s = substrate(logged);
        apply(s, probePersona());
        // the classes and qdiscs, their fingerprints and counters among them, are read over netlink (filters are
        // still read with tc: their JSON names matches and actions)
        java.util.function.Predicate<String> tcRead = c -> c.startsWith("tc ") && (c.contains(" qdisc show") || c.contains(" class show"));
        assertThat(ran).anyMatch(c -> c.startsWith("tc ") && c.endsWith(" -batch -")).noneMatch(tcRead);
        ran.clear();
        assertThat(s.observe(probePersona()).drift()).isEmpty();
        assertThat(ran).isNotEmpty().noneMatch(tcRead);
        tc(host, "class", "change", "dev", "up0", "parent", "1:1", "classid", classid("probe"), "htb", "rate", "3mbit", "ceil", "19mbit");
        net.commands().check(Commands.nft(host, "delete", "element", "inet", "netpersona", "qos_prio4", "{ 10.88.1.2 }"), null);
        Observation o = s.observe(probePersona());
        assertThat(o.drift()).anySatisfy(d -> assertThat(d).contains("tc-htb-class", "up0", "rate=2Mbit -> 3Mbit"));
        assertThat(o.drift()).anySatisfy(d -> assertThat(d).contains("nft-host-entries", "probe", "e:qos_prio4"));
        ChangeSet fix = s.plan(o, probePersona());
        assertThat(fix.steps()).hasSize(2).allSatisfy(st -> assertThat(st).isInstanceOf(Step.Modify.class));
        s.apply(fix);
        assertThat(s.observe(probePersona()).drift()).isEmpty();
        assertThat(net.commands().check(Commands.nft(host, "list", "map", "inet", "netpersona", "qos_prio4"), null))
                .contains("10.88.1.2 : " + classid("probe"));
        assertThat(net.commands().check(Commands.nft(host, "list", "map", "inet", "netpersona", "qos_dscp4"), null))
                .contains("10.88.1.2 : jump dscp_46");
    }

    @Test
    void refusesWhatTheHostCannotDoNamingTheField() {
        LinuxSubstrate s = substrate(net.commands());
        Persona tooMuch = persona("greedy", probe, "{guaranteedRate: 30Mbit}");
        assertThatThrownBy(() -> s.plan(s.observe(tooMuch), tooMuch))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("spec.qos.guaranteedRate: 30Mbit (expected: at most 18Mbit, what host h shapes its uplink up0");
        // the far namespace is behind no host and says nothing of its capacity
        Persona alone = persona("alone", far, "{priority: 1}");
        assertThatThrownBy(() -> s.plan(s.observe(alone), alone))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("spec.qos: the capacity of f0, the egress device of namespace " + far + ", is unknown");
        tc(host, "qdisc", "add", "dev", "up0", "root", "handle", "5:", "tbf", "rate", "1mbit", "burst", "10k", "latency", "50ms");
        assertThatThrownBy(() -> s.plan(s.observe(probePersona()), probePersona()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("spec.qos: host h: up0 has a root qdisc tbf 5: that netpersona did not make");
        assertThat(new Records(net.stateDir()).all()).as("no record left").isEmpty();
    }

    @Test
    void anApplicationBehindNoHostIsShapedOnItsOwnEgressDevice() {
        LinuxSubstrate s = substrate(net.commands());
        Persona p = persona("far-app", far, "{priority: 1, ceilRate: 10Mbit}");
        ChangeSet cs = apply(s, p);
        assertThat(cs.steps()).extracting(st -> st.key().toString()).containsExactlyInAnyOrder(
                "tc-htb-root " + far + " f0", "tc-htb-class " + far + " f0 " + classid("far-app"), "nft-table " + far + " netpersona-far-app");
        assertThat(net.commands().check(Commands.tc(far, "class", "show", "dev", "f0"), null)).contains("rate 9900Kbit ceil 9900Kbit");
        assertThat(s.plan(s.observe(p), p).isEmpty()).isTrue();
        s.apply(s.planRemoval(p.name()));
        assertThat(net.commands().check(Commands.tc(far, "qdisc", "show", "dev", "f0"), null)).doesNotContain("htb");
    }

    String classid(String persona) {
        return "1:" + Integer.toHexString(new Records(net.stateDir()).allocate(persona));
    }

    Map<String, String> snapshots() {
        return Map.of(host, net.snapshot(host), probe, net.snapshot(probe), bulk, net.snapshot(bulk));
    }
}
