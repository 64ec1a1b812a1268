package io.netpersona.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.control.ControlPlane;
import io.netpersona.identity.CertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The operator commands in process, against a control plane started in this JVM on loopback. */
class RepositoryCommandsTest {
    @TempDir
    Path tmp;
    ControlPlane cp;
    String server;
    String token;

    @BeforeEach
    void start() throws Exception {
        CertificateAuthority.init(tmp.resolve("certs"), List.of(), Clock.systemUTC(), 30);
        cp = ControlPlane.start(new ControlPlane.Config(tmp.resolve("data"), tmp.resolve("certs"), "127.0.0.1", 0, "127.0.0.1", 0, null),
                Clock.systemUTC());
        server = "http://127.0.0.1:" + cp.httpPort();
        token = Files.readString(cp.adminTokenFile()).strip();
    }

    @AfterEach
    void stop() {
        cp.close();
    }

    MainTest.Result persona(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", server, "--token", token));
        return MainTest.run(all.toArray(String[]::new));
    }

    Path variant(String from, String to) throws Exception {
        Path p = tmp.resolve("v.yaml");
        Files.writeString(p, Files.readString(MainTest.EXAMPLE).replace(from, to));
        return p;
    }

    @Test
    void applyGetHistoryRollback() throws Exception {
        assertThat(persona("apply", "-f", MainTest.EXAMPLE.toString()).out()).isEqualTo("arena: version 1 stored\n");
        assertThat(persona("apply", "-f", MainTest.EXAMPLE.toString()).out()).isEqualTo("arena: unchanged (version 1)\n");
        assertThat(persona("apply", "-f", variant("mtu: 1400", "mtu: 1300").toString()).out()).isEqualTo("arena: version 2 stored\n");

        MainTest.Result get = persona("get", "personas");
        assertThat(get.code()).as(get.err()).isZero();
        assertThat(get.out().lines().toList()).hasSize(2);
        assertThat(get.out()).startsWith("NAME   VERSION  CREATED\narena  2        20");

        MainTest.Result rolled = persona("rollback", "arena", "--to", "1");
        assertThat(rolled.out()).isEqualTo("arena: version 3 stored (a copy of version 1)\n");
        MainTest.Result history = persona("history", "arena");
        assertThat(history.out().lines().toList()).hasSize(4);
        assertThat(history.out().lines().toList().getLast()).startsWith("3 ").endsWith("rollback to version 1");
        JsonNode json = ApiClientJson.read(persona("history", "arena", "-o", "json").out());
        assertThat(json).extracting(n -> n.get("version").asInt()).containsExactly(1, 2, 3);
    }

    @Test
    void assignAndUnassign() throws Exception {
        persona("apply", "-f", MainTest.EXAMPLE.toString());
        assertThat(persona("assign", "arena", "--node", "edge-01").out()).isEqualTo("arena: assigned to node edge-01\n");
        assertThat(persona("get", "assignments").out()).contains("arena    edge-01");
        JsonNode list = ApiClientJson.read(persona("get", "assignments", "-o", "json").out());
        assertThat(list.get(0).get("node").asString()).isEqualTo("edge-01");
        assertThat(persona("get", "agents").out()).isEqualTo("NODE  HOSTNAME  AGENT  LAST SEEN  RUNNING  LAST NACK\n");
        assertThat(persona("unassign", "arena", "--node", "edge-01").out()).isEqualTo("arena: unassigned from node edge-01\n");
        assertThat(ApiClientJson.read(persona("get", "assignments", "-o", "json").out())).isEmpty();
        assertThat(persona("get", "journal", "--node", "edge-01").out()).isEqualTo("TIME  NODE  PERSONA  OUTCOME  REASON\n");
        assertThat(persona("get", "journal", "--limit", "0").err()).isEqualTo("persona: limit: 0 (expected: 1..10000)\n");

        // an agent's report, written the way the control plane writes it: into the same repository
        try (io.netpersona.store.Store repo = io.netpersona.store.Store.open(
                new io.netpersona.store.StoreConfig.Sqlite(tmp.resolve("data").resolve("netpersona.db")), Clock.systemUTC())) {
            repo.registerAgent("edge-01", "e1.lab", "0.1.0");
            repo.appendJournal("edge-01", List.of(new io.netpersona.store.JournalRecord("edge-01", "j1", "arena", 1, 1_750_000_000_000L,
                    "reverted", "loss rose after the change", "{}", 0)));
        }
        assertThat(persona("get", "journal", "--persona", "arena").out()).isEqualTo("""
                TIME                  NODE     PERSONA  OUTCOME   REASON
                2025-06-15T15:06:40Z  edge-01  arena@1  reverted  loss rose after the change
                """);
    }

    @Test
    void serverErrorsAreShownAsTheServersMessage() throws Exception {
        persona("apply", "-f", MainTest.EXAMPLE.toString());
        MainTest.Result missing = persona("rollback", "arena", "--to", "9");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).startsWith("persona: ").contains("9").doesNotContain("Exception").doesNotContain("\tat ");
        MainTest.Result unassign = persona("unassign", "arena", "--node", "edge-09");
        assertThat(unassign.err()).isEqualTo("persona: assignment of arena to node edge-09: not found\n");
        MainTest.Result badNode = persona("assign", "arena", "--node", "Bad_Node");
        assertThat(badNode.code()).isEqualTo(1);
        assertThat(badNode.err()).startsWith("persona: ").contains("Bad_Node");
        MainTest.Result noPersona = persona("history", "nope");
        assertThat(noPersona.err()).isEqualTo("persona: persona nope: not found\n");

        MainTest.Result wrongToken = MainTest.run("get", "personas", "--server", server, "--token", "x" + token);
        assertThat(wrongToken.code()).isEqualTo(1);
        assertThat(wrongToken.err()).isEqualTo("persona: authorization: the token is not accepted\n");
        MainTest.Result tokenFile = MainTest.run("get", "personas", "--server", server, "--token-file", cp.adminTokenFile().toString());
        assertThat(tokenFile.code()).as(tokenFile.err()).isZero();
    }

    @Test
    void anInvalidFileIsRefusedBeforeAnythingIsSent() throws Exception {
        MainTest.Result r = persona("apply", "-f", MainTest.EXAMPLE.toString(), "-f", variant("mtu: 1400", "mtu: 70000").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("spec.mtu: 70000 (expected: 576..9216)");
        assertThat(ApiClientJson.read(persona("get", "personas", "-o", "json").out())).isEmpty();
    }

    @Test
    void theServerAndTokenComeFromTheEnvironmentToo() {
        ApiClient.Options o = new ApiClient.Options();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> o.client(Map.of())))
                .hasMessage("token: none (expected: --token, --token-file or PERSONA_TOKEN; 'persona serve' wrote it to DATA/admin.token)");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> o.client(Map.of("PERSONA_TOKEN", "t", "PERSONA_SERVER", "ftp://x"))))
                .hasMessage("server: 'ftp://x' (expected: a URL such as http://127.0.0.1:7080)");
        ApiClient c = o.client(Map.of("PERSONA_TOKEN", token, "PERSONA_SERVER", server));
        assertThat(c.get("personas")).isEmpty();
        cp.close();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> c.get("personas")))
                .hasMessage("cannot reach the control plane at " + server + "/ (connection refused)");
        // restarted for the @AfterEach
        cp = ControlPlane.start(new ControlPlane.Config(tmp.resolve("data"), tmp.resolve("certs"), "127.0.0.1", 0, "127.0.0.1", 0, null),
                Clock.systemUTC());
    }

    static final class ApiClientJson {
        static JsonNode read(String s) {
            return ApiClient.JSON.readTree(s);
        }
    }
}
