package io.netpersona.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.control.ControlPlane;
import io.netpersona.engine.EngineSettings;
import io.netpersona.identity.CertificateAuthority;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Agents with an in-memory host against a real control plane (embedded SQLite, mutual TLS on loopback). */
class AgentTest {
    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path certs;

    @TempDir
    Path tmp;
    Path data;
    ControlPlane cp;
    int grpcPort;
    String token;
    final List<Agent> agents = new ArrayList<>();
    final List<String> logged = Collections.synchronizedList(new ArrayList<>());
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void certificates() {
        CertificateAuthority.init(certs, List.of(), Clock.systemUTC(), 30);
        CertificateAuthority.issue(certs, "edge-01", Clock.systemUTC(), 30);
        CertificateAuthority.issue(certs, "edge-02", Clock.systemUTC(), 30);
    }

    @BeforeEach
    void start() throws Exception {
        data = tmp.resolve("data");
        cp = controlPlane(0);
        grpcPort = cp.grpcPort();
        token = Files.readString(cp.adminTokenFile()).strip();
    }

    ControlPlane controlPlane(int port) {
        return ControlPlane.start(new ControlPlane.Config(data, certs, "127.0.0.1", port, "127.0.0.1", 0, null), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        agents.forEach(Agent::close);
        if (cp != null) {
            cp.close();
        }
    }

    Agent agent(String node, FakeHost host) {
        Agent a = Agent.start(new Agent.Options("127.0.0.1", grpcPort, certs, node, tmp.resolve("state-" + node),
                line -> logged.add(node + ": " + line)).withBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
                .withEngine(EngineSettings.defaults().withInterval(Duration.ofMillis(200))), host);
        agents.add(a);
        return a;
    }

    static String persona(String name, String netns, int mtu) {
        return """
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: %s}
                spec:
                  app: {netns: %s}
                  mtu: %d
                """.formatted(name, netns, mtu);
    }

    JsonNode api(String method, String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.httpPort() + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isLessThan(300);
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }

    JsonNode agentState(String node) throws Exception {
        return api("GET", "/api/v1/agents/" + node, null);
    }

    /** Waits up to 15 s, polling; the message and the last value say what never happened. */
    static <T> T await(String what, Supplier<T> value, java.util.function.Predicate<T> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            last = value.get();
            if (done.test(last)) {
                return last;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError(what + ": not within 15 s; last: " + last);
    }

    static void await(String what, BooleanSupplier done) {
        await(what, done::getAsBoolean, b -> b);
    }

    JsonNode awaitAgent(String node, java.util.function.Predicate<JsonNode> done) {
        return await("agent " + node, () -> {
            try {
                return agentState(node);
            } catch (AssertionError | Exception e) {
                return tools.jackson.databind.node.MissingNode.getInstance(); // not registered yet
            }
        }, done);
    }

    @Test
    void assignmentsNewVersionsAndRemovalsReachTheRightHostOnly() throws Exception {
        FakeHost one = new FakeHost(), two = new FakeHost();
        Agent a1 = agent("edge-01", one);
        agent("edge-02", two);
        api("POST", "/api/v1/personas", persona("web", "web", 1400));
        api("PUT", "/api/v1/assignments/web/edge-01", null);
        await("web@1 on edge-01", () -> "1".equals(one.version("web")));
        awaitAgent("edge-01", n -> n.at("/running/web").asInt() == 1);
        assertThat(a1.running()).isEqualTo(Map.of("web", 1L));

        api("POST", "/api/v1/personas", persona("web", "web", 1300));
        await("web@2 on edge-01", () -> "2".equals(one.version("web")));
        awaitAgent("edge-01", n -> n.at("/running/web").asInt() == 2);
        assertThat(one.kernel.get("web").attr("mtu")).isEqualTo("1300");

        api("DELETE", "/api/v1/assignments/web/edge-01", null);
        await("web removed from edge-01", () -> one.version("web") == null);
        awaitAgent("edge-01", n -> n.get("running").isEmpty());
        assertThat(one.applies()).containsExactly("web@1", "web@2", "web@removed");
        assertThat(two.applies()).as("edge-02 was assigned nothing").isEmpty();
        assertThat(Files.readString(tmp.resolve("state-edge-01").resolve(LocalState.FILE))).doesNotContain("\"web\"");
    }

    @Test
    void anUnappliablePersonaIsNackedWithItsReasonAndTheOldVersionKeepsRunning() throws Exception {
        FakeHost host = new FakeHost();
        Agent a = agent("edge-01", host);
        api("POST", "/api/v1/personas", persona("web", "web", 1400));
        api("PUT", "/api/v1/assignments/web/edge-01", null);
        awaitAgent("edge-01", n -> n.at("/running/web").asInt() == 1);

        api("POST", "/api/v1/personas", persona("web", "missing", 1400));
        JsonNode refused = awaitAgent("edge-01", n -> n.at("/lastNack/version").asInt() == 2);
        assertThat(refused.at("/lastNack/reason").asString()).isEqualTo("spec.app.netns: missing (expected: an existing network namespace)");
        assertThat(refused.at("/running/web").asInt()).isEqualTo(1);
        assertThat(host.version("web")).isEqualTo("1");

        api("POST", "/api/v1/personas", persona("web", "web", 1234));
        JsonNode failed = awaitAgent("edge-01", n -> n.at("/lastNack/version").asInt() == 3);
        assertThat(failed.at("/lastNack/reason").asString()).contains("mtu 1234 refused by the fake", "put back");
        assertThat(failed.at("/running/web").asInt()).isEqualTo(1);
        assertThat(host.version("web")).isEqualTo("1");
        assertThat(a.running()).isEqualTo(Map.of("web", 1L));
        assertThat(host.applies()).containsExactly("web@1");

        // a good version after the refused ones rolls out as usual
        api("POST", "/api/v1/personas", persona("web", "web", 1300));
        awaitAgent("edge-01", n -> n.at("/running/web").asInt() == 4);
        assertThat(host.version("web")).isEqualTo("4");
    }

    @Test
    void whileTheControlPlaneIsDownEverythingKeepsRunningAndTheReconnectGetsOnlyWhatChanged() throws Exception {
        FakeHost host = new FakeHost();
        Agent a = agent("edge-01", host);
        api("POST", "/api/v1/personas", persona("web", "web", 1400));
        api("POST", "/api/v1/personas", persona("db", "db", 1400));
        api("PUT", "/api/v1/assignments/web/edge-01", null);
        api("PUT", "/api/v1/assignments/db/edge-01", null);
        awaitAgent("edge-01", n -> n.at("/running/web").asInt() == 1 && n.at("/running/db").asInt() == 1);

        cp.close();
        cp = null;
        await("the agent notices", () -> !a.connected());
        await("the agent retries, saying so", () -> logged.stream().filter(l -> l.contains("retrying in")).count() >= 2);
        assertThat(host.version("web")).isEqualTo("1");
        assertThat(a.running()).isEqualTo(Map.of("db", 1L, "web", 1L));
        assertThat(String.join("\n", logged)).doesNotContain("Exception", "\tat ")
                .containsPattern("control plane 127\\.0\\.0\\.1:" + grpcPort + ": unreachable \\(connection refused\\); retrying in "
                        + "\\d+\\.\\d s; everything keeps running meanwhile");

        // meanwhile an operator changes one persona through a control plane the agent does not reach
        try (ControlPlane elsewhere = controlPlane(0)) {
            cp = elsewhere;
            api("POST", "/api/v1/personas", persona("web", "web", 1300));
        }
        cp = controlPlane(grpcPort);
        await("reconnected", a::connected);
        awaitAgent("edge-01", n -> n.at("/running/web").asInt() == 2 && n.at("/running/db").asInt() == 1);
        List<String> applies = host.applies();
        assertThat(applies.subList(0, 2)).containsExactlyInAnyOrder("web@1", "db@1");
        assertThat(applies.subList(2, applies.size())).as("only the changed persona was sent and applied again").containsExactly("web@2");
    }

    @Test
    void aRestartedAgentConvergesOnItsStateFolderAndKeepsThePersonasWhenItStops() throws Exception {
        FakeHost host = new FakeHost();
        Agent a = agent("edge-01", host);
        api("POST", "/api/v1/personas", persona("web", "web", 1400));
        api("PUT", "/api/v1/assignments/web/edge-01", null);
        awaitAgent("edge-01", n -> n.at("/running/web").asInt() == 1);
        a.close();
        agents.remove(a);
        assertThat(host.version("web")).as("a stopped agent reverts nothing").isEqualTo("1");

        // as if the agent had received version 2 and died in the middle of applying it
        JsonNode v2 = api("POST", "/api/v1/personas", persona("web", "web", 1300));
        String doc = api("GET", "/api/v1/personas/web/versions/2", null).get("document").toString();
        LocalState.load(tmp.resolve("state-edge-01")).want("web", new LocalState.Doc(v2.get("version").asLong(), doc));
        Agent again = agent("edge-01", host);
        assertThat(again.running()).as("converged before connecting").isEqualTo(Map.of("web", 2L));
        assertThat(host.version("web")).isEqualTo("2");
        awaitAgent("edge-01", n -> n.at("/running/web").asInt() == 2);
        await("connected", again::connected);
        assertThat(host.applies()).as("version 2 applied once, by the convergence").containsExactly("web@1", "web@2");

        // a host whose state went away (a reboot empties /run) gets it back from the folder
        again.close();
        agents.remove(again);
        host.kernel.clear();
        Agent third = agent("edge-01", host);
        assertThat(host.version("web")).isEqualTo("2");
        assertThat(third.running()).isEqualTo(Map.of("web", 2L));
    }

    @Test
    void theEnginesJournalObservationsAndCapabilitiesReachTheControlPlane() throws Exception {
        FakeHost host = new FakeHost();
        agent("edge-01", host);
        api("POST", "/api/v1/personas", persona("web", "web", 1400));
        api("PUT", "/api/v1/assignments/web/edge-01", null);
        JsonNode journal = await("journal entries of web", () -> {
            try {
                return api("GET", "/api/v1/journal?node=edge-01", null);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, j -> j.size() > 0);
        assertThat(journal.get(0).get("persona").asString()).isEqualTo("web");
        assertThat(journal.get(0).get("outcome").asString()).isEqualTo("no_action");
        assertThat(journal.get(0).at("/details/code").asString()).isEqualTo("no-adaptation");
        JsonNode obs = await("observations of web", () -> {
            try {
                return api("GET", "/api/v1/agents/edge-01/observations", null);
            } catch (AssertionError | Exception e) {
                return null;
            }
        }, o -> o != null && o.get("metrics").size() == 1);
        assertThat(obs.at("/metrics/0/persona").asString()).isEqualTo("web");
        assertThat(obs.at("/metrics/0/rttP50Ms").asDouble()).isEqualTo(4.0);
    }
}
