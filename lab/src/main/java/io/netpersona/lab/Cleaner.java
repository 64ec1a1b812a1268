package io.netpersona.lab;

import io.netpersona.substrate.linux.Commands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes every trace of a lab, found by its name prefix, so it works after a crash or {@code kill -9}
 * as well as after a clean run: the processes in its namespaces (the delay element, traffic generators)
 * and any delay element of that prefix elsewhere, the namespaces (their devices go with them), devices of
 * that prefix in the machine's own namespace, {@code /etc/netns/PREFIX*} folders and the lab's files.
 * Idempotent: cleaning a clean machine removes nothing.
 */
final class Cleaner {
    /** What a clean removed, for the people who asked. */
    record Removed(List<String> namespaces, List<Long> processes, List<String> devices, List<String> files) {
        boolean nothing() {
            return namespaces.isEmpty() && processes.isEmpty() && devices.isEmpty() && files.isEmpty();
        }

        @Override
        public String toString() {
            if (nothing()) {
                return "nothing to remove";
            }
            List<String> parts = new ArrayList<>();
            parts.add(count(namespaces.size(), "namespace"));
            parts.add(count(processes.size(), "process"));
            if (!devices.isEmpty()) {
                parts.add(count(devices.size(), "device") + " in the machine's own namespace");
            }
            parts.add(count(files.size(), "file"));
            return "removed " + String.join(", ", parts);
        }

        private static String count(int n, String what) {
            return n + " " + what + (n == 1 ? "" : what.endsWith("s") ? "es" : "s");
        }
    }

    static final Path NETNS_RUN = Path.of("/run/netns"), NETNS_ETC = Path.of("/etc/netns");
    private static final Pattern IFNAME = Pattern.compile("\"ifname\":\"([^\"]+)\"");
    private final Commands commands;

    Cleaner(Commands commands) {
        this.commands = commands;
    }

    Removed clean(String prefix, LabFiles files) {
        List<String> namespaces = namespacesWith(prefix);
        List<Long> processes = new ArrayList<>(stopProcesses(prefix, namespaces));
        if (!namespaces.isEmpty()) {
            // -force: go on past a namespace that vanished in between; the listing below is the judge
            commands.run(List.of("ip", "-force", "-batch", "-"), String.join("\n", namespaces.stream().map(n -> "netns del " + n).toList()) + "\n");
        }
        List<String> devices = rootDevicesWith(prefix);
        if (!devices.isEmpty()) {
            commands.run(List.of("ip", "-force", "-batch", "-"), String.join("\n", devices.stream().map(d -> "link del " + d).toList()) + "\n");
        }
        List<String> removedFiles = new ArrayList<>();
        for (String ns : entriesWith(NETNS_ETC, prefix)) {
            deleteTree(NETNS_ETC.resolve(ns));
            removedFiles.add(NETNS_ETC.resolve(ns).toString());
        }
        for (String f : LabFiles.ALL) {
            if (Files.exists(files.path(f))) {
                removedFiles.add(files.path(f).toString());
            }
        }
        files.removeAll();
        List<String> left = namespacesWith(prefix);
        if (!left.isEmpty()) {
            throw new LabException("could not remove the namespaces " + left + " (ip netns del refused; is something holding them mounted?)");
        }
        return new Removed(namespaces, processes, devices, removedFiles);
    }

    static List<String> namespacesWith(String prefix) {
        return entriesWith(NETNS_RUN, prefix);
    }

    private static List<String> entriesWith(Path dir, String prefix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted().toList();
        } catch (IOException e) {
            throw new LabException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    List<String> rootDevicesWith(String prefix) {
        Commands.Result r = commands.run(List.of("ip", "-j", "link", "show"), null);
        List<String> out = new ArrayList<>();
        Matcher m = IFNAME.matcher(r.stdout());
        while (m.find()) {
            if (m.group(1).startsWith(prefix)) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** Every process inside the lab's namespaces, and delay elements of this prefix wherever they are: TERM, then KILL. */
    private Set<Long> stopProcesses(String prefix, List<String> namespaces) {
        Set<Long> pids = new LinkedHashSet<>(delayElements(prefix));
        if (!namespaces.isEmpty()) {
            Commands.Result r = commands.run(List.of("ip", "-force", "-batch", "-"),
                    String.join("\n", namespaces.stream().map(n -> "netns pids " + n).toList()) + "\n");
            r.stdout().lines().map(String::strip).filter(s -> s.matches("[0-9]+")).map(Long::parseLong).forEach(pids::add);
        }
        pids.remove(ProcessHandle.current().pid());
        List<ProcessHandle> handles = pids.stream().flatMap(p -> ProcessHandle.of(p).stream()).toList();
        handles.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (ProcessHandle h : handles) {
            while (h.isAlive() && System.nanoTime() < deadline) {
                sleep(20);
            }
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
        return pids;
    }

    /** Delay elements started for this prefix, found by their command line (also one whose namespace lost its name). */
    static List<Long> delayElements(String prefix) {
        List<Long> out = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(d -> d.getFileName().toString().matches("[0-9]+")).toList()) {
                List<String> argv = cmdline(p);
                int i = argv.indexOf("--prefix");
                if (argv.contains(DelayElement.class.getName()) && i >= 0 && i + 1 < argv.size() && argv.get(i + 1).equals(prefix)) {
                    out.add(Long.parseLong(p.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new LabException("cannot list /proc: " + e.getMessage(), e);
        }
        return out;
    }

    static List<String> cmdline(Path procDir) {
        try {
            String s = new String(Files.readAllBytes(procDir.resolve("cmdline")), StandardCharsets.UTF_8);
            return s.isEmpty() ? List.of() : List.of(s.split("\0"));
        } catch (IOException e) {
            return List.of(); // gone meanwhile, or not ours to read
        }
    }

    private static void deleteTree(Path p) {
        try (var s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new LabException("cannot remove " + p + ": " + e.getMessage(), e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
