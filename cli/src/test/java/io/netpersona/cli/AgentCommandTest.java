package io.netpersona.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.identity.CertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** persona agent's help and its refusals of bad options, before it touches anything. */
class AgentCommandTest {
    @TempDir
    Path dir;

    @Test
    void helpSaysWhatItDoesAndHowToRunIt() {
        MainTest.Result r = MainTest.run("agent", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--server=HOST:PORT", "--certs=DIR", "--node=NODE", "--picture=FILE", "--state=DIR",
                "Fail static", "sudo persona agent --server cp.example:7443 \\\n      --certs /etc/netpersona/certs --node edge-01");
    }

    @Test
    void aMissingCertificateIsNamed() throws Exception {
        CertificateAuthority.init(dir, List.of(), Clock.systemUTC(), 30);
        MainTest.Result r = MainTest.run("agent", "--server", "127.0.0.1:7443", "--certs", dir.toString(), "--node", "edge-09",
                "--state", dir.resolve("state").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("persona agent: certs: " + dir.resolve("edge-09.crt") + ": not found",
                "'persona certs issue DIR edge-09'");
        assertThat(Files.exists(dir.resolve("state"))).as("nothing was started").isFalse();
    }

    @Test
    void aServerWithoutAPortIsRefused() {
        MainTest.Result r = MainTest.run("agent", "--server", "cp.example", "--certs", dir.toString(), "--node", "edge-01");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--server: cp.example (expected: HOST:PORT");
        MainTest.Result missing = MainTest.run("agent", "--certs", dir.toString(), "--node", "edge-01");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--server=HOST:PORT'");
    }
}
