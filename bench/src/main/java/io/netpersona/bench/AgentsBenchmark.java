package io.netpersona.bench;

import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.netpersona.control.ControlPlane;
import io.netpersona.identity.CertificateAuthority;
import io.netpersona.identity.CertificateDir;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Simulated agents against one control plane on this machine: each with its own certificate, TLS
 * connection and stream, sending observations every second. A persona assigned to every node changes
 * several times; for each change it prints the time until each agent had the new version (p50, p99, the
 * last agent), with the process's CPU and memory. Both sides run in this one JVM, so the CPU is theirs
 * together. {@code bench/run agents --agents 1000,5000 --changes 5}
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

    private AgentsBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<Integer> counts = List.of(1000);
        int changes = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--agents" -> counts = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                case "--changes" -> changes = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument: " + args[i] + " (expected: --agents N[,N...] --changes K)");
            }
        }
        for (int n : counts) {
            run(n, changes);
        }
    }

    private static void run(int n, int changes) throws Exception {
        Path tmp = Files.createTempDirectory("np-agents-bench");
        Clock clock = Clock.systemUTC();
        CertificateDir certs = new CertificateDir(tmp.resolve("certs"));
        CertificateAuthority.init(certs.dir(), List.of(), clock, 30);
        IntStream.range(0, n).parallel().forEach(i -> CertificateAuthority.issue(certs.dir(), node(i), clock, 30));
        EventLoopGroup group = new NioEventLoopGroup(2);
        ExecutorService executor = Executors.newFixedThreadPool(4);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        List<SimulatedAgent> agents = new ArrayList<>();
        try (ControlPlane cp = ControlPlane.start(new ControlPlane.Config(tmp.resolve("data"), certs.dir(), "127.0.0.1", 0, "127.0.0.1", 0, null), clock)) {
            Rest rest = new Rest(cp.httpPort(), Files.readString(cp.adminTokenFile()).strip());
            rest.send("POST", "personas", PERSONA.formatted(1400));
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                agents.add(new SimulatedAgent(certs, node(i), cp.grpcPort(), group, executor));
            }
            try (ExecutorService connectors = Executors.newFixedThreadPool(8)) {
                for (SimulatedAgent a : agents) {
                    connectors.submit(a::connect);
                }
            }
            for (SimulatedAgent a : agents) {
                if (!a.caughtUp.await(120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(a.node + " never caught up" + (a.failure == null ? "" : ": " + a.failure));
                }
            }
            System.out.printf("%d agents connected in %.1f s%n", n, (System.nanoTime() - t) / 1e9);
            try (ExecutorService assigners = Executors.newFixedThreadPool(8)) {
                for (int i = 0; i < n; i++) {
                    String node = node(i);
                    assigners.submit(() -> rest.send("PUT", "assignments/fleet/" + node, null));
                }
            }
            await(agents, 1);
            ticker.scheduleAtFixedRate(() -> agents.forEach(SimulatedAgent::observe), 0, 1, TimeUnit.SECONDS);
            Thread.sleep(2000);

            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            for (int k = 1; k <= changes; k++) {
                long t0 = System.nanoTime();
                rest.send("POST", "personas", PERSONA.formatted(1400 - k));
                long version = 1 + k;
                await(agents, version);
                long[] ms = agents.stream().mapToLong(a -> (a.arrivals.get(version) - t0) / 1_000_000).sorted().toArray();
                System.out.printf("%d agents, change %d: p50 %d ms, p99 %d ms, last agent %d ms%n", n, k, ms[ms.length / 2],
                        ms[(int) Math.ceil(ms.length * 0.99) - 1], ms[ms.length - 1]);
                Thread.sleep(1000);
            }
            double cpu = (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - wall0);
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
            System.out.printf("%d agents: CPU %.0f%% of one core (control plane and agents together, observations every second), "
                    + "heap after GC %d MiB, RSS %d MiB%n", n, cpu * 100, heap, rssKib() >> 10);
        } finally {
            ticker.shutdownNow();
            agents.forEach(SimulatedAgent::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            executor.shutdownNow();
        }
    }

    private static void await(List<SimulatedAgent> agents, long version) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (SimulatedAgent a : agents) {
            while (!a.arrivals.containsKey(version)) {
                if (a.failure != null || System.nanoTime() > deadline) {
                    throw new IllegalStateException(a.node + " never got version " + version + (a.failure == null ? "" : ": " + a.failure));
                }
                Thread.sleep(5);
            }
        }
    }

    private static String node(int i) {
        return "sim-" + i;
    }

    private static long rssKib() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
            }
        }
        return 0;
    }

    /** The REST API, as an operator's tool calls it. */
    private record Rest(int port, String token) {
        private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        void send(String method, String path, String body) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/" + path))
                        .header("Authorization", "Bearer " + token)
                        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() >= 300) {
                    throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
