package io.netpersona.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands driven in process, as picocli parses them: exit codes and output. */
class MainTest {
    static final Path EXAMPLE = Path.of("../examples/arena.yaml");

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    Path variant(String name, String from, String to) throws IOException {
        String text = Files.readString(EXAMPLE);
        assertThat(text).contains(from);
        return write(name, text.replace(from, to));
    }

    @Test
    void validateAcceptsTheExample() {
        Result r = run("validate", EXAMPLE.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo(EXAMPLE + ": valid (arena)\n");
    }

    @Test
    void validateListsEveryProblemOfEveryFile() throws IOException {
        Path bad1 = variant("bad1.yaml", "mtu: 1400", "mtu: 70000");
        Path bad2 = variant("bad2.yaml", "priority: 0", "prority: 9");
        Result r = run("validate", EXAMPLE.toString(), bad1.toString(), bad2.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains(
                bad1 + ": spec.mtu: 70000 (expected: 576..9216)\n",
                bad2 + ": spec.qos.prority: unknown field (did you mean priority?)\n",
                "2 of 3 files invalid, 2 problems");
    }

    @Test
    void validateShowsLineAndColumnOfSyntaxErrors() throws IOException {
        Path broken = write("broken.yaml", "apiVersion: netpersona.io/v1\nkind: Persona\nmetadata: {name: x\nspec: {}\n");
        Result r = run("validate", broken.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).matches("(?s)" + java.util.regex.Pattern.quote(broken.toString()) + ":\\d+:\\d+: .+\n");
    }

    @Test
    void validateJsonOutput() throws IOException {
        Path bad = variant("bad.yaml", "mtu: 1400", "mtu: 70000");
        Result r = run("validate", "-o", "json", bad.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("\"valid\" : false", "\"path\" : \"spec.mtu\"",
                "\"message\" : \"70000 (expected: 576..9216)\"");
    }

    @Test
    void validateReadsJsonFiles() throws IOException {
        String json = io.netpersona.model.PersonaCodec.toJson(
                io.netpersona.model.PersonaCodec.readYaml(Files.readString(EXAMPLE)));
        assertThat(run("validate", write("arena.json", json).toString()).code()).isZero();
    }

    @Test
    void missingFileAndDirectoryAreProblemsOfThatFile() {
        Result r = run("validate", dir.resolve("nope.yaml").toString(), dir.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("nope.yaml: cannot read: no such file", dir + ": cannot read: a directory");
    }

    @Test
    void diffExitCodes() throws IOException {
        Path same = write("same.yaml", Files.readString(EXAMPLE));
        Result equal = run("diff", EXAMPLE.toString(), same.toString());
        assertThat(equal.code()).isZero();
        assertThat(equal.out()).isEmpty();
        Path b = variant("b.yaml", "ceilRate: 20Mbit", "ceilRate: 30Mbit");
        Result differ = run("diff", EXAMPLE.toString(), b.toString());
        assertThat(differ.code()).isEqualTo(3);
        assertThat(differ.out()).isEqualTo("~ spec.qos.ceilRate: 20Mbit -> 30Mbit\n");
        Result json = run("diff", "-o", "json", EXAMPLE.toString(), b.toString());
        assertThat(json.code()).isEqualTo(3);
        assertThat(json.out()).contains("\"op\" : \"changed\"", "\"old\" : \"20Mbit\"");
        Path bad = variant("bad.yaml", "mtu: 1400", "mtu: 1");
        Result invalid = run("diff", EXAMPLE.toString(), bad.toString());
        assertThat(invalid.code()).isEqualTo(1);
        assertThat(invalid.err()).contains("spec.mtu: 1 (expected: 576..9216)");
    }

    @Test
    void blendPrintsAValidPersona() throws IOException {
        Path b = variant("b.yaml", "mtu: 1400", "mtu: 1200");
        Result r = run("blend", EXAMPLE.toString(), b.toString(), "--weight", "0.5");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("mtu: 1300");
        assertThat(io.netpersona.model.PersonaCodec.readYaml(r.out()).spec().mtu()).isEqualTo(1300);
        Result json = run("blend", EXAMPLE.toString(), b.toString(), "-w", "0", "-o", "json");
        assertThat(json.out()).contains("\"mtu\" : 1400");
    }

    @Test
    void usageErrorsExitTwoWithUsage() throws IOException {
        Result bad = run("blend", EXAMPLE.toString(), EXAMPLE.toString(), "--weight", "1.5");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--weight: 1.5 (expected: 0..1)", "Usage: persona blend");
        Result missing = run("blend", EXAMPLE.toString(), EXAMPLE.toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--weight=W'");
        Result unknown = run("frobnicate");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unmatched argument", "Usage: persona");
        Result none = run();
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("a command is needed");
        Result badOutput = run("diff", "-o", "xml", "a", "b");
        assertThat(badOutput.code()).isEqualTo(2);
        assertThat(badOutput.err()).contains("text, json");
    }

    @Test
    void helpAndVersion() {
        Result help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("validate", "diff", "blend", "Exit codes");
        for (String command : new String[] {"validate", "diff", "blend"}) {
            Result h = run(command, "--help");
            assertThat(h.code()).isZero();
            assertThat(h.out()).contains("Usage: persona " + command, "Examples:");
        }
        Result version = run("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("persona ").contains("Java " + Runtime.version().feature());
    }

    @Test
    void aNamedCommandIsBuiltAloneAndBehavesAsInTheWholeTree() {
        picocli.CommandLine whole = new picocli.CommandLine(new Main());
        assertThat(whole.getSubcommands()).containsKeys("validate", "flows", "help");
        for (String name : whole.getSubcommands().keySet()) {
            if (name.equals("help")) {
                continue;
            }
            picocli.CommandLine alone = Main.commandLine(new String[] {name, "--help"});
            assertThat(alone.getSubcommands()).as("the tree for %s", name).containsOnlyKeys(name);
            assertThat(alone.getSubcommands().get(name).getUsageMessage())
                    .isEqualTo(whole.getSubcommands().get(name).getUsageMessage());
        }
        assertThat(Main.commandLine(new String[] {"--help"}).getSubcommands()).containsOnlyKeys(
                whole.getSubcommands().keySet());
        assertThat(Main.commandLine(new String[] {"help", "flows"}).getSubcommands()).containsKey("help");
        Result wrong = run("flows", "--no-such-option", "x.pcap");
        assertThat(wrong.code()).isEqualTo(Main.USAGE);
        assertThat(wrong.err()).startsWith("persona: Unknown option: '--no-such-option'").contains("Usage: persona flows");
    }
}
