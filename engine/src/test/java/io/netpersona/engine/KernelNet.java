package io.netpersona.engine;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netpersona.substrate.linux.Commands;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Namespaces for the engine's kernel tests, all named with one random prefix and removed on close and by
 * a shutdown hook, with the processes started in them, so that a failing or interrupted test leaves
 * nothing behind. The substrate's own TestNet lives in its test sources, which no other module sees.
 * Skips the calling test, with the reason, where namespaces cannot be made (no root).
 */
final class KernelNet implements AutoCloseable {
    private final Commands commands = new Commands();
    private final String prefix = "e" + Integer.toHexString(0x100 + ThreadLocalRandom.current().nextInt(0xF00));
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Path state;
    private final Thread hook = new Thread(this::cleanup);

    KernelNet() {
        String probe = "eprobe" + ProcessHandle.current().pid();
        boolean can = commands.run(List.of("ip", "netns", "add", probe), null).ok();
        commands.run(List.of("ip", "netns", "del", probe), null);
        assumeTrue(can, "skipped: cannot create network namespaces here (needs root): the engine's kernel tests run"
                + " where root is available, as in CI");
        try {
            state = Files.createTempDirectory("netpersona-engine-state");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Runtime.getRuntime().addShutdownHook(hook);
    }

    Commands commands() {
        return commands;
    }

    Path stateDir() {
        return state;
    }

    /** A new namespace named prefix + name, loopback up. */
    synchronized String ns(String name) {
        String ns = prefix + name;
        commands.check(List.of("ip", "netns", "add", ns), null);
        namespaces.add(ns);
        commands.check(ip(ns, "link", "set", "lo", "up"), null);
        return ns;
    }

    /** A veth pair between two namespaces, addressed (CIDR) and up. */
    void link(String nsA, String devA, String addrA, String nsB, String devB, String addrB) {
        commands.check(ip(nsA, "link", "add", devA, "type", "veth", "peer", "name", devB, "netns", nsB), null);
        commands.check(ip(nsA, "addr", "add", addrA, "dev", devA), null);
        commands.check(ip(nsB, "addr", "add", addrB, "dev", devB), null);
        commands.check(ip(nsA, "link", "set", devA, "up"), null);
        commands.check(ip(nsB, "link", "set", devB, "up"), null);
    }

    /** Runs a command in a namespace to its end (argument list, no shell); fails the test when it fails. */
    String exec(String ns, String... argv) {
        return commands.check(inNs(ns, argv), null);
    }

    /** Starts a long-running command in a namespace; it is stopped on close. Its output is discarded. */
    synchronized Process start(String ns, String... argv) {
        try {
            Process p = new ProcessBuilder(inNs(ns, argv)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).redirectInput(new File("/dev/null")).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + String.join(" ", argv), e);
        }
    }

    private static List<String> ip(String ns, String... args) {
        List<String> full = new ArrayList<>(List.of("ip", "-n", ns));
        full.addAll(List.of(args));
        return full;
    }

    private static List<String> inNs(String ns, String... argv) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(argv));
        return full;
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
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        processes.clear();
        for (String ns : namespaces) {
            commands.run(List.of("ip", "netns", "del", ns), null);
        }
        namespaces.clear();
        if (state != null && Files.exists(state)) {
            try (var s = Files.walk(state)) {
                s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // best effort: the folder is a temporary one
            }
        }
    }
}
