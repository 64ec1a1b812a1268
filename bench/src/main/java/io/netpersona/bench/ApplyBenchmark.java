package io.netpersona.bench;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.Rate;
import io.netpersona.substrate.ChangeSet;
import io.netpersona.substrate.linux.Commands;
import io.netpersona.substrate.linux.HostPicture;
import io.netpersona.substrate.linux.LinuxSubstrate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Applies QoS and firewall personas for many applications behind one host, twice from one run: batched
 * (one transaction: one {@code tc -batch}, one {@code nft -f}) and one process per command (what a
 * script of separate {@code tc} and {@code nft} calls does), checks that both leave the same kernel
 * state, and prints both times and their ratio. Builds its own namespaces (prefix {@code npb-}) and
 * removes them, also on failure or Ctrl-C.
 */
public final class ApplyBenchmark {
    private static final String PREFIX = "npb-";
    private static final String HOST = PREFIX + "host";
    private final Timed commands = new Timed();
    private final int apps;
    private final boolean perCommand;
    private final int rounds;
    /** A round in which the compilers work less than this is warm: what follows is measured. */
    private static final long WARM_COMPILE_MS = 20;
    private static final int MAX_WARMUP = 15;
    private List<Double> warmup = List.of();
    private long measuredCompileMs;
    private boolean warmedUp;
    /** How many rounds after the first the benchmark measured before it warmed up (sessions 1 to 7). */
    private static final int EARLY = 5;
    private final boolean verbose;
    private final Path state;

    /** Commands that remember how long each process took, to tell the kernel's share of an apply. */
    static final class Timed extends Commands {
        final List<String> log = new ArrayList<>();
        private static final String DUMP = System.getenv("NETPERSONA_BENCH_DUMP");
        private int dumped;
        double processMs;
        /** When the measured operation began: each process is logged with its start and end from here. */
        volatile long epoch = System.nanoTime();

        @Override
        public Result run(List<String> argv, String stdin) {
            long t = System.nanoTime();
            Result r = super.run(argv, stdin);
            double ms = (System.nanoTime() - t) / 1e6;
            record(t, ms, argv, stdin);
            return r;
        }

        /** tc batches sent over rtnetlink, without a process: logged as one, to show the kernel's share too. */
        @Override
        public java.util.Optional<io.netpersona.substrate.linux.netlink.NetlinkReader.Refused> tc(String scope,
                List<io.netpersona.substrate.linux.netlink.TcRequest> requests, boolean force) {
            long t = System.nanoTime();
            var r = super.tc(scope, requests, force);
            synchronized (this) {
                double from = (t - epoch) / 1e6;
                double ms = (System.nanoTime() - t) / 1e6;
                log.add(String.format(Locale.ROOT, "%6.1f..%6.1f %7.1f ms  rtnetlink tc requests in %s  (%d requests, no process)",
                        from, from + ms, ms, scope, requests.size()));
            }
            return r;
        }

        /** nf_tables commands sent over netlink, without a process: logged as one too. */
        @Override
        public java.util.Optional<io.netpersona.substrate.linux.netlink.NetlinkReader.Refused> nftBatch(String scope,
                List<io.netpersona.substrate.linux.netlink.NftCommand> elements) {
            long t = System.nanoTime();
            var r = super.nftBatch(scope, elements);
            synchronized (this) {
                double from = (t - epoch) / 1e6;
                double ms = (System.nanoTime() - t) / 1e6;
                log.add(String.format(Locale.ROOT, "%6.1f..%6.1f %7.1f ms  nf_tables netlink batch in %s  (%d commands, %d elements, %d messages, no process)",
                        from, from + ms, ms, scope, elements.size(), elements.stream().mapToInt(e -> e instanceof
                                io.netpersona.substrate.linux.netlink.NftElements el ? el.elements().size() : 0).sum(),
                        elements.stream().mapToInt(e -> e.requests().size()).sum()));
            }
            return r;
        }

        /** Batches of tc and nft run at the same time: the log and the sum are kept under a lock. */
        private synchronized void record(long start, double ms, List<String> argv, String stdin) {
            if (DUMP != null && stdin != null) {
                try {
                    Files.writeString(Path.of(DUMP, "batch-" + (++dumped) + ".txt"), String.join(" ", argv) + "\n" + stdin);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            processMs += ms;
            double from = (start - epoch) / 1e6;
            log.add(String.format(Locale.ROOT, "%6.1f..%6.1f %7.1f ms  %s%s", from, from + ms, ms, String.join(" ", argv.subList(0, Math.min(argv.size(), 8))),
                    stdin == null ? "" : "  (" + stdin.lines().count() + " lines in)"));
        }
    }

    private ApplyBenchmark(int apps, boolean perCommand, int rounds, boolean verbose) throws IOException {
        this.apps = apps;
        this.verbose = verbose;
        this.perCommand = perCommand;
        this.rounds = rounds;
        // records live under /run (a tmpfs) on a real host, as LinuxSubstrate.DEFAULT_STATE does
        Files.createDirectories(Path.of("/run/netpersona"));
        this.state = Files.createTempDirectory(Path.of("/run/netpersona"), "bench-");
    }

    public static void main(String[] args) throws Exception {
        int apps = 1000;
        int rounds = 5;
        boolean perCommand = true;
        boolean verbose = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--apps" -> apps = Integer.parseInt(args[++i]);
                case "--batched-only" -> perCommand = false;
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "-v", "--verbose" -> verbose = true;
                case "-h", "--help" -> {
                    System.out.println("""
                            usage: bench/run [--apps N] [--rounds R] [--batched-only] [--verbose]
                            Applies QoS + firewall personas for N applications (default 1000) behind one host,
                            batched (once in a cold JVM, then warm-up rounds until the compilers are done with
                            the path (at most 15), then R times in the warm JVM, default 5: the median counts) and
                            then one process per command, and prints both times and their ratio.
                            --verbose also prints where each batched apply spent its time, phase by phase.
                            Needs root (it builds network namespaces named npb-*, and removes them).""");
                    return;
                }
                default -> {
                    System.err.println("bench: unknown argument " + args[i] + " (see --help)");
                    System.exit(2);
                }
            }
        }
        if (apps < 1 || apps > 4000) {
            System.err.println("bench: --apps " + apps + " (expected: 1..4000)");
            System.exit(2);
        }
        if (rounds < 1 || rounds > 50) {
            System.err.println("bench: --rounds " + rounds + " (expected: 1..50)");
            System.exit(2);
        }
        ApplyBenchmark b = new ApplyBenchmark(apps, perCommand, rounds, verbose);
        Thread hook = new Thread(b::cleanup);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            b.run();
        } finally {
            b.cleanup();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    private void run() {
        cleanup();
        long t = System.nanoTime();
        build();
        System.out.printf(Locale.ROOT, "built %d application namespaces behind %s in %.1f s%n", apps, HOST, secs(t));
        HostPicture picture = new HostPicture(List.of(new HostPicture.Host("bench", HOST, "up0", Rate.parse("10Gbit"),
                null, names())));
        LinuxSubstrate substrate = new LinuxSubstrate(commands, state, picture, Clock.systemUTC());

        // the agent that applies personas runs for long: its JVM is warm. Warm means the compilers are done with
        // this path: on two cores, compiling takes the CPU the apply's own threads need (a round's CPU fell from
        // 390-440 ms in the first five rounds to 220-300 ms after them). So rounds are repeated, each reported,
        // until one in which the compilers worked under WARM_COMPILE_MS in all (at most MAX_WARMUP rounds); of the
        // rounds after that, the median is reported (the machine may be shared: one round can be unlucky)
        Result cold = applyAll(substrate, "batched, cold JVM");
        List<Double> warmup = new ArrayList<>();
        long compiling = compileMs();
        for (int r = 0; r < MAX_WARMUP; r++) {
            remove(substrate);
            Result w = applyAll(substrate, "batched, warm-up " + (r + 1));
            long now = compileMs();
            System.out.printf(Locale.ROOT, "    the compilers' time during this round (removal, plan, apply): %d ms%n", now - compiling);
            warmup.add(w.applyMs());
            if (now - compiling < WARM_COMPILE_MS) {
                warmedUp = true;
                break;
            }
            compiling = now;
        }
        this.warmup = warmup;
        long measuredFrom = compileMs();
        List<Result> warm = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            remove(substrate);
            warm.add(applyAll(substrate, "batched, round " + (r + 1)));
        }
        this.measuredCompileMs = compileMs() - measuredFrom;
        List<Result> byApply = new ArrayList<>(warm);
        byApply.sort(Comparator.comparingDouble(Result::applyMs));
        Result batched = byApply.get(rounds / 2);
        List<Result> byPlan = new ArrayList<>(warm);
        byPlan.sort(Comparator.comparingDouble(Result::planMs));
        double planMedian = byPlan.get(rounds / 2).planMs();
        List<Result> byBoth = new ArrayList<>(warm);
        byBoth.sort(Comparator.comparingDouble(r -> r.planMs() + r.applyMs()));
        double bothMedian = byBoth.get(rounds / 2).planMs() + byBoth.get(rounds / 2).applyMs();
        String batchedState = kernelState();
        Sampling sampling = sample(substrate);
        remove(substrate);
        Result separate = null;
        boolean same = false;
        if (perCommand) {
            substrate.applyOnePerCommand(true);
            separate = applyAll(substrate, "one process per command");
            same = kernelState().equals(batchedState);
            substrate.applyOnePerCommand(false);
            remove(substrate);
        }
        report(cold, batched, planMedian, bothMedian, separate, same);
        System.out.printf(Locale.ROOT, "  metrics of %d applications   %8.1f ms  %6d processes per sample (median of %d; "
                + "target: well under a second, to sample every second)%n", sampling.apps(), sampling.medianMs(),
                sampling.processes(), SAMPLES);
    }

    private static final int SAMPLES = 7;

    private record Sampling(int apps, double medianMs, long processes) {}

    /** What sampling every application's metrics costs: counters, queues, sockets and devices of up to 100. */
    private Sampling sample(LinuxSubstrate substrate) {
        List<Persona> some = new ArrayList<>();
        for (int i = 0; i < Math.min(apps, 100); i++) {
            some.add(persona(i));
        }
        var first = substrate.sample(some); // warms this JVM
        if (first.size() != some.size() || first.values().stream().anyMatch(m -> m.queues().isEmpty())) {
            throw new IllegalStateException("a sample without every application's queue: " + first.keySet());
        }
        List<Double> ms = new ArrayList<>();
        long processes = 0;
        for (int i = 0; i < SAMPLES; i++) {
            long before = commands.started();
            long t = System.nanoTime();
            substrate.sample(some);
            ms.add(ms(t));
            processes = commands.started() - before;
        }
        ms.sort(null);
        return new Sampling(some.size(), ms.get(SAMPLES / 2), processes);
    }

    /** The compilers' time in this JVM so far (every compiler thread), in milliseconds. */
    private static long compileMs() {
        return java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    private record Result(String how, double planMs, long planProcesses, double applyMs, double processMs, long processes) {}

    /**
     * The personas, read once: an agent reads a persona when it changes, not before every apply. Read again every
     * round, their YAML kept the optimizing compiler busy for 2-3 s of CPU (the YAML scanner and parser, the
     * model's reader) in the first rounds, beside the applies measured. The objects are immutable records.
     */
    private List<Persona> personas;

    private List<Persona> personas() {
        if (personas == null) {
            List<Persona> out = new ArrayList<>();
            for (int i = 0; i < apps; i++) {
                out.add(persona(i));
            }
            personas = List.copyOf(out);
        }
        return personas;
    }

    private Result applyAll(LinuxSubstrate substrate, String how) {
        List<Persona> personas = personas();
        long planned = commands.started();
        long t0 = System.nanoTime();
        long planAllocated = allocatedBytes();
        List<ChangeSet> plans = substrate.planAll(personas);
        planAllocated = allocatedBytes() - planAllocated;
        double planMs = ms(t0);
        long planProcesses = commands.started() - planned;
        long before = commands.started();
        commands.log.clear();
        commands.processMs = 0;
        long t1 = System.nanoTime();
        commands.epoch = t1;
        long cpu = cpuNanos();
        long allocated = allocatedBytes();
        substrate.applyAll(plans);
        double applyMs = ms(t1);
        double cpuMs = (cpuNanos() - cpu) / 1e6;
        double allocatedMb = (allocatedBytes() - allocated) / 1e6;
        long processes = commands.started() - before;
        System.out.printf(Locale.ROOT, "%-26s plan %8.0f ms (%5d processes)   apply %9.1f ms (in processes %9.1f ms)   %6d processes%n",
                how + ":", planMs, planProcesses, applyMs, commands.processMs, processes);
        if (processes < 20) {
            commands.log.forEach(l -> System.out.println("    " + l));
        }
        if (verbose && processes < 20) {
            substrate.lastApplyTimings().phases().forEach(l -> System.out.println("    " + l));
            // what this JVM worked meanwhile (every thread: the JIT's and the collector's too, and the tc requests'
            // kernel time): a shared machine stretches the wall clock more than this
            System.out.printf(Locale.ROOT, "    CPU of this JVM during the apply (all threads): %.1f ms; allocated: %.1f MB (the plan: %.1f MB)%n", cpuMs, allocatedMb, planAllocated / 1e6);
        }
        int classes = (int) commands.check(List.of("tc", "-n", HOST, "class", "show", "dev", "up0"), null)
                .lines().filter(l -> l.startsWith("class htb ")).count();
        if (classes != apps + 2) {
            throw new IllegalStateException("expected " + (apps + 2) + " HTB classes on up0 after applying, found " + classes);
        }
        return new Result(how, planMs, planProcesses, applyMs, commands.processMs, processes);
    }

    private void remove(LinuxSubstrate substrate) {
        List<String> names = new ArrayList<>();
        for (Persona p : personas()) {
            names.add(p.name());
        }
        List<ChangeSet> removals = substrate.planRemovals(names);
        long t = System.nanoTime();
        substrate.applyAll(removals);
        System.out.printf(Locale.ROOT, "%-26s %.1f ms%n", "removal (batched):", ms(t));
        String nft = commands.run(List.of("ip", "netns", "exec", HOST, "nft", "list", "ruleset"), null).stdout();
        String qdisc = commands.check(List.of("tc", "-n", HOST, "qdisc", "show", "dev", "up0"), null);
        if (!nft.isBlank() || qdisc.contains("htb")) {
            throw new IllegalStateException("the host is not clean after removing every persona:\n" + nft + qdisc);
        }
    }

    /** The host's tc classes and qdiscs and its nftables table, as the kernel prints them, without counters. */
    private String kernelState() {
        return commands.check(List.of("tc", "-n", HOST, "class", "show", "dev", "up0"), null)
                + commands.check(List.of("tc", "-n", HOST, "qdisc", "show", "dev", "up0"), null)
                + commands.check(List.of("ip", "netns", "exec", HOST, "nft", "list", "table", "inet", "netpersona"), null)
                        .replaceAll("packets \\d+ bytes \\d+", "");
    }

    private void report(Result cold, Result batched, double planMedian, double bothMedian, Result separate, boolean same) {
        System.out.println();
        System.out.printf(Locale.ROOT, "QoS + firewall personas for %d applications behind one host (apply only)%n", apps);
        System.out.printf(Locale.ROOT, "  batched, first in this JVM %9.1f ms  (plan %.0f ms)%n", cold.applyMs(), cold.planMs());
        System.out.printf(Locale.ROOT, "  warm-up: %d rounds, %s (applies %s ms); the compilers' time in the measured rounds: %d ms%n",
                warmup.size(), warmedUp ? "until the compilers worked under " + WARM_COMPILE_MS + " ms in one"
                        : "the most it makes (the compilers never worked under " + WARM_COMPILE_MS + " ms in one)",
                warmup.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList(), measuredCompileMs);
        // the first warm rounds as this benchmark measured them before it warmed up (sessions 1-7): comparable figures
        List<Double> early = new ArrayList<>(warmup.subList(0, Math.min(EARLY, warmup.size())));
        early.sort(null);
        double earlyMedian = early.get(early.size() / 2);
        System.out.printf(Locale.ROOT, "  batched, rounds 2-%d in this JVM (median of the first %d warm-up rounds) %.1f ms: under 150 ms %s%n",
                early.size() + 1, early.size(), earlyMedian, earlyMedian < 150 ? "met" : "NOT met");
        System.out.printf(Locale.ROOT, "  batched after warm-up (median of %d) %5.1f ms  %6d processes  (plan %.0f ms, %d processes; plan + apply %.0f ms)%n",
                rounds, batched.applyMs(), batched.processes(), planMedian, batched.planProcesses(), bothMedian);
        if (separate != null) {
            double ratio = separate.applyMs() / batched.applyMs();
            System.out.printf(Locale.ROOT, "  one process per command   %10.1f ms  %6d processes%n", separate.applyMs(),
                    separate.processes());
            System.out.printf(Locale.ROOT, "  ratio                     %10.1fx  (target: at least 20x)  %s%n", ratio,
                    ratio >= 20 ? "met" : "NOT met");
            System.out.printf(Locale.ROOT, "  same kernel state         %s%n", same ? "yes" : "NO: the two paths differ");
        }
        System.out.printf(Locale.ROOT, "  batched after warm-up under 150 ms  %s%n", batched.applyMs() < 150 ? "met" : "NOT met");
    }

    /** One application's persona: a QoS class and a firewall with a few allowed flows and a limit. */
    private Persona persona(int i) {
        return PersonaCodec.readYaml("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: app-%d}
                spec:
                  app: {netns: %s}
                  qos: {priority: %d, dscp: AF21, guaranteedRate: 1Mbit, ceilRate: 500Mbit}
                  security:
                    defaultAction: drop
                    allow:
                      - {direction: ingress, proto: tcp, port: 8080}
                      - {direction: ingress, proto: udp, from: 10.0.0.0/8, port: 5353}
                      - {direction: egress, proto: tcp, to: 10.201.2.0/24, port: 5432}
                    limits: {newConnectionsPerSecond: 200}
                """.formatted(i, appNs(i), i % 8));
    }

    private static String appNs(int i) {
        return PREFIX + "a" + i;
    }

    private List<String> names() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < apps; i++) {
            out.add(appNs(i));
        }
        return out;
    }

    /** The host with an uplink and a bridge, and every application in its namespace on that bridge. */
    private void build() {
        StringBuilder ns = new StringBuilder("netns add " + HOST + "\nnetns add " + PREFIX + "up\n");
        names().forEach(n -> ns.append("netns add ").append(n).append('\n'));
        commands.check(List.of("ip", "-batch", "-"), ns.toString());
        StringBuilder host = new StringBuilder("""
                link set lo up
                link add br0 type bridge
                link set br0 up
                addr add 10.128.255.254/16 dev br0
                link add up0 type veth peer name up1 netns %sup
                link set up0 up
                addr add 10.129.0.1/30 dev up0
                """.formatted(PREFIX));
        for (int i = 0; i < apps; i++) {
            host.append("link add v").append(i).append(" type veth peer name eth0 netns ").append(appNs(i)).append('\n');
            host.append("link set v").append(i).append(" master br0 up\n");
        }
        commands.check(List.of("ip", "-n", HOST, "-batch", "-"), host.toString());
        for (int i = 0; i < apps; i++) {
            commands.check(List.of("ip", "-n", appNs(i), "-batch", "-"), """
                    link set lo up
                    link set eth0 up
                    addr add 10.128.%d.%d/16 dev eth0
                    route add default via 10.128.255.254
                    """.formatted(i / 250, i % 250 + 1));
        }
    }

    private void cleanup() {
        StringBuilder del = new StringBuilder();
        for (String line : commands.run(List.of("ip", "netns", "list"), null).stdout().lines().toList()) {
            String name = line.split(" ")[0];
            if (name.startsWith(PREFIX)) {
                del.append("netns del ").append(name).append('\n');
            }
        }
        if (!del.isEmpty()) {
            commands.run(List.of("ip", "-force", "-batch", "-"), del.toString());
        }
        try (var files = Files.walk(state)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary folder; the machine's cleanup takes what is left
        }
    }

    /** Bytes allocated so far by every thread of this JVM (a collection may come from it: the apply's garbage). */
    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    private static double secs(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
