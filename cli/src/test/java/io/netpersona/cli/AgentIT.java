package io.netpersona.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The distributed system end to end with real processes on loopback: persona serve (embedded store), two
 * persona agent processes each managing its own namespace, and the operator commands through ./persona.
 * The kernel's own JSON says what reached which host.
 */
class AgentIT {
    private static final Path JAR = Path.of(System.getProperty("persona.jar", "target/persona.jar")).toAbsolutePath();
    private static final Pattern LISTEN = Pattern.compile("agents on [^:]+:(\\d+) .*REST API on (http://127\\.0\\.0\\.1:\\d+)/api/v1/");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;
    String prefix;
    final List<String> namespaces = new ArrayList<>();
    final List<Process> processes = new ArrayList<>();
    Process serve;
    int grpcPort;
    int httpPort;
    Map<String, String> env;

    static Processes.Run sh(String... argv) throws Exception {
        return Processes.run(Path.of("/"), Map.of(), null, List.of(argv));
    }

    @BeforeEach
    void hosts() throws Exception {
        prefix = "ag" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        assumeTrue(sh("ip", "netns", "add", prefix + "h1").code() == 0,
                "skipped: cannot create network namespaces here (needs root); CI runs these as root");
        namespaces.add(prefix + "h1");
        // each node's application namespace, with a link whose MTU and firewall the personas set
        for (String n : List.of("1", "2")) {
            String app = prefix + "a" + n;
            String peer = prefix + "p" + n;
            assertThat(sh("ip", "netns", "add", app).code()).isZero();
            namespaces.add(app);
            assertThat(sh("ip", "netns", "add", peer).code()).isZero();
            namespaces.add(peer);
            assertThat(sh("ip", "-n", app, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", peer).code()).isZero();
            sh("ip", "-n", app, "link", "set", "eth0", "up");
        }
        Files.writeString(dir.resolve("picture.json"), "{\"hosts\": []}");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        for (String ns : namespaces) {
            sh("ip", "netns", "del", ns);
            sh("rm", "-rf", "/etc/netns/" + ns);
        }
    }

    @Test
    void personasReachTheRightHostRollOutRollBackAreNackedAndSurviveCrashes() throws Exception {
        Path certs = dir.resolve("certs");
        assertThat(PersonaCommandIT.persona(null, "certs", "init", certs.toString()).code()).isZero();
        for (String node : List.of("node-1", "node-2")) {
            assertThat(PersonaCommandIT.persona(null, "certs", "issue", certs.toString(), node).code()).isZero();
        }
        startServe(certs, 0);
        Process agent1 = startAgent(certs, "node-1");
        Process agent2 = startAgent(certs, "node-2");
        String a1 = prefix + "a1", a2 = prefix + "a2";

        ok("apply", "-f", personaFile("web", a1, 1400).toString());
        ok("assign", "web", "--node", "node-1");
        // the MTU and the firewall are two batches of one apply: the agent's ACK comes after both
        awaitRunning("node-1", "web", 1);
        assertThat(mtu(a1)).isEqualTo(1400);
        assertThat(nftTables(a1)).as("the firewall table, from the kernel").isNotEmpty();
        assertThat(mtu(a2)).as("node-2 was assigned nothing").isEqualTo(1500);
        assertThat(nftTables(a2)).isEmpty();
        assertThat(agent(agentsJson(), "node-2").get("running")).isEmpty();

        // a new version rolls out, a rollback restores the old one (as a new version)
        ok("apply", "-f", personaFile("web", a1, 1300).toString());
        long applied = System.nanoTime();
        await("web@2 in " + a1, () -> mtu(a1), m -> m == 1300);
        // informative, not asserted: polled every 200 ms on a shared machine
        System.out.printf("AgentIT: a new version reached the kernel %d ms after persona apply returned%n",
                (System.nanoTime() - applied) / 1_000_000);
        awaitRunning("node-1", "web", 2);
        ok("rollback", "web", "--to", "1");
        await("web@3 (= 1) in " + a1, () -> mtu(a1), m -> m == 1400);
        awaitRunning("node-1", "web", 3);

        // a persona this host cannot realise is NACKed with its reason; the last good one keeps running
        ok("apply", "-f", personaFile("web", prefix + "zz", 1280).toString());
        JsonNode nacked = await("the NACK of web@4", this::agentsJson, a -> agent(a, "node-1").at("/lastNack/version").asInt() == 4);
        assertThat(agent(nacked, "node-1").at("/lastNack/reason").asString())
                .isEqualTo("spec.app.netns: " + prefix + "zz (expected: an existing network namespace; ip netns list shows the ones here)");
        assertThat(agent(nacked, "node-1").at("/running/web").asInt()).isEqualTo(3);
        assertThat(mtu(a1)).isEqualTo(1400);
        ok("rollback", "web", "--to", "2");
        await("web@5 (= 2) in " + a1, () -> mtu(a1), m -> m == 1300);
        awaitRunning("node-1", "web", 5);

        // the control plane dies: the agents keep their personas, and reconnect to the one that comes back
        serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        awaitLog("node-1", "retrying in", 1);
        assertThat(mtu(a1)).isEqualTo(1300);
        long restarted = System.nanoTime();
        startServe(certs, grpcPort);
        awaitLog("node-1", "connected to the control plane", 2);
        awaitLog("node-2", "connected to the control plane", 2);
        System.out.printf("AgentIT: both agents reconnected %d ms after the control plane was started again%n",
                (System.nanoTime() - restarted) / 1_000_000);
        JsonNode personas = JSON.readTree(ok("get", "personas", "-o", "json"));
        assertThat(personas.get(0).get("version").asInt()).as("no version lost").isEqualTo(5);
        ok("apply", "-f", personaFile("web", a1, 1400).toString());
        await("web@6 after the restart", () -> mtu(a1), m -> m == 1400);
        awaitRunning("node-1", "web", 6);

        // the agent dies in the middle of an apply: its intent is saved, the host is not done; a restart converges
        Path lock = dir.resolve("host-node-1").resolve("lock");
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = ch.lock()) {
            ok("apply", "-f", personaFile("web", a1, 1300).toString());
            await("node-1 saved web@7 and is applying it", () -> agentState("node-1"),
                    s -> s.at("/desired/web/version").asInt() == 7 && s.at("/running/web/version").asInt() == 6);
            agent1.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(mtu(a1)).as("the host was not changed yet").isEqualTo(1400);
        Process agent1b = startAgent(certs, "node-1");
        await("web@7 after the agent's restart", () -> mtu(a1), m -> m == 1300);
        awaitRunning("node-1", "web", 7);
        assertThat(Files.readString(dir.resolve("agent-node-1.log"))).contains("web: version 7 runs (converged after the agent's start)");

        // the agent dies halfway through the kernel's batches of an apply (the firewall's batch held back)
        Path shims = dir.resolve("shims");
        Files.createFile(shims.resolve("armed"));
        ok("apply", "-f", personaFile("web", a1, 1280, 9090).toString());
        Path reached = shims.resolve("reached");
        await("node-1's apply of web@8 reached the firewall", () -> Files.exists(reached), r -> r);
        long shimPid = Long.parseLong(Files.readString(reached).strip());
        agent1b.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        ProcessHandle.of(shimPid).ifPresent(ProcessHandle::destroyForcibly); // its batch dies with the agent
        Files.delete(shims.resolve("armed"));
        assertThat(mtu(a1)).as("the MTU's batch ran before the firewall's: half of the apply is in the kernel").isEqualTo(1280);
        assertThat(nftRuleset(a1)).as("the firewall's batch never ran").contains("8080").doesNotContain("9090");
        startAgent(certs, "node-1");
        awaitRunning("node-1", "web", 8);
        assertThat(mtu(a1)).isEqualTo(1280);
        assertThat(nftRuleset(a1)).contains("9090").doesNotContain("8080");
        assertThat(Files.readString(dir.resolve("agent-node-1.log"))).contains("web: version 8 runs (converged after the agent's start)");

        // SIGTERM: the agent stops cleanly and the personas stay
        agent2.destroy();
        assertThat(agent2.waitFor(20, TimeUnit.SECONDS)).as("node-2 stops within 20 s of SIGTERM").isTrue();
        for (String node : List.of("node-1", "node-2")) {
            String log = Files.readString(dir.resolve("agent-" + node + ".log"));
            assertThat(log).as("no stack trace in the agent's output").doesNotContain("\tat ");
        }
        assertThat(Files.readString(dir.resolve("agent-node-2.log"))).contains("stopping: the stream closes, every persona stays as it is");
        assertThat(mtu(a1)).isEqualTo(1280);
    }

    private void startServe(Path certs, int port) throws Exception {
        serve = new ProcessBuilder(java(), "-XX:+UseSerialGC", "-jar", JAR.toString(), "serve", "--data", dir.resolve("data").toString(),
                "--certs", certs.toString(), "--grpc-port", String.valueOf(port), "--grpc-host", "127.0.0.1", "--http-port",
                String.valueOf(httpPort)).redirectError(dir.resolve("serve.err").toFile()).start();
        processes.add(serve);
        BufferedReader r = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
        String first = r.readLine();
        assertThat(first).as("serve ended before it listened: " + Files.readString(dir.resolve("serve.err"))).isNotNull();
        Matcher m = LISTEN.matcher(first);
        assertThat(m.find()).as(first).isTrue();
        grpcPort = Integer.parseInt(m.group(1));
        String url = m.group(2);
        httpPort = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
        env = new HashMap<>();
        env.put("PERSONA_SERVER", url);
        env.put("PERSONA_TOKEN", Files.readString(dir.resolve("data").resolve("admin.token")).strip());
        env.put("JAVA_HOME", null);
        Thread.ofVirtual().start(() -> r.lines().forEach(l -> {})); // keeps serve's output from filling the pipe
    }

    private Process startAgent(Path certs, String node) throws Exception {
        ProcessBuilder p = new ProcessBuilder(java(), "-XX:+UseSerialGC", "-jar", JAR.toString(), "agent", "--server", "127.0.0.1:" + grpcPort,
                "--certs", certs.toString(), "--node", node, "--state", dir.resolve("agent-" + node).toString(),
                "--host-state", dir.resolve("host-" + node).toString(), "--picture", dir.resolve("picture.json").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("agent-" + node + ".log").toFile()));
        p.environment().put("PATH", shims() + ":" + System.getenv("PATH"));
        Process started = p.start();
        processes.add(started);
        return started;
    }

    /**
     * A stand-in for nft first on the agents' PATH. It runs the real one with the same arguments (no shell),
     * except while the test has armed it: then an apply ({@code nft -f}) waits there, its pid in
     * {@code reached}, so that the agent can be killed with part of its apply done and part not.
     */
    private Path shims() throws Exception {
        Path d = dir.resolve("shims");
        Path nft = d.resolve("nft");
        if (!Files.exists(nft)) {
            Files.createDirectories(d);
            Files.writeString(nft, """
                    #!/usr/bin/python3
                    import os, sys, time
                    here = os.path.dirname(os.path.abspath(__file__))
                    if "-f" in sys.argv[1:] and "-c" not in sys.argv[1:] and os.path.exists(os.path.join(here, "armed")):
                        with open(os.path.join(here, "reached.tmp"), "w") as f:
                            f.write(str(os.getpid()))
                        os.rename(os.path.join(here, "reached.tmp"), os.path.join(here, "reached"))
                        deadline = time.time() + 60
                        while os.path.exists(os.path.join(here, "armed")) and time.time() < deadline:
                            time.sleep(0.05)
                    os.execv("/usr/sbin/nft", ["nft"] + sys.argv[1:])
                    """);
            nft.toFile().setExecutable(true);
        }
        return d;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private Path personaFile(String name, String netns, int mtu) throws Exception {
        return personaFile(name, netns, mtu, 8080);
    }

    private Path personaFile(String name, String netns, int mtu, int port) throws Exception {
        Path f = dir.resolve(name + "-" + mtu + "-" + port + "-" + netns + ".yaml");
        Files.writeString(f, """
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: %s}
                spec:
                  app: {netns: %s}
                  mtu: %d
                  security:
                    defaultAction: drop
                    allow:
                      - {direction: ingress, proto: tcp, port: %d}
                """.formatted(name, netns, mtu, port));
        return f;
    }

    private String ok(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("./persona"));
        command.addAll(List.of(args));
        Processes.Run r = Processes.run(Processes.root(), env, null, command);
        assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isZero();
        return r.out();
    }

    private int mtu(String ns) {
        try {
            JsonNode links = JSON.readTree(sh("ip", "-n", ns, "-j", "link", "show", "eth0").out());
            return links.get(0).get("mtu").asInt();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private List<String> nftTables(String ns) throws Exception {
        JsonNode out = JSON.readTree(sh("ip", "netns", "exec", ns, "nft", "-j", "list", "tables").out());
        List<String> tables = new ArrayList<>();
        out.get("nftables").forEach(n -> {
            if (n.has("table")) {
                tables.add(n.get("table").get("name").asString());
            }
        });
        return tables;
    }

    private String nftRuleset(String ns) throws Exception {
        return sh("ip", "netns", "exec", ns, "nft", "-j", "list", "ruleset").out();
    }

    private JsonNode agentsJson() {
        try {
            return JSON.readTree(ok("get", "agents", "-o", "json"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode agent(JsonNode agents, String node) {
        for (JsonNode a : agents) {
            if (a.get("node").asString().equals(node)) {
                return a;
            }
        }
        return JSON.createObjectNode();
    }

    private JsonNode agentState(String node) {
        try {
            Path f = dir.resolve("agent-" + node).resolve("agent-state.json");
            return Files.exists(f) ? JSON.readTree(Files.readString(f)) : JSON.createObjectNode();
        } catch (Exception e) {
            return JSON.createObjectNode(); // read between its write and rename: the next poll sees it
        }
    }

    private void awaitRunning(String node, String persona, int version) {
        await(node + " runs " + persona + "@" + version, this::agentsJson, a -> agent(a, node).at("/running/" + persona).asInt() == version);
    }

    private void awaitLog(String node, String text, int times) {
        await(node + "'s log says '" + text + "' " + times + " time(s)", () -> {
            try {
                String log = Files.readString(dir.resolve("agent-" + node + ".log"));
                return (log.length() - log.replace(text, "").length()) / text.length();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, c -> c >= times);
    }

    /** Polls for up to 60 s (a loaded 2-core machine starts JVMs slowly); the message and the last value say what never happened. */
    private static <T> T await(String what, Supplier<T> value, Predicate<T> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            last = value.get();
            if (done.test(last)) {
                return last;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError(what + ": not within 60 s; last: " + last);
    }
}
