package io.netpersona.lab.traffic;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netpersona.substrate.linux.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Namespaces for a test's applications, named with one random prefix, joined by veth pairs; every namespace,
 * application process and the state folder go on close, and by a shutdown hook when the run is interrupted.
 * Skips the calling test, with the reason, where namespaces or tcpdump are missing.
 */
final class AppNet implements AutoCloseable {
    final Commands commands = new Commands();
    final String prefix = "ap" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    final Path state;
    private final List<String> namespaces = new ArrayList<>();
    private final List<AppProcess> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::cleanup);

    AppNet() throws IOException {
        String probe = prefix + "probe";
        boolean canMake = commands.run(List.of("ip", "netns", "add", probe), null).ok();
        commands.run(List.of("ip", "netns", "del", probe), null);
        assumeTrue(canMake,
                "skipped: learning from live traffic needs root to create network namespaces and capture; it runs where root is, as in CI");
        assumeTrue(commands.run(List.of("tcpdump", "--version"), null).ok(),
                "skipped: a live capture needs tcpdump (Debian: apt-get install tcpdump; CI installs it)");
        state = Files.createTempDirectory("netpersona-appnet");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    String ns(String name) {
        String ns = prefix + name;
        commands.check(List.of("ip", "netns", "add", ns), null);
        namespaces.add(ns);
        commands.check(ip(ns, "link", "set", "lo", "up"), null);
        return ns;
    }

    /** A veth pair between two namespaces, with an IPv4 address (CIDR) at each end, both up. */
    void link(String nsA, String devA, String addrA, String nsB, String devB, String addrB) {
        commands.check(ip(nsA, "link", "add", devA, "type", "veth", "peer", "name", devB, "netns", nsB), null);
        commands.check(ip(nsA, "addr", "add", addrA, "dev", devA), null);
        commands.check(ip(nsB, "addr", "add", addrB, "dev", devB), null);
        commands.check(ip(nsA, "link", "set", devA, "up"), null);
        commands.check(ip(nsB, "link", "set", devB, "up"), null);
    }

    /** Starts an application that is killed on close, whatever the test did with it. */
    synchronized AppProcess start(String ns, TrafficApp app, java.time.Duration duration) {
        AppProcess p = app.start(ns, duration);
        processes.add(p);
        return p;
    }

    /** {@code ip -n NS ...}, an argument list. */
    private static List<String> ip(String ns, String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "-n", ns));
        argv.addAll(List.of(args));
        return argv;
    }

    @Override
    public void close() {
        cleanup();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down already: the hook cleans up
        }
    }

    private synchronized void cleanup() {
        processes.forEach(AppProcess::close);
        processes.clear();
        for (String ns : namespaces) {
            commands.run(List.of("ip", "netns", "del", ns), null);
        }
        namespaces.clear();
        try (var s = Files.walk(state)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary folder
        }
    }
}
