package io.netpersona.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** persona lab through the packaged jar: refused without root; up, status -o json and down as root. */
class LabCommandIT {
    static final Path JAR = Path.of(System.getProperty("persona.jar", "target/persona.jar")).toAbsolutePath();
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    static Processes.Run persona(List<String> before, String... args) throws Exception {
        List<String> command = new ArrayList<>(before);
        command.addAll(List.of(JAVA, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return Processes.run(Path.of("/tmp"), Map.of(), null, command);
    }

    static boolean root() throws Exception {
        return Processes.run(Path.of("/tmp"), Map.of(), null, List.of("id", "-u")).out().strip().equals("0");
    }

    @Test
    void withoutRootItSaysSoAndExits1() throws Exception {
        assumeTrue(root(), "skipped: dropping to an unprivileged user needs root to begin with");
        for (String cmd : List.of("up", "down", "status")) {
            Processes.Run r = persona(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"), "lab", cmd);
            assertThat(r.code()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).startsWith("persona: lab " + cmd + " needs root: it creates network namespaces")
                    .contains("sudo ./persona lab " + cmd).doesNotContain("Exception", "\tat ");
        }
    }

    @Test
    void upStatusAndDownAsRoot() throws Exception {
        assumeTrue(root(), "skipped: the lab needs root to create network namespaces; this test runs where root is available, as in CI");
        String prefix = "lc" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt()).substring(1) + "-";
        Path state = Files.createTempDirectory("persona-lab-cli");
        String[] which = {"--prefix", prefix, "--state-dir", state.toString()};
        try {
            Processes.Run up = persona(List.of(), concat(new String[] {"lab", "up", "--delay-a", "5ms", "--apps-a", "web", "--clients", "1"}, which));
            assertThat(up.code()).as(up.err()).isZero();
            assertThat(up.out()).startsWith("lab " + prefix + " is up").contains(prefix + "a-web", "10.201.1.10", "delay 5ms one way");

            Processes.Run status = persona(List.of(), concat(new String[] {"lab", "status", "-o", "json"}, which));
            assertThat(status.code()).as(status.err()).isZero();
            JsonNode s = JsonMapper.builder().build().readTree(status.out());
            assertThat(s.path("state").asString()).isEqualTo("UP");
            assertThat(s.path("namespaces")).hasSize(7); // router, 2 wires, 2 hosts, web, client1
            assertThat(s.path("delayElement").path("alive").asBoolean()).isTrue();
            assertThat(s.path("paths").get(0).path("delay").asString()).isEqualTo("5ms");

            Processes.Run ping = Processes.run(Path.of("/tmp"), Map.of(), null,
                    List.of("ip", "netns", "exec", prefix + "client1", "ping", "-n", "-c", "3", "-i", "0.1", "10.201.1.10"));
            assertThat(ping.out()).contains("3 received");

            Processes.Run down = persona(List.of(), concat(new String[] {"lab", "down"}, which));
            assertThat(down.code()).as(down.err()).isZero();
            assertThat(down.out()).contains("removed 7 namespaces");
            Processes.Run after = persona(List.of(), concat(new String[] {"lab", "status"}, which));
            assertThat(after.code()).isEqualTo(1);
            assertThat(after.out()).contains(": down");
        } finally {
            persona(List.of(), concat(new String[] {"lab", "down"}, which));
        }
    }

    /** Ctrl-C and kill both run the JVM's shutdown hooks; a test sends SIGTERM, which no job control can have ignored. */
    @Test
    void stoppedWhileBuildingItLeavesNothing() throws Exception {
        assumeTrue(root(), "skipped: the lab needs root to create network namespaces; this test runs where root is available, as in CI");
        String prefix = "lc" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt()).substring(1) + "-";
        Path state = Files.createTempDirectory("persona-lab-cli");
        Process up = new ProcessBuilder(JAVA, "-jar", JAR.toString(), "lab", "up", "--prefix", prefix, "--state-dir", state.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (namespaces(prefix).isEmpty() && up.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(up.isAlive()).as("still building when stopped").isTrue();
            up.destroy();
            assertThat(up.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(namespaces(prefix)).isEmpty();
            assertThat(state).doesNotExist();
            assertThat(ProcessHandle.allProcesses().map(h -> h.info().arguments().map(a -> String.join(" ", a)).orElse("")))
                    .noneMatch(args -> args.contains(prefix));
        } finally {
            up.destroyForcibly();
            persona(List.of(), "lab", "down", "--prefix", prefix, "--state-dir", state.toString());
        }
    }

    static List<String> namespaces(String prefix) throws Exception {
        try (var s = Files.list(Path.of("/run/netns"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).toList();
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of();
        }
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
