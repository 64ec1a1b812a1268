package io.netpersona.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.netpersona.identity.CertificateAuthority;
import io.netpersona.identity.CertificateDir;
import io.netpersona.identity.TlsContexts;
import io.netpersona.proto.agent.v1.Ack;
import io.netpersona.proto.agent.v1.AgentMessage;
import io.netpersona.proto.agent.v1.AgentServiceGrpc;
import io.netpersona.proto.agent.v1.ControlMessage;
import io.netpersona.proto.agent.v1.Hello;
import io.netpersona.proto.agent.v1.Observations;
import io.netpersona.proto.agent.v1.RegisterRequest;
import io.netpersona.store.StoreConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The local PostgreSQL restarted while a control plane on it serves agents (acks, observations) and a
 * stream of persona changes through the REST API: no version the API acknowledged is lost, the control
 * plane recovers by itself (the pool reconnects), and a change made afterwards reaches every agent.
 * PostgreSQL is started again in any case before the test ends.
 */
class PostgresRestartTest {
    private static final String URL = System.getProperty("netpersona.test.pg.url", "jdbc:postgresql://localhost:5432/netpersona_test");
    private static final String USER = System.getProperty("netpersona.test.pg.user", "netpersona_test");
    private static final String PASSWORD = System.getProperty("netpersona.test.pg.password", "netpersona_test");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int AGENTS = 20;

    @TempDir
    Path tmp;

    @Test
    void aRestartUnderLoadLosesNoAcknowledgedVersionAndLaterChangesReachTheAgents() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "restarting the PostgreSQL cluster (pg_ctlcluster) needs root");
        String schema = "np_restart_" + HexFormat.of().formatHex(randomBytes());
        awaitPostgres(30);
        CertificateDir certs = new CertificateDir(tmp.resolve("certs"));
        CertificateAuthority.init(certs.dir(), List.of(), Clock.systemUTC(), 30);
        for (int i = 0; i < AGENTS; i++) {
            CertificateAuthority.issue(certs.dir(), "edge-" + i, Clock.systemUTC(), 30);
        }
        StoreConfig pg = new StoreConfig.Postgres(URL, USER, PASSWORD, schema, 4);
        List<AutoAgent> agents = new ArrayList<>();
        AtomicBoolean loading = new AtomicBoolean(true);
        try (ControlPlane cp = ControlPlane.start(new ControlPlane.Config(tmp.resolve("data"), certs.dir(), "127.0.0.1", 0, "127.0.0.1", 0, pg),
                Clock.systemUTC())) {
            Api api = new Api(cp.httpPort(), Files.readString(cp.adminTokenFile()).strip());
            assertThat(api.send("POST", "personas", persona(0)).statusCode()).isEqualTo(201);
            for (int i = 0; i < AGENTS; i++) {
                AutoAgent a = new AutoAgent(certs, "edge-" + i, cp.grpcPort());
                agents.add(a);
                a.connect();
                assertThat(api.send("PUT", "assignments/fleet/edge-" + i, null).statusCode()).isEqualTo(200);
            }
            awaitVersion(agents, 1);

            // persona versions as fast as the API takes them, each with its own mtu; every 201 is a promise
            Map<Integer, Integer> acknowledged = new ConcurrentHashMap<>();
            List<Integer> refusals = new ArrayList<>();
            Thread load = Thread.ofPlatform().name("load").start(() -> {
                for (int k = 1; loading.get(); k++) {
                    try {
                        HttpResponse<String> r = api.send("POST", "personas", persona(k));
                        if (r.statusCode() == 201) {
                            acknowledged.put(JSON.readTree(r.body()).get("version").asInt(), mtu(k));
                        } else {
                            synchronized (refusals) {
                                refusals.add(r.statusCode());
                            }
                        }
                        Thread.sleep(10);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            java.sql.Timestamp started = postmasterStart();
            try {
                Thread.sleep(1000);
                restartPostgres();
                Thread.sleep(3000);
            } finally {
                loading.set(false);
                load.join(30_000);
                awaitPostgres(60);
            }
            assertThat(postmasterStart()).as("PostgreSQL was restarted").isAfter(started);
            System.out.printf("PostgreSQL restarted under load: %d versions acknowledged, %d requests refused meanwhile%n",
                    acknowledged.size(), refusals.size());
            assertThat(acknowledged).as("versions acknowledged around the restart").hasSizeGreaterThan(10);
            assertThat(refusals).as("anything the API refused meanwhile was 'unavailable'").allMatch(s -> s == 503);
            for (Map.Entry<Integer, Integer> v : acknowledged.entrySet()) {
                HttpResponse<String> r = api.send("GET", "personas/fleet/versions/" + v.getKey(), null);
                assertThat(r.statusCode()).as("acknowledged version %d", v.getKey()).isEqualTo(200);
                assertThat(JSON.readTree(r.body()).at("/document/spec/mtu").asInt()).isEqualTo(v.getValue());
            }

            HttpResponse<String> after = api.send("POST", "personas", persona(7000));
            assertThat(after.statusCode()).as("a change after the restart: " + after.body()).isEqualTo(201);
            awaitVersion(agents, JSON.readTree(after.body()).get("version").asInt());
            JsonNode listed = JSON.readTree(api.send("GET", "agents", null).body());
            assertThat(listed).hasSize(AGENTS);
        } finally {
            loading.set(false);
            agents.forEach(AutoAgent::close);
            awaitPostgres(60);
            try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private static int mtu(int k) {
        return 600 + k % 8000;
    }

    private static String persona(int k) {
        return """
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: fleet}
                spec:
                  app: {netns: fleet}
                  mtu: %d
                """.formatted(mtu(k));
    }

    private static java.sql.Timestamp postmasterStart() throws SQLException {
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD); Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT pg_postmaster_start_time()")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    private static void restartPostgres() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("pg_ctlcluster", "15", "main", "restart").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("pg_ctlcluster restart finished").isTrue();
        assertThat(p.exitValue()).as("pg_ctlcluster 15 main restart: " + output).isZero();
    }

    /** Starts the cluster if it is not running (a restart that failed half-way) and waits until it takes connections. */
    private static void awaitPostgres(int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        boolean started = false;
        while (true) {
            try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD)) {
                if (c.isValid(5)) {
                    return;
                }
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    fail("PostgreSQL is not reachable at " + URL + " (" + e.getMessage() + ")", e);
                }
            }
            if (!started) {
                started = true;
                // exit code 2: it runs already (and is about to accept connections)
                new ProcessBuilder("pg_ctlcluster", "15", "main", "start").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
            }
            Thread.sleep(200);
        }
    }

    private static void awaitVersion(List<AutoAgent> agents, long version) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (AutoAgent a : agents) {
            while (a.running() < version) {
                assertThat(System.nanoTime()).as("%s never ran version %d (runs %d)", a.node, version, a.running()).isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[6];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    /** An agent that acknowledges every update, sends observations every 100 ms and connects again when its stream ends. */
    private static final class AutoAgent {
        final String node;
        private final ManagedChannel channel;
        private final Thread observer;
        private volatile long running;
        private volatile StreamObserver<AgentMessage> stream;
        private volatile boolean closed;

        AutoAgent(CertificateDir certs, String node, int port) {
            this.node = node;
            this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(TlsContexts.client(certs, node)).build();
            this.observer = Thread.ofVirtual().start(() -> {
                while (!closed) {
                    try {
                        Thread.sleep(100);
                        send(AgentMessage.newBuilder().setObservations(Observations.newBuilder().setTimeMs(System.currentTimeMillis())).build());
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        // between streams
                    }
                }
            });
        }

        long running() {
            return running;
        }

        void connect() {
            String session = AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .register(RegisterRequest.newBuilder().setNode(node).setHostname(node).setAgentVersion("0.1.0").build()).getSessionId();
            stream = AgentServiceGrpc.newStub(channel).connect(new StreamObserver<>() {
                @Override
                public void onNext(ControlMessage m) {
                    m.getUpdate().getAssignmentsList().forEach(a -> running = Math.max(running, a.getVersion()));
                    send(AgentMessage.newBuilder().setAck(Ack.newBuilder().setNonce(m.getNonce()).putAllRunning(runningMap())).build());
                }

                @Override
                public void onError(Throwable t) {
                    reconnect();
                }

                @Override
                public void onCompleted() {
                    reconnect();
                }
            });
            send(AgentMessage.newBuilder().setHello(Hello.newBuilder().setNode(node).setSessionId(session).putAllRunning(runningMap())).build());
        }

        private Map<String, Long> runningMap() {
            return running == 0 ? Map.of() : Map.of("fleet", running);
        }

        private void reconnect() {
            Thread.ofVirtual().start(() -> {
                while (!closed) {
                    try {
                        Thread.sleep(500);
                        connect();
                        return;
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        // the control plane cannot register it yet: try again, as a real agent does with backoff
                    }
                }
            });
        }

        private synchronized void send(AgentMessage m) {
            stream.onNext(m);
        }

        void close() {
            closed = true;
            observer.interrupt();
            channel.shutdownNow();
        }
    }

    private record Api(int port, String token) {
        private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/" + path))
                    .header("Authorization", "Bearer " + token)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
