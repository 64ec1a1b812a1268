package io.netpersona.lab.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.learn.CaptureSummary;
import io.netpersona.learn.classify.FlowClassifier;
import io.netpersona.learn.profile.FallbackClassifier;
import io.netpersona.learn.live.CaptureTarget;
import io.netpersona.learn.live.LiveLearning;
import io.netpersona.learn.profile.Profile;
import io.netpersona.learn.profile.Selection;
import io.netpersona.learn.synth.PersonaSynthesizer;
import io.netpersona.model.AllowRule;
import io.netpersona.model.Dependency;
import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.Spec;
import io.netpersona.model.TrafficClass;
import io.netpersona.substrate.linux.HostPicture;
import io.netpersona.substrate.linux.LinuxSubstrate;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A persona learned from the live traffic of each lab application, with nothing configured: the application
 * serves its clients from one namespace and reaches its dependencies (a resolver and a database it finds by
 * name) from another interface; tcpdump captures inside the application's namespace for a few seconds. The
 * learned persona must have the right class and dependencies, and its firewall, applied through the Linux
 * substrate, must let the application work again (new processes, new connections, new lookups) while a port
 * that its traffic never used is dropped, inbound and outbound.
 *
 * <pre>
 *   cli 10.91.1.2 ── 10.91.1.1 app 10.91.2.1 ── 10.91.2.2 dep: a database and an unused port; DNS on 10.91.2.3
 * </pre>
 */
class LearnedPersonaIT {
    /** The classifier behind the learned class: the shipped one, as `persona learn` has it. */
    static final FlowClassifier CLASSIFIER = FallbackClassifier.forLearning();
    static final InetAddress APP = InetAddress.ofLiteral("10.91.1.1"), CLI = InetAddress.ofLiteral("10.91.1.2"),
            APP_DEP_SIDE = InetAddress.ofLiteral("10.91.2.1"), DEP = InetAddress.ofLiteral("10.91.2.2"),
            RESOLVER = InetAddress.ofLiteral("10.91.2.3");
    static final int UNUSED = 2222, DB = 5432;
    static final Duration LEARN = Duration.ofSeconds(4), AGAIN = Duration.ofMillis(2500), SERVER = Duration.ofSeconds(40);
    static final Duration PROBE_TIMEOUT = Duration.ofMillis(800);

    AppNet net;
    String app, cli, dep;

    @BeforeEach
    void namespaces() throws Exception {
        net = new AppNet();
        app = net.ns("app");
        cli = net.ns("cli");
        dep = net.ns("dep");
        net.link(app, "eth0", APP.getHostAddress() + "/24", cli, "eth0", CLI.getHostAddress() + "/24");
        net.link(app, "eth1", APP_DEP_SIDE.getHostAddress() + "/24", dep, "eth0", DEP.getHostAddress() + "/24");
        net.commands.check(List.of("ip", "-n", dep, "addr", "add", RESOLVER.getHostAddress() + "/24", "dev", "eth0"), null);
    }

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void aGameServerIsRealtimeAndDependsOnItsResolverAndDatabase() throws Exception {
        int port = 27015;
        TrafficApp server = TrafficApp.gameServer(port).dependsOn("scores.lab", DB, RESOLVER);
        TrafficApp players = TrafficApp.gameClients(new InetSocketAddress(APP, port), 4, 60);
        Learned l = learn(server, players, "scores.lab");
        assertThat(l.persona.spec().trafficClass()).isEqualTo(TrafficClass.REALTIME);
        assertThat(served(l)).containsExactly("udp/27015");
        assertWithDependencies(l, "scores.lab", "udp/" + port);
        firewallAdmitsTheAppAndNothingElse(l.persona, server, players, r -> {
            assertThat(r.get("lossPct")).isLessThan(5);
            assertThat(r.get("updates")).isGreaterThan(200);
        });
    }

    @Test
    void aDatabaseIsTransactionalAndDependsOnItsResolverAndReplica() throws Exception {
        TrafficApp server = TrafficApp.dbServer(DB).dependsOn("replica.lab", DB, RESOLVER);
        TrafficApp clients = TrafficApp.dbClients(new InetSocketAddress(APP, DB), 3, 20);
        Learned l = learn(server, clients, "replica.lab");
        assertThat(l.persona.spec().trafficClass()).isEqualTo(TrafficClass.TRANSACTIONAL);
        assertThat(served(l)).containsExactly("tcp/5432");
        assertWithDependencies(l, "replica.lab", "tcp/" + DB);
        firewallAdmitsTheAppAndNothingElse(l.persona, server, clients, r -> {
            assertThat(r.get("errors")).isZero();
            assertThat(r.get("requests")).isGreaterThan(60);
        });
    }

    @Test
    void aBackupServerIsBulkWithNoDependencies() throws Exception {
        int port = 873;
        TrafficApp server = TrafficApp.bulkServer(port, 12);
        TrafficApp streams = TrafficApp.bulkClients(new InetSocketAddress(APP, port), 4);
        Learned l = learn(server, streams, null);
        assertThat(l.persona.spec().trafficClass()).isEqualTo(TrafficClass.BULK);
        assertThat(served(l)).containsExactly("tcp/873");
        assertThat(l.profile.dependencies()).isEmpty();
        assertThat(l.persona.spec().dependencies()).isNullOrEmpty();
        assertThat(rules(l.persona)).containsExactly("ingress tcp any 873");
        firewallAdmitsTheAppAndNothingElse(l.persona, server, streams, r -> {
            assertThat(r.get("errors")).isZero();
            // 4 streams at 12 Mbit/s
            assertThat(r.get("throughputMbps")).isGreaterThan(20);
        });
    }

    /** Viewers fetching segments at a bitrate on long connections: streaming by its behaviour, not bulk. */
    @Test
    void aVideoServiceIsStreaming() throws Exception {
        int port = 8080;
        Learned l = learn(TrafficApp.videoServer(port), TrafficApp.videoClients(new InetSocketAddress(APP, port), 2, 2500), null);
        assertThat(l.clients.get("errors")).isZero();
        assertThat(l.persona.spec().trafficClass()).as(l.profile.trafficClass().reason()).isEqualTo(TrafficClass.STREAMING);
        assertThat(served(l)).containsExactly("tcp/" + port);
    }

    /** Browsers sending short HTTP requests, a connection each: interactive, where the rules alone said unknown. */
    @Test
    void aWebServiceIsInteractive() throws Exception {
        int port = 80;
        Learned l = learn(TrafficApp.webServer(port), TrafficApp.webClients(new InetSocketAddress(APP, port), "www.lab", 2, 10), null);
        assertThat(l.clients.get("errors")).isZero();
        assertThat(l.persona.spec().trafficClass()).as(l.profile.trafficClass().reason()).isEqualTo(TrafficClass.INTERACTIVE);
        assertThat(served(l)).containsExactly("tcp/" + port);
    }

    record Learned(Profile profile, Persona persona, AppResult clients, AppResult server) {
    }

    /**
     * The dependency side (a resolver that knows {@code name}, a database, a port nobody uses), then a live
     * capture in the application's namespace while its server starts and its clients run, and what it learned.
     * The capture starts first because a name is known to the learner only from a DNS answer it saw before the
     * connection. Once the capture is over, and while the server still runs, the unused ports are shown to
     * accept (so that the firewall is what refuses them later).
     */
    Learned learn(TrafficApp server, TrafficApp clients, String name) throws Exception {
        if (name != null) {
            net.start(dep, TrafficApp.dns(RESOLVER, name, DEP), SERVER).awaitReady();
        }
        net.start(dep, TrafficApp.dbServer(DB).listenToo(UNUSED), SERVER).awaitReady();
        AppResult c;
        CaptureSummary summary;
        AppProcess s;
        LiveLearning learning;
        try (LiveLearning l = LiveLearning.start(new CaptureTarget(app, null), Selection.AUTO, CLASSIFIER)) {
            learning = l.awaitListening(Duration.ofSeconds(10));
            s = net.start(app, server.listenToo(UNUSED), SERVER).awaitReady();
            c = net.start(cli, clients, LEARN).awaitResult();
            summary = l.stop();
        }
        assertThat(probe(cli, APP).get("connected")).as("before: the unused port accepts from the clients' side").isEqualTo(1);
        assertThat(probe(app, DEP).get("connected")).as("before: the dependency side's unused port accepts").isEqualTo(1);
        AppResult sr = s.stop();
        Profile profile = learning.profile();
        Persona persona = PersonaSynthesizer.synthesize(profile, new PersonaSynthesizer.Request(null, app,
                "live:" + app + " for " + LEARN.toSeconds() + "s", Instant.now()));
        System.out.printf("%s: %d frames; clients %s; server %s%n%s%n", server.role().text(), summary.stats().frames(), c, sr,
                PersonaCodec.toYaml(persona));
        return new Learned(profile, persona, c, sr);
    }

    /** The resolver and the database the server found by {@code name}, both critical; the allowlist is them and the served port. */
    void assertWithDependencies(Learned l, String name, String served) {
        assertThat(l.server.get("lookups")).isPositive();
        assertThat(l.server.get("lookupFailures")).isZero();
        assertThat(l.server.get("backendQueries")).isPositive();
        List<Dependency> deps = l.persona.spec().dependencies();
        assertThat(deps).extracting(d -> d.proto().name().toLowerCase(Locale.ROOT) + " " + d.address() + ":" + d.port())
                .containsExactlyInAnyOrder("udp 10.91.2.3:53", "tcp 10.91.2.2:" + DB);
        assertThat(deps).allSatisfy(d -> assertThat(d.critical()).as(d.name()).isTrue());
        assertThat(deps).filteredOn(d -> d.port() == DB).singleElement().satisfies(d -> assertThat(d.host()).isEqualTo(name));
        String[] p = served.split("/");
        assertThat(rules(l.persona)).containsExactlyInAnyOrder("ingress " + p[0] + " any " + p[1],
                "egress udp 10.91.2.3/32 53", "egress tcp 10.91.2.2/32 " + DB);
        assertThat(l.persona.spec().dns().servers()).extracting(Object::toString).containsExactly("10.91.2.3");
    }

    /**
     * Applies the learned firewall (nothing else of the persona) and runs the application again: its clients
     * and its dependencies still work; the port it never used is dropped both ways, though it accepted
     * before ({@link #learn}). The persona is removed at the end, whatever happened.
     */
    void firewallAdmitsTheAppAndNothingElse(Persona learned, TrafficApp server, TrafficApp clients, Consumer<AppResult> clientsWorked) {
        Persona firewall = Persona.of(learned.metadata(), Spec.forApp(learned.spec().app()).withSecurity(learned.spec().security()), null);
        LinuxSubstrate substrate = new LinuxSubstrate(net.commands, net.state, HostPicture.none(), Clock.systemUTC());
        substrate.apply(substrate.plan(substrate.observe(firewall), firewall));
        try {
            AppProcess s = net.start(app, server.listenToo(UNUSED), SERVER).awaitReady();
            AppResult again = net.start(cli, clients, AGAIN).awaitResult();
            AppResult sr = s.stop();
            System.out.printf("behind the learned firewall: clients %s; server %s%n", again, sr);
            clientsWorked.accept(again);
            if (sr.metrics().containsKey("lookups")) {
                assertThat(sr.get("lookups")).isPositive();
                assertThat(sr.get("lookupFailures")).isZero();
                assertThat(sr.get("backendQueries")).isPositive();
                assertThat(sr.get("backendErrors")).isZero();
            }
            AppResult in = probe(cli, APP), out = probe(app, DEP);
            assertThat(in.get("timedOut")).as("a port the application never served, from its clients: " + in).isEqualTo(1);
            assertThat(out.get("timedOut")).as("a port the application never used, toward its dependencies: " + out).isEqualTo(1);
        } finally {
            substrate.apply(substrate.planRemoval(firewall.name()));
        }
    }

    AppResult probe(String from, InetAddress to) {
        return net.start(from, TrafficApp.probe(new InetSocketAddress(to, UNUSED), PROBE_TIMEOUT), Duration.ofSeconds(10)).awaitResult();
    }

    static List<String> served(Learned l) {
        return l.profile.served().stream().map(s -> s.protocol().name().toLowerCase(Locale.ROOT) + "/" + s.port()).toList();
    }

    static List<String> rules(Persona p) {
        return p.spec().security().allow().stream().map(LearnedPersonaIT::text).toList();
    }

    static String text(AllowRule r) {
        return r.direction().name().toLowerCase(Locale.ROOT) + " " + r.proto().name().toLowerCase(Locale.ROOT) + " "
                + (r.to() == null ? "any" : r.to()) + " " + r.port();
    }
}
