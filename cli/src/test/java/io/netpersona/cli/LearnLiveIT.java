package io.netpersona.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netpersona.lab.traffic.AppProcess;
import io.netpersona.lab.traffic.AppResult;
import io.netpersona.lab.traffic.TrafficApp;
import io.netpersona.model.Dependency;
import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.TrafficClass;
import io.netpersona.substrate.linux.Commands;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code persona learn --netns NS --duration D} with nothing else: a database in its namespace serves three
 * clients and reaches a replica it finds through DNS from a second interface; the command captures live and
 * writes a persona with the database's class, its served port and both dependencies.
 */
class LearnLiveIT {
    static final InetAddress APP = InetAddress.ofLiteral("10.92.1.1"), CLI = InetAddress.ofLiteral("10.92.1.2"),
            APP_DEP_SIDE = InetAddress.ofLiteral("10.92.2.1"), DEP = InetAddress.ofLiteral("10.92.2.2"),
            RESOLVER = InetAddress.ofLiteral("10.92.2.3");

    @TempDir
    Path dir;

    final Commands commands = new Commands();
    final String prefix = "ll" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    final List<String> namespaces = new ArrayList<>();
    final List<AppProcess> apps = new ArrayList<>();

    @Test
    void aDatabaseLearnedLiveWithNothingConfigured() throws Exception {
        assumeTrue(commands.run(List.of("ip", "netns", "add", prefix + "probe"), null).ok()
                        && commands.run(List.of("ip", "netns", "del", prefix + "probe"), null).ok(),
                "skipped: a live capture in a namespace needs root; it runs where root is, as in CI");
        assumeTrue(commands.run(List.of("tcpdump", "--version"), null).ok(), "skipped: needs tcpdump (CI installs it)");
        Thread hook = new Thread(this::cleanUp);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            String app = ns("app"), cli = ns("cli"), dep = ns("dep");
            link(app, "eth0", APP, cli, CLI);
            link(app, "eth1", APP_DEP_SIDE, dep, DEP);
            commands.check(List.of("ip", "-n", dep, "addr", "add", RESOLVER.getHostAddress() + "/24", "dev", "eth0"), null);
            start(dep, TrafficApp.dns(RESOLVER, "replica.lab", DEP)).awaitReady();
            start(dep, TrafficApp.dbServer(5432)).awaitReady();

            Path out = dir.resolve("db.yaml");
            StringWriter err = new StringWriter(), stdout = new StringWriter();
            CompletableFuture<Integer> learn = CompletableFuture.supplyAsync(() -> Main.run(new String[] {"learn", "--netns", app,
                    "--duration", "5s", "--progress", "-o", out.toString()}, new PrintWriter(stdout, true), new PrintWriter(err, true)));
            // the progress line appears once tcpdump listens: then the application comes up under the capture
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!err.toString().contains("live:" + app) && !learn.isDone() && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(err.toString()).as("the capture started").contains("live:" + app);
            start(app, TrafficApp.dbServer(5432).dependsOn("replica.lab", 5432, RESOLVER)).awaitReady();
            AppResult clients = start(cli, TrafficApp.dbClients(new InetSocketAddress(APP, 5432), 3, 20), Duration.ofSeconds(3)).awaitResult();
            assertThat(clients.get("errors")).isZero();
            assertThat(learn.get(30, TimeUnit.SECONDS)).as(err.toString()).isZero();

            Persona p = PersonaCodec.readYaml(Files.readString(out));
            System.out.println(err + "\n" + Files.readString(out));
            assertThat(p.name()).as("named after its namespace").isEqualTo(app);
            assertThat(p.spec().app().netns()).isEqualTo(app);
            assertThat(p.spec().trafficClass()).isEqualTo(TrafficClass.TRANSACTIONAL);
            assertThat(p.spec().dependencies()).extracting(LearnLiveIT::text)
                    .containsExactlyInAnyOrder("udp 10.92.2.3:53 critical", "tcp 10.92.2.2:5432 critical replica.lab");
            assertThat(p.evidence().toString()).contains("everything in the application's namespace " + app);
            assertThat(err.toString()).contains("persona: learned " + p.name() + ": transactional", "1 served endpoint, 2 dependencies");
        } finally {
            cleanUp();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    static String text(Dependency d) {
        return d.proto().name().toLowerCase(Locale.ROOT) + " " + d.address() + ":" + d.port() + (d.critical() ? " critical" : "")
                + (d.host() == null ? "" : " " + d.host());
    }

    AppProcess start(String ns, TrafficApp app) {
        return start(ns, app, Duration.ofSeconds(30));
    }

    synchronized AppProcess start(String ns, TrafficApp app, Duration d) {
        AppProcess p = app.start(ns, d);
        apps.add(p);
        return p;
    }

    String ns(String name) {
        String ns = prefix + name;
        commands.check(List.of("ip", "netns", "add", ns), null);
        namespaces.add(ns);
        commands.check(List.of("ip", "-n", ns, "link", "set", "lo", "up"), null);
        return ns;
    }

    void link(String a, String devA, InetAddress addrA, String b, InetAddress addrB) {
        commands.check(List.of("ip", "-n", a, "link", "add", devA, "type", "veth", "peer", "name", "eth0", "netns", b), null);
        commands.check(List.of("ip", "-n", a, "addr", "add", addrA.getHostAddress() + "/24", "dev", devA), null);
        commands.check(List.of("ip", "-n", b, "addr", "add", addrB.getHostAddress() + "/24", "dev", "eth0"), null);
        commands.check(List.of("ip", "-n", a, "link", "set", devA, "up"), null);
        commands.check(List.of("ip", "-n", b, "link", "set", "eth0", "up"), null);
    }

    synchronized void cleanUp() {
        apps.forEach(AppProcess::close);
        apps.clear();
        namespaces.forEach(ns -> commands.run(List.of("ip", "netns", "del", ns), null));
        namespaces.clear();
    }
}
