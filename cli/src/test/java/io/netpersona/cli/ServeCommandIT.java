package io.netpersona.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** persona serve as a real process, driven by the operator commands through ./persona and the environment. */
class ServeCommandIT {
    private static final Path JAR = Path.of(System.getProperty("persona.jar", "target/persona.jar")).toAbsolutePath();
    private static final Pattern REST = Pattern.compile("REST API on (http://127\\.0\\.0\\.1:\\d+)/api/v1/");

    @TempDir
    Path tmp;

    @Test
    void serveKeepsEveryVersionAcrossARestart() throws Exception {
        Path certs = tmp.resolve("certs");
        Path data = tmp.resolve("data");
        assertThat(PersonaCommandIT.persona(null, "certs", "init", certs.toString()).code()).isZero();

        Process serve = start(data, certs);
        try {
            String first = firstLines(serve);
            assertThat(first).contains("admin token written to " + data.resolve("admin.token") + " (owner only)");
            String token = Files.readString(data.resolve("admin.token")).strip();
            assertThat(first).doesNotContain(token);
            Map<String, String> env = env(url(first), token);
            Processes.Run apply = Processes.run(Processes.root(), env, null, List.of("./persona", "apply", "-f", "examples/arena.yaml"));
            assertThat(apply.code()).as(apply.err()).isZero();
            assertThat(apply.out()).isEqualTo("arena: version 1 stored\n");
            Processes.Run refused = Processes.run(Processes.root(), env(url(first), "wrong"), null, List.of("./persona", "get", "personas"));
            assertThat(refused.code()).isEqualTo(1);
            assertThat(refused.err()).isEqualTo("persona: authorization: the token is not accepted\n");
        } finally {
            stop(serve);
        }

        Process again = start(data, certs);
        try {
            String lines = firstLines(again);
            assertThat(lines).contains("admin token: " + data.resolve("admin.token"));
            String token = Files.readString(data.resolve("admin.token")).strip();
            Processes.Run get = Processes.run(Processes.root(), env(url(lines), token), null, List.of("./persona", "get", "personas", "-o", "json"));
            assertThat(get.code()).as(get.err()).isZero();
            assertThat(get.out()).contains("\"name\" : \"arena\"", "\"version\" : 1");
        } finally {
            stop(again);
        }
    }

    @Test
    void serveWithoutCertificatesSaysHowToMakeThem() throws Exception {
        Processes.Run r = PersonaCommandIT.persona(null, "serve", "--data", tmp.resolve("d").toString(), "--certs",
                tmp.resolve("none").toString(), "--grpc-port", "0", "--http-port", "0");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("persona serve: certs: " + tmp.resolve("none").resolve("ca.crt") + ": not found")
                .contains("'persona certs init " + tmp.resolve("none") + "'");
    }

    private static Map<String, String> env(String url, String token) {
        Map<String, String> env = new HashMap<>();
        env.put("PERSONA_SERVER", url);
        env.put("PERSONA_TOKEN", token);
        return env;
    }

    private static Process start(Path data, Path certs) throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC", "-jar", JAR.toString(),
                "serve", "--data", data.toString(), "--certs", certs.toString(), "--grpc-port", "0", "--http-port", "0")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The two lines serve prints once it listens. */
    private static String firstLines(Process p) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String a = r.readLine();
        String b = r.readLine();
        assertThat(a).as("serve ended before it listened").isNotNull();
        return a + "\n" + b + "\n";
    }

    private static String url(String lines) {
        Matcher m = REST.matcher(lines);
        assertThat(m.find()).as(lines).isTrue();
        return m.group(1);
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("serve did not stop within 20 s of SIGTERM");
        }
    }
}
