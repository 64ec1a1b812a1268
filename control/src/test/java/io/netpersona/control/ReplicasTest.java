package io.netpersona.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.netpersona.identity.CertificateAuthority;
import io.netpersona.identity.CertificateDir;
import io.netpersona.proto.agent.v1.ControlMessage;
import io.netpersona.store.StoreConfig;
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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two control-plane replicas on one PostgreSQL: a change made through one reaches an agent connected to the
 * other. PostgreSQL being down is a failure, not a skip (.ci/run starts it).
 */
class ReplicasTest {
    private static final String URL = System.getProperty("netpersona.test.pg.url", "jdbc:postgresql://localhost:5432/netpersona_test");
    private static final String USER = System.getProperty("netpersona.test.pg.user", "netpersona_test");
    private static final String PASSWORD = System.getProperty("netpersona.test.pg.password", "netpersona_test");

    @TempDir
    Path tmp;
    String schema;
    ControlPlane a;
    ControlPlane b;

    @BeforeEach
    void start() {
        byte[] random = new byte[6];
        ThreadLocalRandom.current().nextBytes(random);
        schema = "np_cp_" + HexFormat.of().formatHex(random);
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD)) {
            c.isValid(5);
        } catch (SQLException e) {
            fail("PostgreSQL is not reachable at " + URL + " as " + USER + " (" + e.getMessage() + "); .ci/run starts it", e);
        }
        CertificateAuthority.init(tmp.resolve("certs"), List.of(), Clock.systemUTC(), 30);
        CertificateAuthority.issue(tmp.resolve("certs"), "edge-01", Clock.systemUTC(), 30);
        StoreConfig pg = new StoreConfig.Postgres(URL, USER, PASSWORD, schema, 4);
        a = ControlPlane.start(new ControlPlane.Config(tmp.resolve("a"), tmp.resolve("certs"), "127.0.0.1", 0, "127.0.0.1", 0, pg), Clock.systemUTC());
        b = ControlPlane.start(new ControlPlane.Config(tmp.resolve("b"), tmp.resolve("certs"), "127.0.0.1", 0, "127.0.0.1", 0, pg), Clock.systemUTC());
    }

    @AfterEach
    void stop() throws SQLException {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @Test
    void aChangeThatCouldNotBeSentIsSentOnceTheRepositoryAnswersAgain() throws Exception {
        CertificateDir certs = new CertificateDir(tmp.resolve("certs"));
        String token = Files.readString(a.adminTokenFile()).strip();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.httpPort() + "/api/v1/personas"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(ControlPlaneTest.ARENA)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);
        try (TestAgent agent = new TestAgent(certs, "edge-01", a.grpcPort());
                Connection c = DriverManager.getConnection(URL, USER, PASSWORD); Statement st = c.createStatement()) {
            agent.connect("edge-01", agent.register("edge-01"), Map.of());
            assertThat(agent.next().getUpdate().getAssignmentsList()).isEmpty();

            // the versions become unreadable, then an assignment arrives as another replica writes one
            st.execute("ALTER TABLE " + schema + ".persona_versions RENAME TO persona_versions_away");
            st.execute("UPDATE " + schema + ".revision_counter SET value = value + 1");
            st.execute("INSERT INTO " + schema + ".assignments (id, persona, node, created_at_ms, revision) SELECT 'x', 'arena', 'edge-01', 0,"
                    + " value FROM " + schema + ".revision_counter");
            st.execute("INSERT INTO " + schema + ".changes (revision, kind, persona, node, version, at_ms) SELECT value, 'ASSIGNED', 'arena',"
                    + " 'edge-01', 0, 0 FROM " + schema + ".revision_counter");
            // wait until the fan-out has seen the change and failed to compute the update
            long deadline = System.nanoTime() + 10_000_000_000L;
            // every poll after that fails again, so the counter may be past 1 when read
            while (!java.util.regex.Pattern.compile("(?m)^netpersona_store_errors_total [1-9]").matcher(http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + a.httpPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body()).find()) {
                assertThat(System.nanoTime()).as("the fan-out never failed on the hidden table").isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(agent.received).as("nothing could be sent meanwhile").isEmpty();
            st.execute("ALTER TABLE " + schema + ".persona_versions_away RENAME TO persona_versions");

            ControlMessage update = agent.next();
            assertThat(update.getUpdate().getAssignmentsList()).extracting(x -> x.getPersona() + "@" + x.getVersion()).containsExactly("arena@1");
        }
    }

    @Test
    void aChangeThroughOneReplicaReachesAnAgentOnTheOther() throws Exception {
        CertificateDir certs = new CertificateDir(tmp.resolve("certs"));
        try (TestAgent agent = new TestAgent(certs, "edge-01", b.grpcPort()); TestAgent viaA = new TestAgent(certs, "edge-01", a.grpcPort())) {
            // registered through one replica, streaming through the other, as behind a load balancer
            agent.connect("edge-01", viaA.register("edge-01"), Map.of());
            assertThat(agent.next().getUpdate().getAssignmentsList()).isEmpty();

            String token = Files.readString(a.adminTokenFile()).strip();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://127.0.0.1:" + a.httpPort() + "/api/v1/";
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "personas")).header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(ControlPlaneTest.ARENA)).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(201);
            long t0 = System.nanoTime();
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "assignments/arena/edge-01")).header("Authorization", "Bearer " + token)
                    .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            ControlMessage update = agent.next();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(update.getUpdate().getAssignmentsList()).extracting(x -> x.getPersona() + "@" + x.getVersion()).containsExactly("arena@1");
            // measured, not asserted: the requirement (under a second) is the benchmark's to show
            System.out.println("replica a -> agent on replica b: " + ms + " ms");
        }
    }
}
