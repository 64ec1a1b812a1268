package io.netpersona.bench;

import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.netpersona.identity.CertificateDir;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Simulated agents against one control plane on this machine. The control plane runs in a JVM of its own
 * ({@link FleetControl}); the agents run in this one, each with its own node certificate, TLS connection and
 * stream, each sending observations every second (spread over the second, as independent hosts do). A
 * persona assigned to every node changes several times; for each change it prints the time from the REST
 * request to each agent's receipt (p50, p99, the last agent) and until the control plane had every ack,
 * then the control plane's CPU and memory.
 * {@code bench/run agents --agents 1000,5000,10000 --changes 5 [--control-jvm "-XX:StartFlightRecording=..."]}
 */
public final class AgentsBenchmark {
    private static final String PERSONA = """
            apiVersion: netpersona.io/v1
            kind: Persona
            metadata: {name: fleet}
            spec:
              app: {netns: fleet}
              mtu: %d
            """;
    private static final Pattern ACKS = Pattern.compile("(?m)^netpersona_acks_received_total ([0-9.E]+)");
    private static final int TICKS_PER_SECOND = 100;

    private AgentsBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<Integer> counts = List.of(1000);
        int changes = 5;
        List<String> controlJvm = List.of();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--agents" -> counts = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                case "--changes" -> changes = Integer.parseInt(args[++i]);
                case "--control-jvm" -> controlJvm = Arrays.stream(args[++i].trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]
                        + " (expected: --agents N[,N...] --changes K --control-jvm 'JVM OPTIONS')");
            }
        }
        Path target = Path.of(System.getProperty("netpersona.bench.target", "bench/target"));
        CertificateDir certs = FleetCerts.prepare(target.resolve("agents-certs"), counts.stream().max(Integer::compare).orElse(0));
        for (int n : counts) {
            run(n, changes, certs, target, controlJvm);
        }
    }

    private static void run(int n, int changes, CertificateDir certs, Path target, List<String> controlJvm) throws Exception {
        Path tmp = Files.createTempDirectory("np-agents-bench");
        Path log = target.resolve("agents-control-" + n + ".log");
        // the native transport: fewer copies and system calls per message than NIO's, for 10,000 connections
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        List<SimulatedAgent> agents = new ArrayList<>();
        try (ControlProcess cp = new ControlProcess(tmp.resolve("data"), certs.dir(), log, controlJvm)) {
            Rest rest = new Rest(cp.httpPort, Files.readString(tmp.resolve("data/admin.token")).strip());
            rest.send("POST", "personas", PERSONA.formatted(1400));
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                agents.add(new SimulatedAgent(certs, FleetCerts.node(i), cp.grpcPort, group));
            }
            try (ExecutorService connectors = Executors.newFixedThreadPool(32)) {
                agents.forEach(a -> connectors.submit(() -> {
                    try {
                        a.connect();
                    } catch (RuntimeException e) {
                        a.failure = e;
                    }
                }));
            }
            for (SimulatedAgent a : agents) {
                if (a.failure != null || !a.caughtUp.await(120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(a.node + " never caught up" + (a.failure == null ? "" : ": " + a.failure));
                }
            }
            System.out.printf("%d agents connected (each its own TLS connection and certificate) in %.1f s%n", n, (System.nanoTime() - t) / 1e9);
            t = System.nanoTime();
            try (ExecutorService assigners = Executors.newFixedThreadPool(8)) {
                agents.forEach(a -> assigners.submit(() -> rest.send("PUT", "assignments/fleet/" + a.node, null)));
            }
            await(agents, 1);
            System.out.printf("%d agents assigned one by one through the REST API in %.1f s%n", n, (System.nanoTime() - t) / 1e9);
            // this JVM's young generation emptied (the connections' state promoted, in a collection of its own
            // outside the measurement): what the agents allocate from here on fits in it (bench/run)
            System.gc();
            AtomicLong tick = new AtomicLong();
            ticker.scheduleAtFixedRate(() -> {
                // each agent once a second, a hundredth of them every 10 ms
                int slice = (int) (tick.getAndIncrement() % TICKS_PER_SECOND);
                for (int i = slice; i < agents.size(); i += TICKS_PER_SECOND) {
                    agents.get(i).observe();
                }
            }, 0, 1000 / TICKS_PER_SECOND, TimeUnit.MILLISECONDS);
            Thread.sleep(3000);

            long cpuSteady0 = cp.cpu().toNanos();
            long wallSteady0 = System.nanoTime();
            Thread.sleep(5000);
            double steady = (cp.cpu().toNanos() - cpuSteady0) / (double) (System.nanoTime() - wallSteady0);

            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = cp.cpu().toNanos();
            long agentsCpu0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            List<Long> all = new ArrayList<>();
            for (int k = 1; k <= changes; k++) {
                long acks0 = acks(rest);
                long changeCpu0 = cp.cpu().toNanos();
                long t0 = System.nanoTime();
                rest.send("POST", "personas", PERSONA.formatted(1400 - k));
                long version = 1 + k;
                await(agents, version);
                long acked = awaitAcks(rest, acks0 + n);
                long ackMs = (acked - t0) / 1_000_000;
                // what the change cost the control plane beyond its observations-only rate: a figure the other
                // processes on a shared machine delay but do not inflate, unlike the times
                long changeCpuMs = Math.max(0, (long) ((cp.cpu().toNanos() - changeCpu0 - steady * (System.nanoTime() - t0)) / 1e6));
                long[] ms = agents.stream().mapToLong(a -> (a.arrivals.get(version) - t0) / 1_000_000).sorted().toArray();
                Arrays.stream(ms).forEach(all::add);
                System.out.printf("%d agents, change %d: p50 %d ms, p99 %d ms, last agent %d ms; every ack back at the control plane %d ms;"
                        + " control plane CPU for the change about %d ms%n", n, k, ms[ms.length / 2], percentile(ms, 0.99), ms[ms.length - 1],
                        ackMs, changeCpuMs);
                Thread.sleep(1000);
            }
            double cpu = (cp.cpu().toNanos() - cpu0) / (double) (System.nanoTime() - wall0);
            double agentsCpu = (os.getProcessCpuTime() - agentsCpu0) / (double) (System.nanoTime() - wall0);
            long[] pooled = all.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("%d agents, %d changes: p50 %d ms, p99 %d ms, max %d ms (the time from the REST request to an agent's receipt)%n",
                    n, changes, pooled[pooled.length / 2], percentile(pooled, 0.99), pooled[pooled.length - 1]);
            System.out.printf("%d agents: control plane (pid %d) CPU %.0f%% of one core with observations only (%d/s), %.0f%% while changing;"
                    + " RSS %d MiB, heap after GC %d MiB; the agents' JVM %.0f%%; load average %s%n", n, cp.pid(), steady * 100, n, cpu * 100,
                    cp.rssKib() >> 10, cp.heapMib(), agentsCpu * 100, Files.readString(Path.of("/proc/loadavg")).strip());
        } finally {
            ticker.shutdownNow();
            agents.forEach(SimulatedAgent::close);
            // the channels finish closing on the event loops: stop those only after
            agents.forEach(SimulatedAgent::awaitClosed);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            try (var files = Files.walk(tmp)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static long percentile(long[] sorted, double q) {
        return sorted[(int) Math.ceil(sorted.length * q) - 1];
    }

    private static long acks(Rest rest) {
        Matcher m = ACKS.matcher(rest.get("/metrics"));
        if (!m.find()) {
            throw new IllegalStateException("/metrics: no netpersona_acks_received_total");
        }
        return (long) Double.parseDouble(m.group(1));
    }

    /** The time (nanoTime) at which the control plane had counted {@code total} acks. */
    private static long awaitAcks(Rest rest, long total) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (acks(rest) < total) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the control plane never counted " + total + " acks");
            }
            Thread.sleep(5);
        }
        return System.nanoTime();
    }

    private static void await(List<SimulatedAgent> agents, long version) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (SimulatedAgent a : agents) {
            while (!a.arrivals.containsKey(version)) {
                if (a.failure != null || System.nanoTime() > deadline) {
                    throw new IllegalStateException(a.node + " never got version " + version + (a.failure == null ? "" : ": " + a.failure));
                }
                Thread.sleep(2);
            }
        }
    }
}
