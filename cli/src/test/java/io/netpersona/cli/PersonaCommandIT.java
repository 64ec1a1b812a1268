package io.netpersona.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every subcommand through the real ./persona launcher and the packaged jar, as a user runs them. */
class PersonaCommandIT {
    @TempDir
    Path dir;

    static Processes.Run persona(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("./persona"));
        command.addAll(List.of(args));
        // as on a fresh machine: JAVA_HOME unset, the default java (17) first on the PATH
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", null);
        return Processes.run(Processes.root(), env, stdin, command);
    }

    Path example(String name, String from, String to) throws IOException {
        String text = Files.readString(Processes.root().resolve("examples/arena.yaml"));
        Path p = dir.resolve(name);
        Files.writeString(p, text.replace(from, to));
        return p;
    }

    @Test
    void versionAndHelp() throws Exception {
        Processes.Run v = persona(null, "--version");
        assertThat(v.code()).as(v.err()).isZero();
        assertThat(v.out()).startsWith("persona 0.").contains("Java 25");
        Processes.Run h = persona(null, "--help");
        assertThat(h.code()).isZero();
        assertThat(h.out()).contains("Usage: persona", "validate", "diff", "blend", "Exit codes");
    }

    @Test
    void validate() throws Exception {
        Processes.Run ok = persona(null, "validate", "examples/arena.yaml");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).isEqualTo("examples/arena.yaml: valid (arena)\n");
        Path bad = example("bad.yaml", "priority: 0", "prority: 0");
        Processes.Run invalid = persona(null, "validate", "examples/arena.yaml", bad.toString(), "missing.yaml");
        assertThat(invalid.code()).isEqualTo(1);
        assertThat(invalid.out()).contains(bad + ": spec.qos.prority: unknown field (did you mean priority?)",
                "missing.yaml: cannot read: no such file", "2 of 3 files invalid");
        Processes.Run stdin = persona("apiVersion: netpersona.io/v1\nkind: Persona\nmetadata: {name: x}\nspec: {app: {}}\n",
                "validate", "-");
        assertThat(stdin.code()).isEqualTo(1);
        assertThat(stdin.out()).isEqualTo("-: spec.app: empty (expected: at least one of netns, cgroup, exe, ports)\n");
    }

    @Test
    void diff() throws Exception {
        Processes.Run same = persona(null, "diff", "examples/arena.yaml", "examples/arena.yaml");
        assertThat(same.code()).as(same.err()).isZero();
        assertThat(same.out()).isEmpty();
        Path b = example("b.yaml", "congestionControl: bbr", "congestionControl: cubic");
        Processes.Run differ = persona(null, "diff", "examples/arena.yaml", b.toString());
        assertThat(differ.code()).isEqualTo(3);
        assertThat(differ.out()).isEqualTo("~ spec.tcp.congestionControl: bbr -> cubic\n");
        Processes.Run json = persona(null, "diff", "-o", "json", "examples/arena.yaml", b.toString());
        assertThat(json.code()).isEqualTo(3);
        assertThat(json.out()).contains("\"path\" : \"spec.tcp.congestionControl\"", "\"new\" : \"cubic\"");
    }

    @Test
    void blend() throws Exception {
        Path b = example("b.yaml", "ceilRate: 20Mbit", "ceilRate: 60Mbit");
        Processes.Run r = persona(null, "blend", "examples/arena.yaml", b.toString(), "--weight", "0.25");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("ceilRate: 30Mbit");
        Path out = dir.resolve("blended.yaml");
        Files.writeString(out, r.out());
        assertThat(persona(null, "validate", out.toString()).code()).isZero();
        Processes.Run json = persona(null, "blend", "examples/arena.yaml", b.toString(), "-w", "1", "-o", "json");
        assertThat(json.out()).contains("\"ceilRate\" : \"60Mbit\"");
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        Processes.Run noWeight = persona(null, "blend", "examples/arena.yaml", "examples/arena.yaml");
        assertThat(noWeight.code()).isEqualTo(2);
        assertThat(noWeight.err()).contains("Missing required option", "Usage: persona blend");
        Processes.Run unknown = persona(null, "valdate", "examples/arena.yaml");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("Did you mean", "validate", "Usage: persona");
        assertThat(persona(null).code()).isEqualTo(2);
    }
}
