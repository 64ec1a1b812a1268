package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.Rate;
import io.netpersona.substrate.ChangeSet;
import io.netpersona.substrate.InvalidRequestException;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code spec.routing} on the real kernel: two uplinks to two peers that both answer for the same far
 * address; which peer's device counts the pings says which way the traffic left. The host's own default
 * prefers uplink-b, the persona uplink-a.
 */
class PolicyRoutingIT {
    static final String FAR = "10.84.0.1";
    TestNet net;
    Sockets counters;
    String pa;
    String pb;

    @BeforeEach
    void peers() {
        net = new TestNet();
        counters = new Sockets(net);
        pa = net.ns("pa");
        pb = net.ns("pb");
        for (String peer : List.of(pa, pb)) {
            net.commands().check(Commands.ip(peer, "addr", "add", FAR + "/32", "dev", "lo"), null);
        }
    }

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    /** Two uplinks from {@code ns}; the main table's default prefers b (metric 100) over a (200). */
    void uplinks(String ns, String net3) {
        net.link(ns, "uplink-a", net3 + "1.2/30", pa, "eth0", net3 + "1.1/30");
        net.link(ns, "uplink-b", net3 + "2.2/30", pb, "eth0", net3 + "2.1/30");
        net.commands().check(Commands.ip(ns, "route", "add", "default", "via", net3 + "2.1", "metric", "100"), null);
        net.commands().check(Commands.ip(ns, "route", "add", "default", "via", net3 + "1.1", "metric", "200"), null);
    }

    /**
     * uplink-a down and up, and the host's route through it put back as its network manager would: done once
     * before the reference snapshot too, because a flap reorders the kernel's routes by itself.
     */
    void flapAndRestoreTheHostsRoute(String ns, String gateway) throws InterruptedException {
        net.commands().check(Commands.ip(ns, "link", "set", "uplink-a", "down"), null);
        up(ns);
        hostRouteBack(ns, gateway);
    }

    /** Sets uplink-a up and waits for its carrier and its IPv6 link-local address (and routes) to come back. */
    void up(String ns) throws InterruptedException {
        net.commands().check(Commands.ip(ns, "link", "set", "uplink-a", "up"), null);
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (!net.commands().check(Commands.ip(ns, "-j", "addr", "show", "dev", "uplink-a"), null).matches(
                "(?s).*\"operstate\":\"UP\".*\"local\":\"fe80:.*")) {
            assertThat(System.nanoTime()).as("uplink-a in " + ns + " back up within 3 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    void hostRouteBack(String ns, String gateway) {
        net.commands().check(Commands.ip(ns, "route", "add", "default", "via", gateway, "metric", "200"), null);
    }

    Persona persona(String ns) {
        return PersonaCodec.readYaml("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: rt-%s}
                spec:
                  app: {netns: %s}
                  routing: {preferredEgress: uplink-a, fallback: [uplink-b]}
                """.formatted(ns, ns));
    }

    /** Which peer the far address's pings from {@code ns} reached: "a", "b", or what the counters say. */
    String path(String ns) {
        long a = counters.rxPackets(pa, "eth0");
        long b = counters.rxPackets(pb, "eth0");
        Commands.Result ping = net.exec(ns, "ping", "-q", "-c", "20", "-i", "0.01", "-W", "1", FAR);
        assertThat(ping.ok()).as("ping " + FAR + " from " + ns + ": " + ping.complaint()).isTrue();
        long da = counters.rxPackets(pa, "eth0") - a;
        long db = counters.rxPackets(pb, "eth0") - b;
        // 20 echo requests one way; a few neighbour or router solicitations at most the other
        return da >= 20 && db < 10 ? "a" : db >= 20 && da < 10 ? "b" : "a got " + da + ", b got " + db;
    }

    void apply(LinuxSubstrate s, Persona p) {
        s.apply(s.plan(s.observe(p), p));
    }

    @Test
    void theApplicationLeavesByThePreferredEgressAndByTheFallbackWhileItIsDown() throws InterruptedException {
        String app = net.ns("app");
        uplinks(app, "10.83.");
        LinuxSubstrate substrate = new LinuxSubstrate(net.commands(), net.stateDir(), HostPicture.none(), Clock.systemUTC());
        Persona p = persona(app);
        flapAndRestoreTheHostsRoute(app, "10.83.1.1");
        String before = net.snapshot(app);
        assertThat(path(app)).isEqualTo("b");

        ChangeSet first = substrate.plan(substrate.observe(p), p);
        assertThat(first.steps()).hasSize(4); // two routes in the persona's table, two rules
        substrate.apply(first);
        assertThat(path(app)).isEqualTo("a");
        assertThat(substrate.plan(substrate.observe(p), p).isEmpty()).isTrue();

        net.commands().check(Commands.ip(app, "link", "set", "uplink-a", "down"), null);
        assertThat(path(app)).isEqualTo("b");
        assertThat(substrate.observe(p).drift()).singleElement().asString().contains("metric 10", "gone");
        assertThat(substrate.plan(substrate.observe(p), p).isEmpty()).as("nothing can go through a link that is down").isTrue();

        // back up: the kernel does not put the routes back (neither the main table's nor the persona's)
        up(app);
        assertThat(path(app)).isEqualTo("b");
        assertThat(substrate.observe(p).drift()).singleElement().asString().contains("metric 10", "gone");
        ChangeSet heal = substrate.plan(substrate.observe(p), p);
        assertThat(heal.steps()).singleElement().asString().startsWith("+ route").contains("gateway=10.83.1.1");
        substrate.apply(heal);
        assertThat(path(app)).isEqualTo("a");
        assertThat(substrate.observe(p).drift()).isEmpty();

        // the host's own route comes back as its network manager would put it; then the persona goes
        hostRouteBack(app, "10.83.1.1");
        substrate.apply(substrate.planRemoval(p.name()));
        assertThat(net.snapshot(app)).isEqualTo(before);
        assertThat(path(app)).isEqualTo("b");
        assertThat(new Records(net.stateDir()).load(p.name())).as("no record left").isEmpty();
    }

    @Test
    void anApplicationBehindAHostIsRoutedByItsSourceAddressInTheHost() throws InterruptedException {
        String host = net.ns("host");
        String app = net.ns("app");
        uplinks(host, "10.87.");
        net.link(app, "eth0", "10.86.0.2/24", host, "app0", "10.86.0.1/24");
        net.commands().check(Commands.ip(app, "route", "add", "default", "via", "10.86.0.1"), null);
        assertThat(net.exec(host, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1").ok()).isTrue();
        net.commands().check(Commands.ip(pa, "route", "add", "10.86.0.0/24", "via", "10.87.1.2"), null);
        net.commands().check(Commands.ip(pb, "route", "add", "10.86.0.0/24", "via", "10.87.2.2"), null);
        HostPicture picture = new HostPicture(List.of(new HostPicture.Host("h", host, "uplink-a", Rate.mbit(20), null, List.of(app))));
        LinuxSubstrate substrate = new LinuxSubstrate(net.commands(), net.stateDir(), picture, Clock.systemUTC());
        Persona p = persona(app);
        flapAndRestoreTheHostsRoute(host, "10.87.1.1");
        String hostBefore = net.snapshot(host);
        String appBefore = net.snapshot(app);
        assertThat(path(app)).isEqualTo("b");
        assertThat(path(host)).isEqualTo("b");

        ChangeSet first = substrate.plan(substrate.observe(p), p);
        assertThat(first.steps()).hasSize(4).allSatisfy(s -> assertThat(s.key().scope()).isEqualTo(host));
        assertThat(first.toString()).contains("from 10.86.0.2");
        substrate.apply(first);
        assertThat(path(app)).isEqualTo("a");
        assertThat(path(host)).as("the host's own traffic keeps its way").isEqualTo("b");
        assertThat(substrate.plan(substrate.observe(p), p).isEmpty()).isTrue();
        net.commands().check(Commands.ip(host, "link", "set", "uplink-a", "down"), null);
        assertThat(path(app)).isEqualTo("b");
        up(host);
        substrate.apply(substrate.plan(substrate.observe(p), p));
        assertThat(path(app)).isEqualTo("a");

        hostRouteBack(host, "10.87.1.1");
        substrate.apply(substrate.planRemoval(p.name()));
        assertThat(net.snapshot(host)).isEqualTo(hostBefore);
        assertThat(net.snapshot(app)).isEqualTo(appBefore);
    }

    @Test
    void anEgressThatIsNowhereIsRefusedNamingTheField() {
        String app = net.ns("app");
        net.link(app, "uplink-a", "10.88.1.2/30", pa, "eth0", "10.88.1.1/30");
        LinuxSubstrate substrate = new LinuxSubstrate(net.commands(), net.stateDir(), HostPicture.none(), Clock.systemUTC());
        Persona p = persona(app);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> substrate.plan(substrate.observe(p), p))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("spec.routing.fallback[0]: uplink-b (expected: an interface of the application's namespace " + app);
    }
}
