package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.substrate.ChangeSet;
import io.netpersona.substrate.InvalidRequestException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code spec.topology} on the real kernel: a star, a mesh and a tree of namespaces pass traffic the way
 * their shape says (one bridged hop, direct links, hops through the parents as the TTL shows), and
 * removal leaves every member as it was.
 */
class TopologyIT {
    private static final Pattern TTL = Pattern.compile("ttl=(\\d+)");
    TestNet net;
    LinuxSubstrate substrate;

    @BeforeEach
    void setUp() {
        net = new TestNet();
        substrate = new LinuxSubstrate(net.commands(), net.stateDir(), HostPicture.none(), Clock.systemUTC());
    }

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    List<String> namespaces(String stem, int n) {
        return IntStream.range(0, n).mapToObj(i -> net.ns(stem + i)).toList();
    }

    Persona persona(String name, String app, String spec) {
        return PersonaCodec.readYaml("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: %s}
                spec:
                  app: {netns: %s}
                %s""".formatted(name + "-" + net.prefix(), app, spec.indent(2)));
    }

    /** Applies, checks that a second plan is empty, and returns the snapshots from before. */
    Map<String, String> apply(Persona p, List<String> members) {
        Map<String, String> before = new LinkedHashMap<>();
        members.forEach(ns -> before.put(ns, net.snapshot(ns)));
        ChangeSet first = substrate.plan(substrate.observe(p), p);
        substrate.apply(first);
        ChangeSet second = substrate.plan(substrate.observe(p), p);
        assertThat(second.steps()).as("second plan").isEmpty();
        return before;
    }

    void removeAndCompare(Persona p, Map<String, String> before) {
        substrate.apply(substrate.planRemoval(p.name()));
        before.forEach((ns, snapshot) -> assertThat(net.snapshot(ns)).as("no trace in " + ns).isEqualTo(snapshot));
        assertThat(new Records(net.stateDir()).load(p.name())).as("no record left").isEmpty();
    }

    /** The TTL of the reply to one ping, or -1 when none came; {@code ttl} bounds the request's. */
    int ping(String from, String to, int ttl) {
        Commands.Result r = net.exec(from, "ping", "-c", "1", "-W", "1", "-t", Integer.toString(ttl), to);
        Matcher m = TTL.matcher(r.stdout());
        return r.ok() && m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    String address(String ns, String dev) {
        Matcher m = Pattern.compile("\"local\":\"(10\\.250\\.[0-9.]+)\"").matcher(
                net.commands().check(Commands.ip(ns, "-j", "addr", "show", "dev", dev), null));
        assertThat(m.find()).as("an address on " + dev + " in " + ns).isTrue();
        return m.group(1);
    }

    String prefix(Persona p) {
        Records.Record r = new Records(net.stateDir()).load(p.name()).orElseThrow();
        return TopologyPlan.devicePrefix(r.minor());
    }

    @Test
    void spokesOfAStarReachEachOtherInOneHopThroughTheHubsBridge() {
        List<String> ns = namespaces("s", 4);
        // the hub is also the application, with a congestion control for the routes of its bridge
        Persona p = persona("star", ns.get(0), """
                topology: {kind: star, hub: %s, members: [%s]}
                tcp: {congestionControl: bbr}""".formatted(ns.get(0), String.join(", ", ns)));
        Map<String, String> before = apply(p, ns);
        String d = prefix(p);
        assertThat(net.commands().check(Commands.ip(ns.get(0), "-d", "route", "show", "dev", d + "-br"), null)).contains("congctl bbr");
        List<String> spokes = new ArrayList<>();
        for (int i = 1; i < 4; i++) {
            spokes.add(address(ns.get(i), d + "-up"));
        }
        for (int i = 1; i < 4; i++) {
            for (int j = 1; j < 4; j++) {
                if (i != j) {
                    assertThat(ping(ns.get(i), spokes.get(j - 1), 1)).as(ns.get(i) + " -> " + ns.get(j)).isEqualTo(64);
                }
            }
            assertThat(ping(ns.get(i), address(ns.get(0), d + "-br"), 1)).as(ns.get(i) + " -> hub").isEqualTo(64);
        }
        removeAndCompare(p, before);
        assertThat(ping(ns.get(1), spokes.get(1), 1)).isEqualTo(-1);
    }

    @Test
    void everyPairOfAMeshIsOneHopApart() {
        List<String> ns = namespaces("m", 4);
        Persona p = persona("mesh", ns.get(0), "topology: {kind: mesh, members: [%s]}".formatted(String.join(", ", ns)));
        Map<String, String> before = apply(p, ns);
        String d = prefix(p);
        int pairs = 0;
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                if (i != j) {
                    String there = address(ns.get(j), d + "-m" + i);
                    assertThat(ping(ns.get(i), there, 1)).as(ns.get(i) + " -> " + ns.get(j) + " with TTL 1").isEqualTo(64);
                    pairs++;
                }
            }
        }
        assertThat(pairs).isEqualTo(12);
        // a link removed by hand is drift, and the next plan makes it again
        net.commands().check(Commands.ip(ns.get(1), "link", "del", d + "-m2"), null);
        assertThat(substrate.observe(p).drift()).singleElement().asString().contains("link-veth " + ns.get(1) + " " + d + "-m2", "gone");
        assertThat(ping(ns.get(1), address(ns.get(3), d + "-m1"), 1)).isEqualTo(64);
        substrate.apply(substrate.plan(substrate.observe(p), p));
        assertThat(ping(ns.get(1), address(ns.get(2), d + "-m1"), 1)).isEqualTo(64);
        removeAndCompare(p, before);
    }

    @Test
    void leavesOfATreeReachEachOtherAndTheRootThroughTheirParents() {
        List<String> ns = namespaces("n", 7); // n0 root; n1, n2 parents; n3..n6 leaves
        Persona p = persona("tree", ns.get(0), "topology: {kind: tree, hub: %s, members: [%s], fanout: 2}"
                .formatted(ns.get(0), String.join(", ", ns)));
        Map<String, String> before = apply(p, ns);
        String d = prefix(p);
        String root = address(ns.get(0), d + "-br");
        String n4 = address(ns.get(4), d + "-up");
        String n6 = address(ns.get(6), d + "-up");
        assertThat(ping(ns.get(3), n4, 1)).as("siblings share their parent's bridge").isEqualTo(64);
        assertThat(ping(ns.get(3), root, 2)).as("leaf -> root: through n1").isEqualTo(63);
        assertThat(ping(ns.get(3), root, 1)).as("not without n1").isEqualTo(-1);
        // a request with TTL t crosses t-1 routers
        assertThat(ping(ns.get(3), n6, 4)).as("leaf -> leaf: through n1, n0, n2").isEqualTo(61);
        assertThat(ping(ns.get(3), n6, 3)).as("not past only two of them").isEqualTo(-1);
        // n1 -> n6 goes up through the root and down through n2; the answer needs only n2, because n1 and n2
        // are neighbours on the root's bridge (as n3 and n4 are on n1's)
        assertThat(ping(ns.get(1), n6, 3)).as("parent -> other subtree: through n0, n2").isEqualTo(63);
        assertThat(ping(ns.get(1), n6, 2)).as("n1 cannot skip the root").isEqualTo(-1);
        assertThat(net.exec(ns.get(1), "sysctl", "-n", "net.ipv4.ip_forward").stdout().strip()).isEqualTo("1");
        removeAndCompare(p, before);
        for (String n : List.of(ns.get(0), ns.get(1), ns.get(2))) {
            assertThat(net.exec(n, "sysctl", "-n", "net.ipv4.ip_forward", "net.ipv4.conf.all.send_redirects").stdout())
                    .as("sysctls of " + n + " back").isEqualTo("0\n1\n");
        }
    }

    @Test
    void aLeafBesideAParentIsToldOfNoShortcut() {
        List<String> ns = namespaces("r", 5); // r0: r1, r2; r1: r3, r4; r2 is a leaf beside the parent r1
        // r2 would take any redirect it is sent
        assertThat(net.exec(ns.get(2), "sysctl", "-q", "-w", "net.ipv4.conf.all.accept_redirects=1",
                "net.ipv4.conf.default.accept_redirects=1", "net.ipv4.conf.all.secure_redirects=0",
                "net.ipv4.conf.default.secure_redirects=0").ok()).isTrue();
        Persona p = persona("tree5", ns.get(0), "topology: {kind: tree, members: [%s]}".formatted(String.join(", ", ns)));
        Map<String, String> before = apply(p, ns);
        String r3 = address(ns.get(3), prefix(p) + "-up");
        assertThat(ping(ns.get(2), r3, 3)).as("r2 -> r3: through r0 and r1; the answer through r1 alone").isEqualTo(63);
        // a few more, spaced beyond the kernel's redirect rate limit, so that a redirect would have come and been taken
        assertThat(net.exec(ns.get(2), "ping", "-q", "-c", "3", "-i", "0.2", "-W", "1", "-t", "3", r3).ok()).isTrue();
        assertThat(ping(ns.get(2), r3, 2)).as("r0 sends r2 no redirect to r1, so r2 still cannot skip it").isEqualTo(-1);
        removeAndCompare(p, before);
    }

    @Test
    void aFailureHalfwayLeavesEveryMemberAsItWas() {
        List<String> ns = namespaces("f", 4);
        Persona p = persona("fail", ns.get(0), "topology: {kind: star, members: [%s]}".formatted(String.join(", ", ns)));
        // the last spoke already has a device by the name its end of the link would get
        String up = TopologyPlan.devicePrefix(new Records(net.stateDir()).allocate(p.name())) + "-up";
        net.commands().check(Commands.ip(ns.get(3), "link", "add", up, "type", "bridge"), null);
        Map<String, String> before = new LinkedHashMap<>();
        ns.forEach(n -> before.put(n, net.snapshot(n)));
        ChangeSet cs = substrate.plan(substrate.observe(p), p);
        assertThatThrownBy(() -> substrate.apply(cs)).isInstanceOf(io.netpersona.substrate.ApplyFailedException.class)
                .hasMessageContaining("link-veth " + ns.get(0)).hasMessageContaining("-p3")
                .hasMessageContaining("the host was put back as it was");
        before.forEach((n, snapshot) -> assertThat(net.snapshot(n)).as("as before in " + n).isEqualTo(snapshot));
        assertThat(new Records(net.stateDir()).load(p.name())).as("no record left").isEmpty();
    }

    @Test
    void aMissingMemberIsRefusedNamingItsPlace() {
        String a = net.ns("x0");
        Persona p = persona("gone", a, "topology: {kind: mesh, members: [%s, %snope]}".formatted(a, net.prefix()));
        assertThatThrownBy(() -> substrate.plan(substrate.observe(p), p)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("spec.topology.members[1]: " + net.prefix() + "nope (expected: an existing network namespace)");
    }
}
