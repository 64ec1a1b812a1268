package io.netpersona.substrate.linux;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Test hosts in network namespaces, all named with one random prefix, removed on close and by a shutdown
 * hook with what a test gave it to close (so a failing or interrupted test leaves nothing). Skips the
 * calling test, with the reason, where namespaces cannot be made (no root). Published in the substrate's
 * test jar for the kernel tests of the modules above it.
 */
public final class TestNet implements AutoCloseable {
    private final Commands commands = new Commands();
    private final String prefix;
    private final List<String> namespaces = new ArrayList<>();
    private final List<AutoCloseable> tracked = new ArrayList<>();
    private final Path state;
    private final Thread hook = new Thread(this::cleanup);

    public TestNet() {
        assumeTrue(canMakeNamespaces(), "skipped: cannot create network namespaces here (needs root): "
                + "the kernel tests run where root is available, as in CI");
        prefix = "t" + HexFormat.of().toHexDigits((byte) ThreadLocalRandom.current().nextInt())
                + HexFormat.of().toHexDigits((byte) ThreadLocalRandom.current().nextInt()).substring(0, 1);
        try {
            state = Files.createTempDirectory("netpersona-state");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private static Boolean canMake;

    static synchronized boolean canMakeNamespaces() {
        if (canMake == null) {
            String probe = "tprobe" + ProcessHandle.current().pid();
            Commands c = new Commands();
            canMake = c.run(List.of("ip", "netns", "add", probe), null).ok();
            c.run(List.of("ip", "netns", "del", probe), null);
        }
        return canMake;
    }

    public String prefix() {
        return prefix;
    }

    public Commands commands() {
        return commands;
    }

    /** A folder for persona records, removed on close. */
    public Path stateDir() {
        return state;
    }

    /** A new namespace named prefix + name, with loopback up. */
    public String ns(String name) {
        String ns = prefix + name;
        commands.check(List.of("ip", "netns", "add", ns), null);
        namespaces.add(ns);
        commands.check(Commands.ip(ns, "link", "set", "lo", "up"), null);
        // no duplicate address detection: link-local addresses are final at once, so snapshots compare
        exec(ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
        return ns;
    }

    /** A veth pair between two namespaces with addresses (CIDR notation), both ends up. */
    public void link(String nsA, String devA, String addrA, String nsB, String devB, String addrB) {
        commands.check(Commands.ip(nsA, "link", "add", devA, "type", "veth", "peer", "name", devB, "netns", nsB), null);
        if (addrA != null) {
            commands.check(Commands.ip(nsA, "addr", "add", addrA, "dev", devA), null);
        }
        if (addrB != null) {
            commands.check(Commands.ip(nsB, "addr", "add", addrB, "dev", devB), null);
        }
        commands.check(Commands.ip(nsA, "link", "set", devA, "up"), null);
        commands.check(Commands.ip(nsB, "link", "set", devB, "up"), null);
        awaitUp(nsA, devA);
        awaitUp(nsB, devB);
    }

    /** Waits (up to 5 s) until a device has carrier and its IPv6 link-local address, so snapshots are stable. */
    public void awaitUp(String ns, String dev) {
        long until = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < until) {
            String link = commands.check(Commands.ip(ns, "-j", "addr", "show", "dev", dev), null);
            if (link.contains("\"operstate\":\"UP\"") && link.contains("\"scope\":\"link\"")) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException(dev + " in " + ns + " did not come up within 5 s");
    }

    /** Runs a command inside a namespace (argument list, no shell). */
    public Commands.Result exec(String ns, String... argv) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(argv));
        return commands.run(full, null);
    }

    /** Closes {@code thing} on close (before the namespaces go), whatever the test did with it. */
    public synchronized <T extends AutoCloseable> T track(T thing) {
        tracked.add(thing);
        return thing;
    }

    /** Everything the kernel says about a namespace, as JSON text without counters, to compare states. */
    public String snapshot(String ns) {
        StringBuilder s = new StringBuilder();
        // bridges report running timers (gc, hello, forward delay): time, not state
        s.append(commands.check(Commands.ip(ns, "-j", "-d", "link", "show"), null)
                .replaceAll("\"stats64\":\\{[^}]*\\}", "")
                .replaceAll("\"[a-z_]+_timer\":[0-9.]+", ""));
        s.append(commands.check(Commands.ip(ns, "-j", "addr", "show"), null)
                .replaceAll("\"(valid|preferred)_life_time\":\\d+", ""));
        s.append(commands.check(Commands.ip(ns, "-j", "-d", "route", "show", "table", "all"), null));
        s.append(commands.check(Commands.ip(ns, "-6", "-j", "-d", "route", "show", "table", "all"), null));
        s.append(commands.check(Commands.ip(ns, "-j", "rule", "show"), null));
        for (String dev : devices(ns)) {
            s.append(commands.check(Commands.tc(ns, "-j", "qdisc", "show", "dev", dev), null));
            s.append(commands.check(Commands.tc(ns, "-j", "class", "show", "dev", dev), null));
        }
        // counters move with any stray packet (a router solicitation); their values are not state
        s.append(commands.check(Commands.nft(ns, "list", "ruleset"), null).replaceAll("packets \\d+ bytes \\d+", "packets bytes"));
        Path resolv = Path.of("/etc/netns", ns);
        s.append(Files.exists(resolv) ? "etc/netns/" + ns + " exists" : "no etc/netns/" + ns);
        return s.toString();
    }

    List<String> devices(String ns) {
        String json = commands.check(Commands.ip(ns, "-j", "link", "show"), null);
        List<String> out = new ArrayList<>();
        var m = java.util.regex.Pattern.compile("\"ifname\":\"([^\"]+)\"").matcher(json);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Override
    public void close() {
        cleanup();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down already: the hook runs cleanup
        }
    }

    private synchronized void cleanup() {
        for (AutoCloseable t : tracked) {
            try {
                t.close();
            } catch (Exception e) {
                // best effort: the namespaces go next, and with them what runs there loses its network
            }
        }
        tracked.clear();
        for (String ns : namespaces) {
            commands.run(List.of("ip", "netns", "del", ns), null);
            deleteTree(Path.of("/etc/netns", ns));
        }
        namespaces.clear();
        deleteTree(state);
    }

    private static void deleteTree(Path p) {
        if (p == null || !Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort; leftovers carry the prefix and can be found
        }
    }
}
