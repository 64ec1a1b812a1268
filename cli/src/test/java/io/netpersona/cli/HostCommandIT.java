package io.netpersona.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** persona host apply / show / remove / capabilities through ./persona, on namespaces of the test's own. */
class HostCommandIT {
    @TempDir
    Path dir;
    String ns;
    String peer;

    static Processes.Run sh(String... argv) throws Exception {
        return Processes.run(Path.of("/"), Map.of(), null, List.of(argv));
    }

    @BeforeEach
    void namespaces() throws Exception {
        String prefix = "th" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        assumeTrue(sh("ip", "netns", "add", prefix + "a").code() == 0,
                "skipped: cannot create network namespaces here (needs root); CI runs these as root");
        ns = prefix + "a";
        peer = prefix + "b";
        assertThat(sh("ip", "netns", "add", peer).code()).isZero();
        assertThat(sh("ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", peer).code()).isZero();
        sh("ip", "-n", ns, "link", "set", "eth0", "up");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (ns != null) {
            sh("ip", "netns", "del", ns);
            sh("ip", "netns", "del", peer);
            sh("rm", "-rf", "/etc/netns/" + ns);
        }
    }

    Processes.Run persona(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("./persona"));
        command.addAll(List.of(args));
        command.addAll(List.of("--state", dir.resolve("state").toString(), "--picture", picture().toString()));
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", null);
        return Processes.run(Processes.root(), env, null, command);
    }

    Path picture() throws IOException {
        Path p = dir.resolve("picture.json");
        Files.writeString(p, "{\"hosts\": []}");
        return p;
    }

    Path personaFile(String spec) throws IOException {
        Path f = dir.resolve("p.yaml");
        Files.writeString(f, """
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: web}
                spec:
                  app: {netns: %s}
                %s""".formatted(ns, spec.indent(2)));
        return f;
    }

    String mtu() throws Exception {
        return sh("ip", "-n", ns, "-j", "link", "show", "eth0").out();
    }

    @Test
    void applyShowRemove() throws Exception {
        Path f = personaFile("mtu: 1400\ndns: {servers: [10.201.2.53]}");
        Processes.Run dry = persona("host", "apply", "-f", f.toString(), "--dry-run");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("~ link-mtu " + ns + " eth0 {mtu=1500 -> 1400}", "+ file", "dry run");
        assertThat(mtu()).contains("\"mtu\":1500");

        Processes.Run apply = persona("host", "apply", "-f", f.toString());
        assertThat(apply.code()).as(apply.err()).isZero();
        assertThat(apply.out()).contains("applied 2 change(s) for web");
        assertThat(mtu()).contains("\"mtu\":1400");
        assertThat(Files.readString(Path.of("/etc/netns", ns, "resolv.conf"))).contains("nameserver 10.201.2.53");

        Processes.Run again = persona("host", "apply", "-f", f.toString());
        assertThat(again.out()).contains("no changes for web");

        sh("ip", "-n", ns, "link", "set", "eth0", "mtu", "1500");
        Processes.Run show = persona("host", "show", "web");
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out()).contains("1 drifted", "drift: link-mtu " + ns + " eth0");
        Processes.Run json = persona("host", "show", "web", "-o", "json");
        assertThat(json.out()).contains("\"persona\" : \"web\"", "\"kind\" : \"link-mtu\"", "\"drift\"");

        Processes.Run remove = persona("host", "remove", "web");
        assertThat(remove.code()).as(remove.err()).isZero();
        assertThat(mtu()).contains("\"mtu\":1500");
        assertThat(Path.of("/etc/netns", ns)).doesNotExist();
        assertThat(persona("host", "show", "web").code()).isEqualTo(1);
        assertThat(persona("host", "remove", "web").err()).contains("nothing of persona web is on this host");
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndNothingIsApplied() throws Exception {
        Path missing = dir.resolve("missing.yaml");
        Files.writeString(missing, personaFile("mtu: 1400").toFile().exists()
                ? Files.readString(dir.resolve("p.yaml")).replace(ns, ns + "x") : "");
        Processes.Run r = persona("host", "apply", "-f", missing.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("spec.app.netns: " + ns + "x (expected: an existing network namespace", "nothing was applied");

        Processes.Run invalid = persona("host", "apply", "-f", personaFile("mtu: 70000").toString());
        assertThat(invalid.code()).isEqualTo(1);
        assertThat(invalid.err()).contains("spec.mtu: 70000 (expected: 576..9216)");
        assertThat(mtu()).contains("\"mtu\":1500");
    }

    @Test
    void capabilitiesSayWhy() throws Exception {
        Processes.Run r = persona("host", "capabilities");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("yes  qdisc/htb", "yes  nftables");
        Processes.Run json = persona("host", "capabilities", "-o", "json");
        assertThat(json.out()).contains("\"qdisc/htb\" : {", "\"available\" : true");
    }
}
