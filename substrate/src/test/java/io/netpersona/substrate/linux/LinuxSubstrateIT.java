package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.substrate.ApplyFailedException;
import io.netpersona.substrate.Capabilities;
import io.netpersona.substrate.ChangeSet;
import io.netpersona.substrate.InvalidRequestException;
import io.netpersona.substrate.Observation;
import io.netpersona.substrate.Step;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The driver's core on the real kernel, with the MTU and DNS fields: apply, observe, drift, remove, rollback. */
class LinuxSubstrateIT {
    TestNet net;
    LinuxSubstrate substrate;
    String a;
    String b;

    @BeforeEach
    void hosts() {
        net = new TestNet();
        a = net.ns("a");
        b = net.ns("b");
        net.link(a, "eth0", "10.77.0.1/24", b, "eth0", "10.77.0.2/24");
        substrate = new LinuxSubstrate(net.commands(), net.stateDir(), HostPicture.none(), Clock.systemUTC());
    }

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    Persona persona(String netns, String spec) {
        return PersonaCodec.readYaml("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: app-%s}
                spec:
                  app: {netns: %s}
                %s""".formatted(netns.substring(net.prefix().length()), netns, spec.indent(2)));
    }

    ChangeSet applyPersona(Persona p) {
        ChangeSet cs = substrate.plan(substrate.observe(p), p);
        substrate.apply(cs);
        return cs;
    }

    @Test
    void packetsLargerThanTheMtuAreRefused() {
        Commands.Result before = net.exec(a, "ping", "-M", "do", "-c", "1", "-W", "2", "-s", "1400", "10.77.0.2");
        assertThat(before.ok()).as("1428-byte packet at MTU 1500: " + before.complaint()).isTrue();
        applyPersona(persona(a, "mtu: 1400"));
        Commands.Result tooBig = net.exec(a, "ping", "-M", "do", "-c", "1", "-W", "2", "-s", "1373", "10.77.0.2");
        assertThat(tooBig.ok()).isFalse();
        assertThat(tooBig.stdout() + tooBig.stderr()).containsIgnoringCase("message too long");
        Commands.Result fits = net.exec(a, "ping", "-M", "do", "-c", "1", "-W", "2", "-s", "1372", "10.77.0.2");
        assertThat(fits.ok()).as(fits.complaint()).isTrue();
    }

    @Test
    void theNamespaceResolvesThroughThePersonasDnsServer() throws Exception {
        Process dns = new ProcessBuilder("ip", "netns", "exec", b, ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), FakeDns.class.getName(), "10.77.0.2", "10.9.8.7", "30")
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(dns.getInputStream()));
            assertThat(out.readLine()).isEqualTo("ready");
            Commands.Result without = net.exec(a, "getent", "hosts", "probe.lab");
            assertThat(without.stdout()).doesNotContain("10.9.8.7");
            applyPersona(persona(a, "dns: {servers: [10.77.0.2], search: [lab]}"));
            Commands.Result with = net.exec(a, "getent", "hosts", "probe.lab");
            assertThat(with.ok()).as(with.complaint()).isTrue();
            assertThat(with.stdout()).startsWith("10.9.8.7").contains("probe.lab");
            Commands.Result search = net.exec(a, "getent", "hosts", "probe");
            assertThat(search.stdout()).startsWith("10.9.8.7");
        } finally {
            dns.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void applyingTwiceLeavesTheSecondPlanEmpty() {
        Persona p = persona(a, "mtu: 1400\ndns: {servers: [10.77.0.2]}");
        ChangeSet first = applyPersona(p);
        assertThat(first.steps()).hasSize(2);
        assertThat(substrate.plan(substrate.observe(p), p).isEmpty()).isTrue();
    }

    @Test
    void removalLeavesNoTrace() {
        String nsBefore = net.snapshot(a);
        Persona p = persona(a, "mtu: 1300\ndns: {servers: [10.77.0.2]}");
        applyPersona(p);
        assertThat(net.snapshot(a)).isNotEqualTo(nsBefore);
        ChangeSet removal = substrate.planRemoval(p.name());
        assertThat(removal.steps()).hasSize(2);
        substrate.apply(removal);
        assertThat(net.snapshot(a)).isEqualTo(nsBefore);
        assertThat(Path.of("/etc/netns", a)).doesNotExist();
        assertThat(new Records(net.stateDir()).load(p.name())).as("no record left").isEmpty();
        assertThat(substrate.planRemoval(p.name()).isEmpty()).isTrue();
    }

    @Test
    void aChangeByHandShowsAsDriftAndTheNextPlanPutsItRight() {
        Persona p = persona(a, "mtu: 1400");
        applyPersona(p);
        net.commands().check(Commands.ip(a, "link", "set", "dev", "eth0", "mtu", "1500"), null);
        Observation o = substrate.observe(p);
        assertThat(o.drift()).singleElement().asString().contains("link-mtu", "eth0", "1400 -> 1500");
        ChangeSet fix = substrate.plan(o, p);
        assertThat(fix.steps()).singleElement().isInstanceOf(Step.Modify.class);
        substrate.apply(fix);
        assertThat(net.commands().check(Commands.ip(a, "-j", "link", "show", "eth0"), null)).contains("\"mtu\":1400");
        assertThat(substrate.observe(p).drift()).isEmpty();
    }

    @Test
    void aFailureInTheMiddleLeavesTheHostExactlyAsBefore() throws Exception {
        // the resolv.conf step cannot be written (its folder is a file), after the MTU step has been applied
        String before = net.snapshot(a);
        Path blocker = Path.of("/etc/netns", a);
        Files.createDirectories(blocker.getParent());
        Files.writeString(blocker, "not a folder");
        try {
            Persona p = persona(a, "mtu: 1280\ndns: {servers: [10.77.0.2]}");
            ChangeSet cs = substrate.plan(substrate.observe(p), p);
            assertThatThrownBy(() -> substrate.apply(cs))
                    .isInstanceOf(ApplyFailedException.class)
                    .hasMessageContaining("file (host) /etc/netns/" + a + "/resolv.conf")
                    .hasMessageContaining("the host was put back as it was");
            Files.delete(blocker);
            assertThat(net.snapshot(a)).isEqualTo(before);
            assertThat(new Records(net.stateDir()).load(p.name())).as("no record left").isEmpty();
        } finally {
            Files.deleteIfExists(blocker);
        }
    }

    @Test
    void severalPersonasApplyAsOneTransaction() throws Exception {
        Persona pa = persona(a, "mtu: 1400");
        Persona pb = persona(b, "mtu: 1300\ndns: {servers: [10.77.0.1]}");
        String beforeA = net.snapshot(a), beforeB = net.snapshot(b);
        Path blocker = Path.of("/etc/netns", b);
        Files.createDirectories(blocker.getParent());
        Files.writeString(blocker, "not a folder");
        try {
            List<ChangeSet> both = List.of(substrate.plan(substrate.observe(pa), pa), substrate.plan(substrate.observe(pb), pb));
            assertThatThrownBy(() -> substrate.applyAll(both)).isInstanceOf(ApplyFailedException.class);
            Files.delete(blocker);
            assertThat(net.snapshot(a)).isEqualTo(beforeA);
            assertThat(net.snapshot(b)).isEqualTo(beforeB);
            assertThat(substrate.personas()).isEmpty();
        } finally {
            Files.deleteIfExists(blocker);
        }
        substrate.applyAll(List.of(substrate.plan(substrate.observe(pa), pa), substrate.plan(substrate.observe(pb), pb)));
        assertThat(net.commands().check(Commands.ip(a, "-j", "link", "show", "eth0"), null)).contains("\"mtu\":1400");
        assertThat(net.commands().check(Commands.ip(b, "-j", "link", "show", "eth0"), null)).contains("\"mtu\":1300");
        assertThat(substrate.personas()).containsExactlyInAnyOrder(pa.name(), pb.name());
        assertThat(substrate.applied(pb.name())).contains(pb);
    }

    @Test
    void revertPutsBackThePreviousPersona() {
        Persona first = persona(a, "mtu: 1400");
        applyPersona(first);
        Persona second = persona(a, "mtu: 1280");
        var applied = substrate.apply(substrate.plan(substrate.observe(second), second));
        assertThat(applied.previous()).isEqualTo(first);
        substrate.revert(applied);
        assertThat(net.commands().check(Commands.ip(a, "-j", "link", "show", "eth0"), null)).contains("\"mtu\":1400");
        assertThat(substrate.applied(first.name())).contains(first);
        assertThat(substrate.plan(substrate.observe(first), first).isEmpty()).isTrue();
    }

    @Test
    void onePerCommandLeavesTheSameKernelStateAsBatches() {
        Persona p = persona(a, """
                mtu: 1400
                tcp: {congestionControl: bbr}
                security:
                  defaultAction: drop
                  allow:
                    - {direction: ingress, proto: tcp, port: 8080}
                    - {direction: egress, proto: tcp, to: 10.77.0.0/24, port: 5432}
                  limits: {newConnectionsPerSecond: 50, connectionsPerSource: 5}
                  logDropped: true""");
        ChangeSet plan = substrate.plan(substrate.observe(p), p);
        long started = net.commands().started();
        substrate.apply(plan);
        long batched = net.commands().started() - started;
        String viaBatches = net.snapshot(a);
        substrate.apply(substrate.planRemoval(p.name()));
        substrate.applyOnePerCommand(true);
        plan = substrate.plan(substrate.observe(p), p);
        started = net.commands().started();
        substrate.apply(plan);
        long separate = net.commands().started() - started;
        assertThat(net.snapshot(a)).isEqualTo(viaBatches);
        assertThat(separate).as("processes one per command vs batched (%s)", batched).isGreaterThan(batched + 15);
        substrate.applyOnePerCommand(false);
        assertThat(substrate.plan(substrate.observe(p), p).isEmpty()).isTrue();
    }

    @Test
    void aMissingNamespaceIsRefusedNamingTheField() {
        Persona p = PersonaCodec.readYaml("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: ghost}
                spec: {app: {netns: %snope}, mtu: 1400}
                """.formatted(net.prefix()));
        assertThatThrownBy(() -> substrate.plan(substrate.observe(p), p))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("spec.app.netns: " + net.prefix() + "nope (expected: an existing network namespace");
        assertThat(new Records(net.stateDir()).load("ghost")).as("no record left").isEmpty();
    }

    @Test
    void twoChangeSetsAskingDifferentThingsOfOneKeyAreRefusedBeforeTheJournal() {
        String ns = net.ns("c");
        io.netpersona.substrate.Resource lo1400 = new io.netpersona.substrate.Resource(LinkMtuKind.KIND, ns, "lo", java.util.Map.of("mtu", "1400"));
        io.netpersona.substrate.Resource lo1300 = new io.netpersona.substrate.Resource(LinkMtuKind.KIND, ns, "lo", java.util.Map.of("mtu", "1300"));
        String before = net.snapshot(ns);
        assertThatThrownBy(() -> substrate.applyAll(List.of(new ChangeSet("a", List.of(new Step.Create(lo1400))),
                new ChangeSet("b", List.of(new Step.Create(lo1300))))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two change sets change");
        assertThat(net.snapshot(ns)).isEqualTo(before);
        assertThat(net.stateDir().resolve(Records.LOG)).as("no journal").doesNotExist();
    }

    @Test
    void capabilitiesSayWhatIsMissingAndWhy() {
        Capabilities c = substrate.capabilities();
        assertThat(c.has("namespaces")).isTrue();
        assertThat(c.has("qdisc/htb")).isTrue();
        assertThat(c.has("qdisc/pfifo")).isTrue();
        assertThat(c.has("classifier/u32")).isTrue();
        assertThat(c.has("nftables")).isTrue();
        assertThat(c.has("congestion/bbr")).isTrue();
        if (!c.has("qdisc/netem")) {
            assertThat(c.whyNot("qdisc/netem")).startsWith("the kernel refuses it");
        }
        assertThat(c.missing()).allSatisfy(m -> assertThat(m.reason()).isNotBlank());
        assertThat(List.of(c.features().keySet().toArray())).contains("ifb", "tun");
    }
}
