package io.netpersona.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netpersona.identity.CertificateAuthority;
import io.netpersona.identity.CertificateDir;
import io.netpersona.proto.agent.v1.AgentMessage;
import io.netpersona.proto.agent.v1.Assignment;
import io.netpersona.proto.agent.v1.Capability;
import io.netpersona.proto.agent.v1.CapabilityReport;
import io.netpersona.proto.agent.v1.JournalEntries;
import io.netpersona.proto.agent.v1.JournalEntry;
import io.netpersona.proto.agent.v1.Observations;
import io.netpersona.proto.agent.v1.PersonaMetrics;
import io.netpersona.proto.agent.v1.ControlMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** An in-JVM control plane on loopback: the REST API over HTTP, agents over real mutual TLS. */
class ControlPlaneTest {
    static final String ARENA = readExample();
    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path certsDir;
    static CertificateDir certs;

    @TempDir
    Path data;
    ControlPlane cp;
    String token;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Everything logged through java.util.logging, where gRPC, Jetty (via SLF4J) and the store log. */
    static final List<String> LOGGED = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    @BeforeAll
    static void captureLogs() {
        java.util.logging.Logger.getLogger("").addHandler(new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                LOGGED.add(new java.util.logging.SimpleFormatter().format(r));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
    }

    @BeforeAll
    static void certificates() {
        certs = new CertificateDir(certsDir);
        CertificateAuthority.init(certsDir, List.of(), Clock.systemUTC(), 30);
        CertificateAuthority.issue(certsDir, "edge-01", Clock.systemUTC(), 30);
        CertificateAuthority.issue(certsDir, "edge-02", Clock.systemUTC(), 30);
    }

    @BeforeEach
    void start() throws Exception {
        cp = ControlPlane.start(new ControlPlane.Config(data, certsDir, "127.0.0.1", 0, "127.0.0.1", 0, null), Clock.systemUTC());
        token = Files.readString(cp.adminTokenFile()).strip();
    }

    @AfterEach
    void stop() {
        cp.close();
    }

    static String readExample() {
        try {
            return Files.readString(Path.of("../examples/arena.yaml"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    record Reply(int status, JsonNode body, HttpResponse<String> raw) {}

    Reply call(String method, String path, String body, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.httpPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = r.body().isEmpty() || !r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                ? null : JSON.readTree(r.body());
        return new Reply(r.statusCode(), json, r);
    }

    Reply api(String method, String path, String body) throws Exception {
        return call(method, path, body, "Bearer " + token);
    }

    @Test
    void theAdminTokenIsMadeOnceForTheOwnerOnly() throws Exception {
        assertThat(cp.adminTokenCreated()).isTrue();
        assertThat(cp.adminTokenFile()).isEqualTo(data.resolve("admin.token"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cp.adminTokenFile()))).isEqualTo("rw-------");
        assertThat(token).hasSizeGreaterThanOrEqualTo(32);
        cp.close();
        cp = ControlPlane.start(new ControlPlane.Config(data, certsDir, "127.0.0.1", 0, "127.0.0.1", 0, null), Clock.systemUTC());
        assertThat(cp.adminTokenCreated()).isFalse();
        assertThat(Files.readString(cp.adminTokenFile()).strip()).isEqualTo(token);
    }

    @Test
    void theApiRefusesAMissingOrWrongToken() throws Exception {
        Reply missing = call("GET", "/api/v1/personas", null, null);
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.body().get("error").asString()).startsWith("authorization: missing");
        assertThat(missing.raw().headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"netpersona\"");
        Reply wrong = call("POST", "/api/v1/personas", ARENA, "Bearer " + token.substring(1) + "x");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body().get("error").asString()).isEqualTo("authorization: the token is not accepted").doesNotContain(token);
        assertThat(call("GET", "/api/v1/personas", null, token).status()).as("no Bearer scheme").isEqualTo(401);
        // nothing was stored by the refused request
        assertThat(api("GET", "/api/v1/personas", null).body()).isEmpty();
        assertThat(call("GET", "/health", null, null).status()).isEqualTo(200);
        Reply metrics = call("GET", "/metrics", null, null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.raw().body()).contains("netpersona_api_unauthorized_total 3.0");
        assertThat(LOGGED).as("something was logged, so the check below looks at something").isNotEmpty();
        assertThat(String.join("", LOGGED)).doesNotContain(token).doesNotContain(token.substring(1)).doesNotContain("PRIVATE KEY");
    }

    @Test
    void personasPutGetHistoryDiffAndRollback() throws Exception {
        Reply v1 = api("POST", "/api/v1/personas", ARENA);
        assertThat(v1.status()).isEqualTo(201);
        assertThat(v1.body().get("version").asInt()).isEqualTo(1);
        assertThat(api("POST", "/api/v1/personas", ARENA).body().get("created").asBoolean()).as("same document again").isFalse();
        Reply v2 = api("POST", "/api/v1/personas", ARENA.replace("mtu: 1400", "mtu: 1300"));
        assertThat(v2.status()).isEqualTo(201);
        assertThat(v2.body().get("version").asInt()).isEqualTo(2);

        Reply latest = api("GET", "/api/v1/personas/arena", null);
        assertThat(latest.body().get("version").asInt()).isEqualTo(2);
        assertThat(latest.body().at("/document/spec/mtu").asInt()).isEqualTo(1300);
        assertThat(api("GET", "/api/v1/personas/arena/versions/1", null).body().at("/document/spec/mtu").asInt()).isEqualTo(1400);
        assertThat(api("GET", "/api/v1/personas/arena/history", null).body()).extracting(n -> n.get("version").asInt()).containsExactly(1, 2);
        JsonNode diff = api("GET", "/api/v1/personas/arena/diff?from=1&to=2", null).body();
        assertThat(diff).hasSize(1);
        assertThat(diff.get(0).get("path").asString()).isEqualTo("spec.mtu");

        Reply rolled = api("POST", "/api/v1/personas/arena/rollback", "{\"to\": 1}");
        assertThat(rolled.status()).isEqualTo(201);
        assertThat(rolled.body().get("version").asInt()).isEqualTo(3);
        assertThat(rolled.body().get("rolledBackFrom").asInt()).isEqualTo(1);
        assertThat(api("GET", "/api/v1/personas/arena", null).body().at("/document/spec/mtu").asInt()).isEqualTo(1400);

        Reply list = api("GET", "/api/v1/personas", null);
        assertThat(list.body()).extracting(n -> n.get("name").asString() + "@" + n.get("version").asInt()).containsExactly("arena@3");
    }

    @Test
    void errorsAreTheServersMessage() throws Exception {
        Reply invalid = api("POST", "/api/v1/personas", ARENA.replace("mtu: 1400", "mtu: 70000"));
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.body().get("error").asString()).isEqualTo("persona: invalid (1 problem)");
        assertThat(invalid.body().at("/problems/0/path").asString()).isEqualTo("spec.mtu");
        assertThat(invalid.body().at("/problems/0/message").asString()).contains("70000");
        Reply missing = api("GET", "/api/v1/personas/nope", null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body().get("error").asString()).isEqualTo("persona nope: not found");
        api("POST", "/api/v1/personas", ARENA);
        Reply badRollback = api("POST", "/api/v1/personas/arena/rollback", "{\"to\": 9}");
        assertThat(badRollback.status()).isEqualTo(404);
        assertThat(badRollback.body().get("error").asString()).contains("9");
        assertThat(api("POST", "/api/v1/personas/arena/rollback", "{}").body().get("error").asString())
                .isEqualTo("to: missing (expected: the version to go back to, a number)");
        assertThat(api("PUT", "/api/v1/assignments/nope/edge-01", null).status()).isEqualTo(404);
        assertThat(api("PUT", "/api/v1/assignments/arena/Bad_Node", null).status()).isEqualTo(422);
        assertThat(api("GET", "/api/v1/nothing", null).status()).isEqualTo(404);
    }

    @Test
    void anAgentReceivesItsAssignmentAndItsAckIsRecorded() throws Exception {
        api("POST", "/api/v1/personas", ARENA);
        try (TestAgent agent = new TestAgent(certs, "edge-01", cp.grpcPort())) {
            agent.connect("edge-01", agent.register("edge-01"), Map.of());
            ControlMessage caughtUp = agent.next();
            assertThat(caughtUp.getUpdate().getAssignmentsList()).as("nothing assigned yet").isEmpty();
            agent.ack(caughtUp.getNonce(), Map.of());

            assertThat(api("PUT", "/api/v1/assignments/arena/edge-01", null).status()).isEqualTo(200);
            ControlMessage update = agent.next();
            assertThat(update.getNonce()).isNotEqualTo(caughtUp.getNonce());
            Assignment a = update.getUpdate().getAssignments(0);
            assertThat(a.getPersona() + "@" + a.getVersion()).isEqualTo("arena@1");
            assertThat(JSON.readTree(a.getDocumentJson()).at("/metadata/version").asInt()).isEqualTo(1);
            agent.ack(update.getNonce(), Map.of("arena", 1L));
            awaitRunning("edge-01", "arena", 1);

            // a new version rolls out as the difference only
            api("POST", "/api/v1/personas", ARENA.replace("mtu: 1400", "mtu: 1300"));
            ControlMessage v2 = agent.next();
            assertThat(v2.getUpdate().getAssignmentsList()).extracting(x -> x.getPersona() + "@" + x.getVersion()).containsExactly("arena@2");
            agent.nack(v2.getNonce(), "arena", 2, "spec.mtu: 1300 refused by the test", Map.of("arena", 1L));
            JsonNode state = awaitAgent("edge-01", n -> n.has("lastNack"));
            assertThat(state.at("/lastNack/reason").asString()).isEqualTo("spec.mtu: 1300 refused by the test");
            assertThat(state.at("/running/arena").asInt()).as("the last good version keeps running").isEqualTo(1);

            assertThat(api("DELETE", "/api/v1/assignments/arena/edge-01", null).status()).isEqualTo(204);
            assertThat(agent.next().getUpdate().getRemovalsList()).containsExactly("arena");
        }
    }

    @Test
    void aReconnectingAgentGetsOnlyWhatChanged() throws Exception {
        api("POST", "/api/v1/personas", ARENA);
        api("PUT", "/api/v1/assignments/arena/edge-01", null);
        try (TestAgent agent = new TestAgent(certs, "edge-01", cp.grpcPort())) {
            agent.connect("edge-01", agent.register("edge-01"), Map.of("arena", 1L, "gone", 4L));
            ControlMessage m = agent.next();
            assertThat(m.getUpdate().getAssignmentsList()).isEmpty();
            assertThat(m.getUpdate().getRemovalsList()).containsExactly("gone");
        }
    }

    @Test
    void anAgentCannotActForAnotherNode() throws Exception {
        api("POST", "/api/v1/personas", ARENA);
        api("PUT", "/api/v1/assignments/arena/edge-01", null);
        try (TestAgent real = new TestAgent(certs, "edge-01", cp.grpcPort());
                TestAgent other = new TestAgent(certs, "edge-02", cp.grpcPort())) {
            assertThatThrownBy(() -> other.register("edge-01")).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                assertThat(e.getStatus().getDescription()).isEqualTo("node: 'edge-01' (expected: 'edge-02', the node of this agent's certificate)");
            });
            String session = real.register("edge-01");
            // edge-02 presents edge-01's session in a Hello naming edge-01
            other.connect("edge-01", session, Map.of());
            assertThat(other.end().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(other.received).isEmpty();

            real.connect("edge-01", session, Map.of());
            ControlMessage update = real.next();
            assertThat(update.getUpdate().getAssignmentsCount()).isEqualTo(1);
            // edge-02, on a stream of its own, answers the nonce edge-01 was sent
            try (TestAgent other2 = new TestAgent(certs, "edge-02", cp.grpcPort())) {
                other2.connect("edge-02", other2.register("edge-02"), Map.of());
                other2.next();
                other2.ack(update.getNonce().equals("1") ? "99" : update.getNonce() + "9", Map.of("arena", 1L));
                assertThat(other2.end().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            }
            real.ack(update.getNonce(), Map.of("arena", 1L));
            awaitRunning("edge-01", "arena", 1);
            JsonNode edge02 = api("GET", "/api/v1/agents/edge-02", null).body();
            assertThat(edge02.get("running")).as("edge-02's refused ack recorded nothing").isEmpty();
        }
    }

    @Test
    void journalEntriesAreStoredOnceForTheAgentsOwnNode() throws Exception {
        try (TestAgent agent = new TestAgent(certs, "edge-01", cp.grpcPort())) {
            agent.connect("edge-01", agent.register("edge-01"), Map.of());
            ControlMessage caughtUp = agent.next();
            JournalEntries entries = JournalEntries.newBuilder()
                    .addEntries(JournalEntry.newBuilder().setId("j-1").setPersona("arena").setVersion(1).setTimeMs(1000)
                            .setOutcome("applied").setReason("rtt p99 above 80 ms").setDetailsJson("{\"ceilRate\":\"30Mbit\"}"))
                    .addEntries(JournalEntry.newBuilder().setId("j-2").setPersona("arena").setVersion(1).setTimeMs(2000)
                            .setOutcome("no_action").setReason("within bounds"))
                    .build();
            agent.send(AgentMessage.newBuilder().setJournal(entries).build());
            // resent after an unsure moment: stored once
            agent.send(AgentMessage.newBuilder().setJournal(entries).build());
            // the stream is handled in order: once this ack is recorded, both batches were
            agent.ack(caughtUp.getNonce(), Map.of("arena", 1L));
            awaitRunning("edge-01", "arena", 1);
            JsonNode journal = api("GET", "/api/v1/journal?node=edge-01", null).body();
            assertThat(journal).extracting(n -> n.get("id").asString()).containsExactly("j-2", "j-1");
            assertThat(journal.get(1).at("/details/ceilRate").asString()).isEqualTo("30Mbit");
            assertThat(journal.get(1).get("node").asString()).isEqualTo("edge-01");
            assertThat(api("GET", "/api/v1/journal?node=edge-02", null).body()).isEmpty();

            agent.send(AgentMessage.newBuilder().setJournal(JournalEntries.newBuilder().addEntries(JournalEntry.newBuilder()
                    .setId("j-3").setPersona("arena").setVersion(1).setOutcome("exploded"))).build());
            Status s = agent.end();
            assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(s.getDescription()).startsWith("entries[0].outcome: exploded");
        }
    }

    @Test
    void theLastObservationsOfAnAgentAreShown() throws Exception {
        assertThat(api("GET", "/api/v1/agents/edge-01/observations", null).status()).isEqualTo(404);
        try (TestAgent agent = new TestAgent(certs, "edge-01", cp.grpcPort())) {
            agent.connect("edge-01", agent.register("edge-01"), Map.of());
            ControlMessage caughtUp = agent.next();
            for (double rtt : new double[] {12.5, 40.25}) {
                agent.send(AgentMessage.newBuilder().setObservations(Observations.newBuilder().setTimeMs(5000)
                        .addMetrics(PersonaMetrics.newBuilder().setPersona("arena").setVersion(1).setRttP50Ms(rtt).setThroughputBps(2_000_000)))
                        .build());
            }
            // handled in order: once the ack is recorded, both observations were
            agent.ack(caughtUp.getNonce(), Map.of("arena", 1L));
            awaitRunning("edge-01", "arena", 1);
            JsonNode o = api("GET", "/api/v1/agents/edge-01/observations", null).body();
            assertThat(o.at("/metrics/0/rttP50Ms").asDouble()).as("the last of them").isEqualTo(40.25);
            assertThat(o.at("/metrics/0/throughputBps").asLong()).isEqualTo(2_000_000);
            assertThat(call("GET", "/metrics", null, null).raw().body()).contains("netpersona_observations_received_total 2.0");
        }
    }

    @Test
    void whatAnAgentSendsRightAfterItsHelloWaitsForTheHello() throws Exception {
        try (TestAgent agent = new TestAgent(certs, "edge-01", cp.grpcPort())) {
            agent.connect("edge-01", agent.register("edge-01"), Map.of());
            // the hello reads the repository off the event loop; these are handled on it, and must not overtake it
            // (an observation before the hello would end the stream)
            for (int i = 0; i <= 200; i++) {
                agent.send(AgentMessage.newBuilder().setObservations(Observations.newBuilder().setTimeMs(7000 + i)
                        .addMetrics(PersonaMetrics.newBuilder().setPersona("arena").setVersion(1).setRttP50Ms(i / 2.0))).build());
            }
            ControlMessage caughtUp = agent.next();
            agent.ack(caughtUp.getNonce(), Map.of("arena", 1L));
            awaitRunning("edge-01", "arena", 1);
            assertThat(agent.ended).isNotDone();
            assertThat(api("GET", "/api/v1/agents/edge-01/observations", null).body().at("/metrics/0/rttP50Ms").asDouble()).isEqualTo(100.0);
        }
    }

    @Test
    void anAgentsCapabilityReportIsShownWithItsState() throws Exception {
        try (TestAgent agent = new TestAgent(certs, "edge-01", cp.grpcPort())) {
            agent.connect("edge-01", agent.register("edge-01"), Map.of());
            ControlMessage caughtUp = agent.next();
            agent.send(AgentMessage.newBuilder().setCapabilities(CapabilityReport.newBuilder().setSubstrate("linux")
                    .addCapabilities(Capability.newBuilder().setName("qdisc:htb").setAvailable(true))
                    .addCapabilities(Capability.newBuilder().setName("cc:bbr").setReason("module tcp_bbr not loaded"))).build());
            agent.ack(caughtUp.getNonce(), Map.of());
            JsonNode a = awaitAgent("edge-01", n -> n.has("capabilities"));
            assertThat(a.at("/capabilities/substrate").asString()).isEqualTo("linux");
            assertThat(a.at("/capabilities/capabilities")).extracting(c -> c.get("name").asString() + "=" + c.get("available").asBoolean())
                    .containsExactly("qdisc:htb=true", "cc:bbr=false");
            assertThat(a.at("/capabilities/capabilities/1/reason").asString()).isEqualTo("module tcp_bbr not loaded");
            assertThat(api("GET", "/api/v1/agents", null).body().get(0).at("/capabilities/substrate").asString()).isEqualTo("linux");
        }
    }

    @Test
    void aHelloWithAStaleSessionIsRefused() throws Exception {
        try (TestAgent agent = new TestAgent(certs, "edge-01", cp.grpcPort())) {
            String first = agent.register("edge-01");
            agent.register("edge-01");
            agent.connect("edge-01", first, Map.of());
            Status s = agent.end();
            assertThat(s.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(s.getDescription()).contains("is not the current registration of node edge-01");
        }
    }

    private void awaitRunning(String node, String persona, int version) throws Exception {
        awaitAgent(node, n -> n.at("/running/" + persona).asInt() == version);
    }

    private JsonNode awaitAgent(String node, java.util.function.Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            Reply r = api("GET", "/api/v1/agents/" + node, null);
            last = r.body();
            if (r.status() == 200 && condition.test(last)) {
                return last;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("agent " + node + " never reached the expected state; last: " + last);
    }
}
