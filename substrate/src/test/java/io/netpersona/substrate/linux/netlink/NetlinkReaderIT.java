package io.netpersona.substrate.linux.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpersona.substrate.linux.TestNet;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reader's life with namespaces that come and go: a namespace made again under the same name is
 * read afresh, a deleted one is released (a socket keeps a namespace, and its devices, alive), and the
 * thread that enters namespaces comes back to its own.
 */
class NetlinkReaderIT {
    private TestNet net;
    private NetlinkReader reader;

    @BeforeEach
    void open() {
        net = new TestNet();
        reader = NetlinkReader.open();
    }

    @AfterEach
    void close() {
        if (reader != null) {
            reader.close();
        }
        net.close();
    }

    private void ip(String ns, String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("ip", "-n", ns));
        argv.addAll(List.of(args));
        net.commands().check(argv, null);
    }

    private List<String> locals(String ns) {
        return reader.addresses(ns).stream().map(Address::local).toList();
    }

    @Test
    void aDeviceIsFoundByItsNameAloneAsTheDumpListsIt() {
        String ns = net.ns("d");
        ip(ns, "link", "add", "probe0", "type", "veth", "peer", "name", "probe1");
        for (Link l : reader.links(ns)) {
            assertThat(reader.linkIndex(ns, l.name())).as(l.name()).hasValue(l.index());
        }
        assertThat(reader.links(ns)).extracting(Link::name).contains("lo", "probe0", "probe1");
        assertThat(reader.linkIndex(ns, "nosuch0")).isEmpty();
        ip(ns, "link", "del", "probe0");
        assertThat(reader.linkIndex(ns, "probe1")).isEmpty(); // gone with its peer
    }

    @Test
    void aNamespaceMadeAgainUnderItsNameIsReadAfresh() {
        String ns = net.ns("s");
        ip(ns, "addr", "add", "10.79.0.1/32", "dev", "lo");
        assertThat(locals(ns)).contains("10.79.0.1");
        net.commands().check(List.of("ip", "netns", "del", ns), null);
        assertThatThrownBy(() -> reader.addresses(ns)).isInstanceOf(NoSuchNamespaceException.class)
                .hasMessageContaining(ns);
        net.commands().check(List.of("ip", "netns", "add", ns), null);
        ip(ns, "link", "set", "lo", "up");
        ip(ns, "addr", "add", "10.79.0.2/32", "dev", "lo");
        // the socket of the first namespace would still answer 10.79.0.1
        assertThat(locals(ns)).contains("10.79.0.2").doesNotContain("10.79.0.1");
    }

    @Test
    void aDeletedNamespaceIsReleasedWithItsDevices() throws Exception {
        String x = net.ns("x");
        String y = net.ns("y");
        net.link(x, "vx", null, y, "vy", null);
        assertThat(reader.links(x)).extracting(Link::name).contains("vx");
        assertThat(reader.openNamespaces()).contains(x);
        net.commands().check(List.of("ip", "netns", "del", x), null);
        // the sweep runs every second; idle sockets would be kept 10 s
        await(() -> !reader.openNamespaces().contains(x), 5, "the deleted namespace's sockets closed");
        // with no socket left in it the kernel frees the namespace, and the veth pair goes with it (the
        // kernel's clean-up of namespaces is a queue: it can take a while on a busy machine)
        await(() -> !net.commands().run(List.of("ip", "-n", y, "link", "show", "vy"), null).ok(), 30,
                "vy gone with its peer's namespace");
    }

    @Test
    void theEnteringThreadComesBackToItsOwnNamespace() {
        String a = net.ns("a");
        String b = net.ns("b");
        net.link(a, "va", "10.80.0.1/24", b, "vb", "10.80.0.2/24");
        assertThat(reader.links(a)).extracting(Link::name).containsExactly("lo", "va");
        assertThat(reader.links(b)).extracting(Link::name).containsExactly("lo", "vb");
        // a namespace read after the others is still read where it is, and the own one is the host's
        String own = net.commands().check(List.of("ip", "-j", "link", "show"), null);
        List<String> ownNames = reader.links("").stream().map(Link::name).toList();
        assertThat(ownNames).isNotEmpty().allMatch(n -> own.contains("\"ifname\":\"" + n + "\""))
                .doesNotContain("va", "vb");
        assertThat(reader.links(a)).extracting(Link::name).containsExactly("lo", "va");
    }

    @Test
    void namesThatAreNotNamespacesAreRefusedBeforeAnyPathIsBuilt() {
        assertThatThrownBy(() -> reader.links("../../proc/1/ns/net")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> reader.links(net.prefix() + "none")).isInstanceOf(NoSuchNamespaceException.class);
    }

    private static void await(BooleanSupplier condition, int seconds, String what) throws InterruptedException {
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not within " + seconds + " s: " + what);
            }
            Thread.sleep(50);
        }
    }
}
